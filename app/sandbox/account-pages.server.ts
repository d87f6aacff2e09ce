// The sandbox's stand-in customer account: an order page and the Invoices page, signed in as a demo buyer, each
// hosting the app's customer-account extensions in frames (app/sandbox/extension-host.server.ts). Sandbox only;
// nothing of it is Shopify's code.
import { adminClientFor } from "../shopify/admin.server";
import { ACCOUNT_LANGUAGES } from "./extension-host.server";

export type AccountPage = { shop: string; customer: string; lang: string };

const SIGNED_IN = /* GraphQL */ `
  query SandboxSignedIn($customer: ID!, $order: ID!, $withOrder: Boolean!) {
    customer(id: $customer) { displayName }
    order(id: $order) @include(if: $withOrder) { name }
  }
`;

/** Who is signed in, and the order's name, as the customer account shows them (read from the Shopify simulator). */
export async function signedIn(page: AccountPage, order?: string): Promise<{ buyer: string; orderName: string | null }> {
  try {
    const admin = await adminClientFor(page.shop);
    const answer = await admin.request<{ customer: { displayName: string } | null; order?: { name: string } | null }>(SIGNED_IN, {
      customer: `gid://shopify/Customer/${page.customer}`,
      order: `gid://shopify/Order/${order ?? "0"}`,
      withOrder: Boolean(order),
    });
    return { buyer: answer.customer?.displayName ?? `customer ${page.customer}`, orderName: answer.order?.name ?? null };
  } catch {
    return { buyer: `customer ${page.customer}`, orderName: null };
  }
}

export function accountParams(url: URL): AccountPage | null {
  const shop = url.searchParams.get("shop") ?? "";
  const customer = url.searchParams.get("customer") ?? "";
  const lang = url.searchParams.get("lang") ?? "en";
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop) || !/^\d{1,20}$/.test(customer) || !(ACCOUNT_LANGUAGES as readonly string[]).includes(lang)) return null;
  return { shop, customer, lang };
}

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function frameUrl(page: AccountPage, target: string, order?: string): string {
  return `/sandbox/extension?${new URLSearchParams({ shop: page.shop, customer: page.customer, lang: page.lang, target, ...(order ? { order } : {}) })}`;
}

/** The page around the frames: the shop's customer-account header and navigation, with a language switch. */
export function accountShell(page: AccountPage, input: { title: string; body: string; script?: string; here: string; buyer: string }): Response {
  const q = (extra: Record<string, string> = {}) => new URLSearchParams({ shop: page.shop, customer: page.customer, lang: page.lang, ...extra });
  const languages = ACCOUNT_LANGUAGES.map((l) => `<option value="${l}"${l === page.lang ? " selected" : ""}>${l}</option>`).join("");
  const html = `<!doctype html>
<html lang="${page.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(input.title)} · sandbox customer account</title>
<style>
  body{margin:0;font:15px system-ui,-apple-system,"Segoe UI",sans-serif;background:#f5f5f5;color:#1a1a1a}
  header{background:#fff;border-bottom:1px solid #e3e3e3;display:flex;align-items:center;gap:24px;padding:12px 32px}
  header strong{font-size:18px} header nav{display:flex;gap:16px} header a{color:#1a1a1a;text-decoration:none} header a[aria-current]{font-weight:650;text-decoration:underline}
  header .who{margin-left:auto;color:#616161;font-size:13px;display:flex;gap:8px;align-items:center}
  main{max-width:880px;margin:24px auto;padding:0 16px} h1{font-size:24px;margin:0 0 16px}
  iframe{border:0;width:100%;background:transparent}
  .modal{display:none;position:fixed;inset:0;background:#0008;align-items:flex-start;justify-content:center;padding-top:64px}
  .modal.open{display:flex} .modal iframe{width:560px;height:480px;border-radius:14px;background:#fff}
</style></head>
<body><header><strong>${escape(page.shop.replace(".myshopify.com", ""))}</strong>
<nav aria-label="Account"><a href="/sandbox/account/invoices?${q()}"${input.here === "invoices" ? ' aria-current="page"' : ""}>Invoices</a></nav>
<span class="who">sandbox stand-in · signed in as ${escape(input.buyer)}
<label>Language <select id="lang">${languages}</select></label></span></header>
<main>${input.body}</main>
<div class="modal" id="modal" role="dialog" aria-modal="true" aria-label="Order action"></div>
<script>
  document.getElementById("lang").addEventListener("change", (e) => { const u = new URL(location.href); u.searchParams.set("lang", e.target.value); location.href = u.toString(); });
  window.addEventListener("message", (event) => {
    if (event.origin !== location.origin) return;
    if (event.data?.type === "ib-extension-close") { document.getElementById("modal").classList.remove("open"); document.getElementById("modal").innerHTML = ""; }
  });
  ${input.script ?? ""}
</script></body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
