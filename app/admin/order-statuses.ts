// The choices of the rules, shared by the Rules page, the onboarding and their loaders: Shopify's payment
// and fulfilment statuses (as the order webhooks and the Admin API name them), and the triggers.
export const FINANCIAL_STATUSES = ["pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided"] as const;
export const FULFILLMENT_STATUSES = ["unfulfilled", "partial", "fulfilled"] as const;

export const TRIGGER_OPTIONS = [
  { label: "created", value: "created" },
  { label: "paid", value: "paid" },
  { label: "fulfilled", value: "fulfilled" },
  { label: "never automatically (staff use Generate invoice)", value: "manual" },
];

/** "partially_paid" → "Partially paid". */
export function statusLabel(status: string): string {
  const text = status.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
