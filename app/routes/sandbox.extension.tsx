// One admin UI extension in its frame, as the admin hosts it: the host script, then the target's module, whose
// default export renders into the body (or, for should-render, answers {display}, which goes to the page).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { isShopDomain, sandboxOnly } from "../sandbox/admin-frame.server";
import { accountLocale, isHostedTarget } from "../sandbox/extension-host.server";

export const loader = ({ request }: LoaderFunctionArgs) => {
  const refused = sandboxOnly();
  if (refused) return refused;
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop");
  const order = url.searchParams.get("order") ?? "";
  const orders = url.searchParams.get("orders");
  const target = url.searchParams.get("target");
  const customer = url.searchParams.get("customer");
  const account = target?.startsWith("customer-account.") ?? false;
  // Customer accounts: a signed-in buyer (?customer=), an order for the order targets, none for the Invoices page.
  const selection = account
    ? /^\d{1,20}$/.test(customer ?? "") && (order === "" ? target === "customer-account.page.render" : /^\d{1,20}$/.test(order))
    : orders === null
      ? /^\d{1,20}$/.test(order)
      : /^\d{1,20}(,\d{1,20}){0,249}$/.test(orders);
  if (!isShopDomain(shop) || !selection || !isHostedTarget(target)) return new Response("Needs ?shop=, ?order= (or ?orders=1,2,…; ?customer= in customer accounts) and a known ?target=.", { status: 400 });
  const locale = account ? `<script>window.__IB_LOCALE__ = ${JSON.stringify(accountLocale(url.searchParams.get("lang") ?? "en")).replace(/</g, "\\u003c")};</script>` : "";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${target}</title>
${locale}<script src="/sandbox/extension-host.js"></script></head>
<body><script type="module">
  const module = await import("/sandbox/extensions/${target}.js");
  const output = await module.default();
  parent.postMessage({ type: "ib-extension-ready", target: ${JSON.stringify(target)}, output: output ?? null }, location.origin);
</script></body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
};
