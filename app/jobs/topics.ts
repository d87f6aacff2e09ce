// The one map from a Shopify webhook topic to the job that handles it. A topic missing here is
// acknowledged and logged, never queued.

export const JOB_TYPES = [
  "order.event",
  "app.uninstalled",
  "app.scopes-update",
  "compliance.data-request",
  "compliance.customer-redact",
  "compliance.shop-redact",
  "document.email",
  // A staff member's "Generate invoice" on the order page (one job per click).
  "order.generate",
  // Staff actions on a document from the order page's block: credit or cancel, extend the due date, part-activate,
  // send it again from the system that delivers it (Walley).
  "document.credit",
  "document.extend-due-date",
  "document.part-activate",
  "document.send",
  // The historical import (app/import/): one job lists a page of orders, one job per order syncs it.
  "import.page",
  "import.order",
  // The reconciliation sweep (app/reconcile/): one job per shop lists the orders changed since the last sweep,
  // one job per order whose change never reached the app syncs it.
  "reconcile.sweep",
  "order.reconcile",
] as const;
export type JobType = (typeof JOB_TYPES)[number];

type TopicRoute = {
  job: JobType;
  /** Which jobs must not overlap with this one: the order's, or the whole shop's. */
  group: "order" | "shop";
  /** The order the payload is about, for grouping and the sync log. */
  orderId?: (payload: Record<string, unknown>) => string | undefined;
};

const orderOfOrderPayload = (payload: Record<string, unknown>) => idString(payload.id);
const orderOfRefundPayload = (payload: Record<string, unknown>) => idString(payload.order_id);

export const TOPIC_JOBS = {
  ORDERS_CREATE: { job: "order.event", group: "order", orderId: orderOfOrderPayload },
  ORDERS_UPDATED: { job: "order.event", group: "order", orderId: orderOfOrderPayload },
  ORDERS_PAID: { job: "order.event", group: "order", orderId: orderOfOrderPayload },
  ORDERS_FULFILLED: { job: "order.event", group: "order", orderId: orderOfOrderPayload },
  ORDERS_PARTIALLY_FULFILLED: { job: "order.event", group: "order", orderId: orderOfOrderPayload },
  ORDERS_CANCELLED: { job: "order.event", group: "order", orderId: orderOfOrderPayload },
  ORDERS_EDITED: {
    job: "order.event",
    group: "order",
    // orders/edited carries the order id inside order_edit.
    orderId: (payload) => idString((payload.order_edit as Record<string, unknown> | undefined)?.order_id),
  },
  REFUNDS_CREATE: { job: "order.event", group: "order", orderId: orderOfRefundPayload },
  APP_UNINSTALLED: { job: "app.uninstalled", group: "shop" },
  APP_SCOPES_UPDATE: { job: "app.scopes-update", group: "shop" },
  CUSTOMERS_DATA_REQUEST: { job: "compliance.data-request", group: "shop" },
  CUSTOMERS_REDACT: { job: "compliance.customer-redact", group: "shop" },
  SHOP_REDACT: { job: "compliance.shop-redact", group: "shop" },
} as const satisfies Record<string, TopicRoute>;

export type HandledTopic = keyof typeof TOPIC_JOBS;

/** Topics arrive as "ORDERS_PAID" from the library and as "orders/paid" in headers; accept both. */
export function routeForTopic(topic: string): (TopicRoute & { topic: HandledTopic }) | undefined {
  const key = topic.toUpperCase().replace(/[/.]/g, "_") as HandledTopic;
  const route: TopicRoute | undefined = TOPIC_JOBS[key];
  return route ? { ...route, topic: key } : undefined;
}

/** "orders/paid" for the merchant's eyes. */
export function topicLabel(topic: string): string {
  return topic.toLowerCase().replace("_", "/");
}

function idString(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string" && value.length > 0) return value;
  return undefined;
}
