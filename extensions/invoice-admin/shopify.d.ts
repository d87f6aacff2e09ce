/* eslint-disable @typescript-eslint/ban-ts-comment -- a relative ambient module needs @ts-ignore: the form the Shopify CLI writes */
// The `shopify` global of each module, typed by its target (the form the Shopify CLI writes for an extension).
import "@shopify/ui-extensions";

//@ts-ignore
declare module "./src/GenerateInvoiceAction.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.order-details.action.render").Api;
  const globalThis: { shopify: typeof shopify };
}

//@ts-ignore
declare module "./src/GenerateInvoiceShouldRender.ts" {
  const shopify: import("@shopify/ui-extensions/admin.order-details.action.should-render").Api;
  const globalThis: { shopify: typeof shopify };
}

//@ts-ignore
declare module "./src/InvoiceBlock.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.order-details.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}

//@ts-ignore
declare module "./src/PrintInvoice.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.order-details.print-action.render").Api;
  const globalThis: { shopify: typeof shopify };
}

//@ts-ignore
declare module "./src/BulkGenerate.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.order-index.selection-action.render").Api;
  const globalThis: { shopify: typeof shopify };
}
