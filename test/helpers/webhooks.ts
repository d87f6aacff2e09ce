// Signed webhook requests, built the way Shopify sends them.
import { randomUUID } from "node:crypto";
import { SANDBOX_API_SECRET } from "../../app/lib/env.server";
import { signWebhook } from "../simulators/shopify-admin/server";
import { computeOrder, restOrder } from "../simulators/shopify-admin/orders";

export const SHOP = "bridge-test.myshopify.com";

export type WebhookRequestInput = {
  topic?: string;
  shop?: string;
  body?: unknown;
  rawBody?: string;
  eventId?: string | null;
  webhookId?: string;
  secret?: string;
  path?: string;
  omit?: string[];
  method?: string;
};

export function webhookHeaders(input: WebhookRequestInput & { rawBody: string }) {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": input.topic ?? "orders/paid",
    "X-Shopify-Hmac-Sha256": signWebhook(input.rawBody, input.secret ?? SANDBOX_API_SECRET),
    "X-Shopify-Shop-Domain": input.shop ?? SHOP,
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": input.webhookId ?? randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
  if (input.eventId !== null) headers["X-Shopify-Event-Id"] = input.eventId ?? randomUUID();
  for (const name of input.omit ?? []) delete headers[name];
  return headers;
}

export function webhookRequest(input: WebhookRequestInput = {}): Request {
  const rawBody = input.rawBody ?? JSON.stringify(input.body ?? orderPayload());
  const method = input.method ?? "POST";
  return new Request(`http://127.0.0.1:3000${input.path ?? "/webhooks/orders"}`, {
    method,
    headers: webhookHeaders({ ...input, rawBody }),
    body: method === "GET" || method === "HEAD" ? undefined : rawBody,
  });
}

/**
 * A webhook order payload, as the simulator renders an order (VAT-included EUR: one 100.00 mug at 25%
 * and 25.00 shipping, total 125.00). Override what a test is about.
 */
export function orderPayload(overrides: Record<string, unknown> = {}) {
  const order = computeOrder(
    {
      taxesIncluded: true,
      lines: [{ sku: "MUG-1", title: "Mug", quantity: 1, price: "100.00", taxRate: "0.25" }],
      shipping: [{ title: "Post", price: "25.00" }],
    },
    "EUR",
    1001,
  );
  const customer = { id: 115310627314723, email: "jon@example.com", firstName: "Jon", lastName: "Snow" };
  const address = { first_name: "Jon", last_name: "Snow", address1: "Wall Street 1", city: "Winterfell", zip: "1234", country_code: "DK" };
  return {
    ...restOrder(order, customer),
    id: 820982911946154,
    admin_graphql_api_id: "gid://shopify/Order/820982911946154",
    name: "#1001",
    billing_address: address,
    shipping_address: address,
    ...overrides,
  };
}
