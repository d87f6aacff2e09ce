// The sandbox's stand-in for the Shopify admin's order list: the shop's newest orders (from the Shopify Admin
// simulator, through the app's own Admin API client) with checkboxes, and More actions → "Generate invoices",
// the app's selection action (extensions/invoice-admin) in its frame with the chosen orders. Sandbox mode only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { isShopDomain, sandboxOnly } from "../sandbox/admin-frame.server";
import { adminClientFor } from "../shopify/admin.server";
import { RECENT_ORDERS } from "../shopify/graphql";

type Row = {
  legacyResourceId: string;
  name: string;
  createdAt: string;
  email: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  totalPriceSet: { shopMoney: { amount: string; currencyCode: string } };
};

const escape = (value: unknown) => String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const words = (status: string | null) => escape((status ?? "").toLowerCase().replace(/_/g, " "));

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const refused = sandboxOnly();
  if (refused) return refused;
  const shop = new URL(request.url).searchParams.get("shop");
  if (!isShopDomain(shop)) return new Response("Open /sandbox/admin/orders?shop=<name>.myshopify.com.", { status: 400 });
  const { orders } = await (await adminClientFor(shop)).request<{ orders: { nodes: Row[] } }>(RECENT_ORDERS, {});
  const rows = orders.nodes
    .map(
      (o) => `<tr><td><input type="checkbox" name="order" value="${escape(o.legacyResourceId)}" aria-label="Select ${escape(o.name)}"></td>
      <td><a href="/sandbox/admin/orders/${escape(o.legacyResourceId)}?${new URLSearchParams({ shop })}">${escape(o.name)}</a></td>
      <td>${escape(o.createdAt.slice(0, 10))}</td><td>${escape(o.email)}</td><td>${words(o.displayFinancialStatus)}</td><td>${words(o.displayFulfillmentStatus)}</td>
      <td style="text-align:right">${escape(o.totalPriceSet.shopMoney.amount)} ${escape(o.totalPriceSet.shopMoney.currencyCode)}</td></tr>`,
    )
    .join("");
  const frame = `/sandbox/extension?${new URLSearchParams({ shop, target: "admin.order-index.selection-action.render" })}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Orders · sandbox admin</title>
<style>
  body{margin:0;font:14px system-ui,-apple-system,"Segoe UI",sans-serif;background:#f1f1f1;color:#303030}
  header{height:48px;background:#1a1a1a;color:#fff;display:flex;align-items:center;padding:0 16px;gap:12px} header span{opacity:.75}
  main{padding:20px 32px;max-width:1100px} .title{display:flex;align-items:center;justify-content:space-between;margin-bottom:12px}
  h1{font-size:20px;margin:0} button{border:0;border-radius:8px;padding:6px 12px;background:#fff;box-shadow:0 0 0 1px #c9c9c9;cursor:pointer;font:inherit;font-weight:550}
  button:disabled{opacity:.5;cursor:default}
  table{width:100%;border-collapse:collapse;background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 0 0 1px #e3e3e3}
  th,td{padding:8px 12px;border-bottom:1px solid #ebebeb;text-align:left} th{background:#f7f7f7;font-weight:550;color:#616161} a{color:#005bd3}
  .bar{display:flex;gap:8px;align-items:center;margin-bottom:8px}
  .modal{display:none;position:fixed;inset:0;background:#0008;align-items:flex-start;justify-content:center;padding-top:48px;z-index:3}
  .modal.open{display:flex} .modal iframe{width:720px;height:600px;border:0;border-radius:14px;background:#fff}
</style></head>
<body><header><strong>Shopify admin</strong><span>sandbox stand-in · ${escape(shop)}</span></header>
<main>
  <div class="title"><h1>Orders</h1><a href="/sandbox/admin?${new URLSearchParams({ shop })}">Invoice Bridge</a></div>
  <div class="bar"><span id="count">0 selected</span><button id="bulk" disabled>More actions: Generate invoices</button></div>
  <table><thead><tr><th><input type="checkbox" id="all" aria-label="Select all orders"></th><th>Order</th><th>Date</th><th>Customer</th><th>Payment</th><th>Fulfilment</th><th style="text-align:right">Total</th></tr></thead>
  <tbody>${rows || '<tr><td colspan="7">No orders yet.</td></tr>'}</tbody></table>
</main>
<div class="modal" id="modal" role="dialog" aria-modal="true" aria-label="Generate invoices"></div>
<script>
  const boxes = () => [...document.querySelectorAll('input[name="order"]')];
  const chosen = () => boxes().filter((b) => b.checked).map((b) => b.value);
  const update = () => { document.getElementById("count").textContent = chosen().length + " selected"; document.getElementById("bulk").disabled = chosen().length === 0; };
  document.addEventListener("change", (event) => { if (event.target.id === "all") boxes().forEach((b) => (b.checked = event.target.checked)); update(); });
  const modal = document.getElementById("modal");
  document.getElementById("bulk").addEventListener("click", () => {
    modal.innerHTML = '<iframe title="Generate invoices" name="bulk-action" src="${frame}&orders=' + chosen().join(",") + '"></iframe>';
    modal.classList.add("open");
  });
  window.addEventListener("message", (event) => {
    if (event.origin !== location.origin || event.data?.type !== "ib-extension-close") return;
    modal.classList.remove("open");
    modal.innerHTML = "";
  });
</script>
</body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
};
