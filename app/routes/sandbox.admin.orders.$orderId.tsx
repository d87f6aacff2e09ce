// The sandbox's stand-in for the Shopify admin's order page: the app's admin UI extensions for orders, each in its
// frame (app/sandbox/extension-host.server.ts): "Generate invoice" under More actions (shown when its
// should-render says so) in a modal, Print → "Print invoice" (the print action) in a modal, and the Invoice
// Bridge block. `npm run demo` prints its address.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { isShopDomain, SANDBOX_PAGES, sandboxOnly } from "../sandbox/admin-frame.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => {
  const refused = sandboxOnly();
  if (refused) return refused;
  const shop = new URL(request.url).searchParams.get("shop");
  const order = params.orderId ?? "";
  if (!isShopDomain(shop) || !/^\d{1,20}$/.test(order)) return new Response("Open /sandbox/admin/orders/<order id>?shop=<name>.myshopify.com.", { status: 400 });
  const frame = (target: string) => `/sandbox/extension?${new URLSearchParams({ shop, order, target })}`;
  const links = SANDBOX_PAGES.map((p) => `<li><a href="/sandbox/admin?${new URLSearchParams({ shop, page: p.path })}">${p.label}</a></li>`).join("");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Order ${order} · sandbox admin</title>
<style>
  body{margin:0;font:14px system-ui,-apple-system,"Segoe UI",sans-serif;background:#f1f1f1;color:#303030}
  header{height:48px;background:#1a1a1a;color:#fff;display:flex;align-items:center;padding:0 16px;gap:12px}
  header span{opacity:.75} .shell{display:flex;min-height:calc(100vh - 48px)}
  nav{width:220px;padding:12px 8px;background:#ebebeb} nav ul{list-style:none;margin:0;padding:0}
  nav a{display:block;padding:6px 10px;border-radius:8px;color:#303030;text-decoration:none}
  main{flex:1;padding:20px 32px;max-width:1000px} .title{display:flex;align-items:center;justify-content:space-between}
  h1{font-size:20px;margin:0} button{border:0;border-radius:8px;padding:6px 12px;background:#fff;box-shadow:0 0 0 1px #c9c9c9;cursor:pointer;font:inherit;font-weight:550}
  .menu{position:relative} .menu ul{display:none;position:absolute;right:0;top:34px;background:#fff;border-radius:10px;box-shadow:0 4px 16px #0003;list-style:none;margin:0;padding:6px;min-width:200px;z-index:2}
  .menu.open ul{display:block} .menu li button{box-shadow:none;width:100%;text-align:left}
  .block{margin-top:16px;border:0;width:100%;height:360px;background:transparent}
  .modal{display:none;position:fixed;inset:0;background:#0008;align-items:flex-start;justify-content:center;padding-top:48px;z-index:3}
  .modal.open{display:flex} .modal iframe{width:720px;height:640px;border:0;border-radius:14px;background:#fff}
</style></head>
<body><header><strong>Shopify admin</strong><span>sandbox stand-in · ${shop}</span></header>
<div class="shell"><nav aria-label="Invoice Bridge"><ul>${links}</ul></nav>
<main>
  <div class="title"><h1>Order ${order}</h1>
    <div style="display:flex;gap:8px"><a href="/sandbox/admin/orders?${new URLSearchParams({ shop })}" style="align-self:center;color:#005bd3">All orders</a>
    <div class="menu" id="print-menu"><button id="print" aria-haspopup="true" aria-expanded="false">Print ▾</button>
      <ul><li><button id="print-invoice">Print invoice</button></li></ul></div>
    <div class="menu" id="menu"><button id="more" aria-haspopup="true" aria-expanded="false">More actions ▾</button>
      <ul><li id="generate-item" hidden><button id="generate">Generate invoice</button></li><li id="none"><span style="padding:6px 12px;display:block;color:#616161">No actions</span></li></ul></div></div></div>
  <iframe class="block" title="Invoice Bridge block" name="invoice-block" src="${frame("admin.order-details.block.render")}"></iframe>
  <iframe hidden title="Generate invoice: should render" name="should-render" src="${frame("admin.order-details.action.should-render")}"></iframe>
</main></div>
<div class="modal" id="modal" role="dialog" aria-modal="true" aria-label="Generate invoice"></div>
<script>
  const menu = document.getElementById("menu");
  const printMenu = document.getElementById("print-menu");
  const toggle = (m, button) => { m.classList.toggle("open"); button.setAttribute("aria-expanded", String(m.classList.contains("open"))); };
  document.getElementById("more").addEventListener("click", (e) => toggle(menu, e.currentTarget));
  document.getElementById("print").addEventListener("click", (e) => toggle(printMenu, e.currentTarget));
  const modal = document.getElementById("modal");
  const open = (title, name, src) => {
    menu.classList.remove("open");
    printMenu.classList.remove("open");
    modal.setAttribute("aria-label", title);
    modal.innerHTML = '<iframe title="' + title + '" name="' + name + '" src="' + src + '"></iframe>';
    modal.classList.add("open");
  };
  document.getElementById("generate").addEventListener("click", () => open("Generate invoice", "invoice-action", ${JSON.stringify(frame("admin.order-details.action.render"))}));
  document.getElementById("print-invoice").addEventListener("click", () => open("Print invoice", "print-action", ${JSON.stringify(frame("admin.order-details.print-action.render"))}));
  // The admin closes a print action's modal with Escape or a click beside it.
  modal.addEventListener("click", (event) => { if (event.target === modal) { modal.classList.remove("open"); modal.innerHTML = ""; } });
  window.addEventListener("message", (event) => {
    if (event.origin !== location.origin) return;
    if (event.data?.type === "ib-extension-ready" && event.data.target === "admin.order-details.action.should-render") {
      const shown = Boolean(event.data.output?.display);
      document.getElementById("generate-item").hidden = !shown;
      document.getElementById("none").hidden = shown;
    }
    if (event.data?.type === "ib-extension-close") {
      modal.classList.remove("open");
      modal.innerHTML = "";
      // What the action changed shows on the page, as the admin refreshes it.
      for (const name of ["invoice-block", "should-render"]) document.querySelector('iframe[name="' + name + '"]').contentWindow.location.reload();
    }
  });
</script>
</body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
};
