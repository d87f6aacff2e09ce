/// <reference types="@shopify/ui-extensions/admin.order-details.action.should-render" />
// "Generate invoice" shows only while the order has no invoice (and Invoice Bridge can say so).
import { orderIdOf, orderState } from "./backend";

export default async () => {
  const orderId = orderIdOf(shopify.data.selected);
  if (!orderId) return { display: false };
  const state = await orderState(orderId);
  return { display: state.ok ? !state.data.hasInvoice : true };
};
