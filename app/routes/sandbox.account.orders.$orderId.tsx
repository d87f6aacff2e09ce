// The sandbox's stand-in customer-account order page: the order, its action menu with the app's menu item
// ("Download invoice", which opens the order action in a modal), and the app's order status block.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { sandboxOnly } from "../sandbox/admin-frame.server";
import { accountParams, accountShell, frameUrl, signedIn } from "../sandbox/account-pages.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const refused = sandboxOnly();
  if (refused) return refused;
  const page = accountParams(new URL(request.url));
  const order = params.orderId ?? "";
  if (!page || !/^\d{1,20}$/.test(order)) return new Response("Open /sandbox/account/orders/<order id>?shop=<name>.myshopify.com&customer=<id>[&lang=da].", { status: 400 });
  const modal = frameUrl(page, "customer-account.order.action.render", order);
  const { buyer, orderName } = await signedIn(page, order);
  const title = `Order ${(orderName ?? order).replace(/[<>&"']/g, "")}`;
  return accountShell(page, {
    title,
    here: "order",
    buyer,
    body: `<h1>${title}</h1>
<div style="display:flex;gap:8px;align-items:center;margin-bottom:12px"><span style="color:#616161">Actions:</span>
<iframe title="Order actions" name="order-menu-item" style="height:44px;width:260px" src="${frameUrl(page, "customer-account.order.action.menu-item.render", order)}"></iframe></div>
<iframe title="Invoice" name="order-status-block" style="height:320px" src="${frameUrl(page, "customer-account.order-status.block.render", order)}"></iframe>`,
    script: `window.addEventListener("message", (event) => {
    if (event.origin !== location.origin || event.data?.type !== "ib-open-order-action") return;
    const modal = document.getElementById("modal");
    modal.innerHTML = '<iframe title="Download invoice" name="order-action" src=${JSON.stringify(modal)}></iframe>';
    modal.classList.add("open");
  });`,
  });
};
