/* eslint-disable @typescript-eslint/ban-ts-comment -- a relative ambient module needs @ts-ignore: the form the Shopify CLI writes */
// The `shopify` global of each module, typed by its target (the form the Shopify CLI writes for an extension).
import "@shopify/ui-extensions";

//@ts-ignore
declare module "./src/OrderStatusInvoices.tsx" {
  const shopify: import("@shopify/ui-extensions/customer-account.order-status.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}

//@ts-ignore
declare module "./src/OrderActionMenuItem.tsx" {
  const shopify: import("@shopify/ui-extensions/customer-account.order.action.menu-item.render").Api;
  const globalThis: { shopify: typeof shopify };
}

//@ts-ignore
declare module "./src/OrderActionModal.tsx" {
  const shopify: import("@shopify/ui-extensions/customer-account.order.action.render").Api;
  const globalThis: { shopify: typeof shopify };
}

//@ts-ignore
declare module "./src/InvoicesPage.tsx" {
  const shopify: import("@shopify/ui-extensions/customer-account.page.render").Api;
  const globalThis: { shopify: typeof shopify };
}
