// Signed webhook requests, built the way Shopify sends them.
import { randomUUID } from "node:crypto";
import { SANDBOX_API_SECRET } from "../../app/lib/env.server";
import { signWebhook } from "../simulators/shopify-admin/server";

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

/** A REST-shaped order payload, as in webhooks. Override what a test is about. */
export function orderPayload(overrides: Record<string, unknown> = {}) {
  return {
    id: 820982911946154,
    admin_graphql_api_id: "gid://shopify/Order/820982911946154",
    name: "#1001",
    email: "jon@example.com",
    currency: "EUR",
    financial_status: "paid",
    fulfillment_status: null,
    total_price: "125.00",
    current_total_price: "125.00",
    taxes_included: true,
    customer: { id: 115310627314723, email: "jon@example.com", first_name: "Jon", last_name: "Snow" },
    billing_address: { first_name: "Jon", last_name: "Snow", address1: "Wall Street 1", city: "Winterfell", zip: "1234", country_code: "DK" },
    shipping_address: { first_name: "Jon", last_name: "Snow", address1: "Wall Street 1", city: "Winterfell", zip: "1234", country_code: "DK" },
    line_items: [{ id: 1, sku: "MUG-1", title: "Mug", quantity: 1, price: "100.00", tax_lines: [{ rate: 0.25, price: "20.00" }] }],
    shipping_lines: [{ title: "Post", price: "25.00" }],
    ...overrides,
  };
}
