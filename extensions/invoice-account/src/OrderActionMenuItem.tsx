/// <reference types="@shopify/ui-extensions/customer-account.order.action.menu-item.render" />
// "Download invoice" in the order's action menu: one button, shown only when the order has an invoice. It opens
// customer-account.order.action.render (OrderActionModal.tsx).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { accountApi, orderNumberOf } from "./backend";

export default async () => {
  render(<MenuItem />, document.body);
};

function MenuItem() {
  const orderId = orderNumberOf(shopify.orderId);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!orderId) return;
    void accountApi(shopify.sessionToken, "")
      .orderDocuments(orderId)
      .then((answer) => setShown(answer.ok && answer.data.invoices.length > 0));
  }, [orderId]);
  return shown ? <s-button>{shopify.i18n.translate("menuItem")}</s-button> : null;
}
