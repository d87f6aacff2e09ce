// Shopify's payment and fulfilment statuses, as the order webhooks and the Admin API name them: the
// choices of the rules' criteria, shared by the page and its loader.
export const FINANCIAL_STATUSES = ["pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided"] as const;
export const FULFILLMENT_STATUSES = ["unfulfilled", "partial", "fulfilled"] as const;
