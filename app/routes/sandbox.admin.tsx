// The sandbox's stand-in for the Shopify admin: a navigation and the embedded app in a frame, opened
// with a session token exactly as Shopify opens it. `npm run demo` prints its address; 404 outside
// sandbox mode.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { hostParam, isShopDomain, SANDBOX_PAGES, sandboxOnly, sandboxSessionToken } from "../sandbox/admin-frame.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const refused = sandboxOnly();
  if (refused) return refused;
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop");
  if (!isShopDomain(shop)) return new Response("Add ?shop=<name>.myshopify.com to the address.", { status: 400 });
  const page = SANDBOX_PAGES.find((p) => p.path === url.searchParams.get("page")) ?? SANDBOX_PAGES[0];
  const src = (path: string, token: string) => `${path}?${new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: token })}`;
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const links = SANDBOX_PAGES.map(
    (p) => `<li><a href="?${new URLSearchParams({ shop, page: p.path })}"${p.path === page.path ? ' aria-current="page"' : ""}>${escape(p.label)}</a></li>`,
  ).join("");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(page.label)} · Invoice Bridge · sandbox admin</title>
<style>
  body{margin:0;font:14px system-ui,-apple-system,"Segoe UI",sans-serif;background:#f1f1f1;color:#303030}
  header{height:48px;background:#1a1a1a;color:#fff;display:flex;align-items:center;padding:0 16px;gap:12px}
  header strong{font-weight:600} header span{opacity:.75}
  .shell{display:flex;height:calc(100vh - 48px)}
  nav{width:220px;padding:12px 8px;background:#ebebeb} nav ul{list-style:none;margin:0;padding:0}
  nav a{display:block;padding:6px 10px;border-radius:8px;color:#303030;text-decoration:none}
  nav a[aria-current]{background:#fff;font-weight:600}
  main{flex:1;min-width:0} iframe{border:0;width:100%;height:100%;background:#f1f1f1}
</style></head>
<body><header><strong>Shopify admin</strong><span>sandbox stand-in · ${escape(shop)}</span></header>
<div class="shell"><nav aria-label="Invoice Bridge"><ul>${links}</ul></nav>
<main><iframe title="Invoice Bridge" name="app-iframe" src="${escape(src(page.path, await sandboxSessionToken(shop)))}"></iframe></main></div>
</body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
};
