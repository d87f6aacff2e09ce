// An order's payment terms (B2B net terms) as the normalised order's due date: read alike from the Admin API
// and from the webhook payload, and through the Shopify Admin simulator as the app fetches an order.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { orderFromAdminApi, orderFromWebhook } from "../../app/invoicing/order";
import { fetchOrder, fetchPaymentTerms } from "../../app/invoicing/sync-order.use-case";
import { ORDER_PAYMENT_TERMS } from "../../app/shopify/graphql";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { computeOrder, gqlOrder, restOrder, type SeedOrder } from "../simulators/shopify-admin/orders";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const seed: SeedOrder = { lines: [{ sku: "PALLET", title: "Pallet", quantity: 2, price: "120.00", taxRate: "0.25" }] };

/** The Admin API's answer for an order, its connections resolved, with the given payment terms. */
function adminApiOrder(paymentTerms: unknown) {
  const o = gqlOrder(computeOrder(seed, "EUR", 1001), undefined) as Record<string, unknown>;
  const resolved = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "function" ? (v as (a: object) => unknown)({}) : v]));
  return { ...resolved, paymentTerms };
}

/** The orders/* webhook payload for an order, with the given payment_terms. */
function webhookOrder(paymentTerms: unknown) {
  return { ...restOrder(computeOrder(seed, "EUR", 1001), undefined), payment_terms: paymentTerms };
}

describe("the normalised order's payment terms", () => {
  it("net 30 with a schedule: the due date is the schedule's, the same day from either source", () => {
    // GIVEN net 30 terms whose schedule falls due at one instant, written as the Admin API (UTC) and the payload (the shop's offset) write it
    const fromApi = orderFromAdminApi(
      adminApiOrder({ paymentTermsName: "Net 30", paymentTermsType: "NET", dueInDays: 30, paymentSchedules: { nodes: [{ dueAt: "2026-02-14T10:00:00Z", issuedAt: "2026-01-15T10:00:00Z" }] } }),
    );
    const fromWebhook = orderFromWebhook(
      webhookOrder({ payment_terms_name: "Net 30", payment_terms_type: "NET", due_in_days: 30, payment_schedules: [{ issued_at: "2026-01-15T11:00:00+01:00", due_at: "2026-02-14T11:00:00+01:00" }] }),
    );
    // THEN both say net 30, due on 14 February
    expect(fromApi.paymentTerms).toEqual({ name: "Net 30", dueInDays: 30, dueDate: "2026-02-14" });
    expect(fromWebhook.paymentTerms).toEqual(fromApi.paymentTerms);
  });

  it("terms without a schedule keep their days and have no due date", () => {
    // GIVEN net 30 terms that Shopify has not scheduled
    const fromApi = orderFromAdminApi(adminApiOrder({ paymentTermsName: "Net 30", paymentTermsType: "NET", dueInDays: 30, paymentSchedules: { nodes: [] } }));
    const fromWebhook = orderFromWebhook(webhookOrder({ payment_terms_name: "Net 30", payment_terms_type: "NET", due_in_days: 30, payment_schedules: [] }));
    // THEN the days are known, the date is not
    expect(fromApi.paymentTerms).toEqual({ name: "Net 30", dueInDays: 30, dueDate: null });
    expect(fromWebhook.paymentTerms).toEqual({ name: "Net 30", dueInDays: 30, dueDate: null });
  });

  it("an order without payment terms has none, and so does an Admin API answer from before the field was asked for", () => {
    expect(orderFromAdminApi(adminApiOrder(null)).paymentTerms).toBeNull();
    expect(orderFromWebhook(webhookOrder(null)).paymentTerms).toBeNull();
    const { paymentTerms: _absent, ...older } = adminApiOrder(null);
    expect(orderFromAdminApi(older).paymentTerms).toBeNull();
  });

  it("refuses a due time that is not a timestamp rather than guessing a date", () => {
    expect(() => orderFromAdminApi(adminApiOrder({ paymentTermsName: "Net 30", paymentTermsType: "NET", dueInDays: 30, paymentSchedules: { nodes: [{ dueAt: "next month", issuedAt: null }] } }))).toThrow();
  });
});

describe("payment terms through the Shopify Admin simulator", () => {
  const SHOP = "terms-test.myshopify.com";
  const TOKEN = "shpat_terms";
  const b2bPayload = () => JSON.parse(fs.readFileSync(path.resolve("test/fixtures/shopify-orders/tax-exempt-b2b.json"), "utf8")) as Record<string, unknown>;
  const admin = () => httpAdminClient({ endpoint: simulator.url, shop: SHOP, accessToken: TOKEN, apiVersion: "2026-01", timeoutMs: 2000 });
  let simulator: ShopifyAdminSimulator;

  async function createOrder(body: Record<string, unknown>) {
    const response = await fetch(`${simulator.url}/_control/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ shop: SHOP, ...body }) });
    return { status: response.status, body: (await response.json()) as { id: number; error?: string } };
  }

  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
  });
  afterAll(() => simulator.close());
  beforeEach(() => {
    simulator.shops.clear();
    simulator.addShop({ domain: SHOP, accessToken: TOKEN, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "USD" });
  });

  it("an order seeded from a payload with net 30 terms is fetched by the app with its due date, and its webhook says the same", async () => {
    // GIVEN a B2B order placed on 20 November (New York), on net 30 terms
    const made = await createOrder({
      payload: {
        ...b2bPayload(),
        payment_terms: { payment_terms_name: "Net 30", payment_terms_type: "NET", due_in_days: 30, payment_schedules: [{ issued_at: "2026-11-20T10:00:00-05:00", due_at: "2026-12-20T10:00:00-05:00" }] },
      },
      company: { name: "Brooks Wholesale LLC", locationName: "Columbus DC" },
    });
    expect(made.status).toBe(201);
    // WHEN the app asks for its payment terms, as Generate invoice does
    const terms = await fetchPaymentTerms(admin(), String(made.body.id));
    // THEN it is due on 20 December
    expect(terms).toEqual({ name: "Net 30", dueInDays: 30, dueDate: "2026-12-20" });
    // AND the Admin API wrote the schedule in UTC, as Shopify does
    const raw = await admin().request<{ order: unknown }>(ORDER_PAYMENT_TERMS, { id: `gid://shopify/Order/${made.body.id}` });
    expect(raw.order).toMatchObject({ paymentTerms: { paymentTermsType: "NET", paymentSchedules: { nodes: [{ dueAt: "2026-12-20T15:00:00Z", issuedAt: "2026-11-20T15:00:00Z" }] } } });
    // AND the orders/* webhook body carries the terms as given; the order itself is read without them
    expect(orderFromWebhook(simulator.restOrderPayload(SHOP, made.body.id)).paymentTerms).toEqual(terms);
    expect(orderFromAdminApi(await fetchOrder(admin(), String(made.body.id))).paymentTerms).toBeNull();
  });

  it("an order created with net 30 terms falls due 30 days after it was placed", async () => {
    // GIVEN an order created through the control API on 15 January, on net 30 terms
    const made = await createOrder({ order: { ...seed, createdAt: "2026-01-15T10:00:00Z", paymentTerms: { name: "Net 30", dueInDays: 30 } } });
    // WHEN the app asks for its terms
    const terms = await fetchPaymentTerms(admin(), String(made.body.id));
    // THEN it is due on 14 February, and the webhook payload agrees
    expect(terms).toEqual({ name: "Net 30", dueInDays: 30, dueDate: "2026-02-14" });
    expect(orderFromWebhook(simulator.restOrderPayload(SHOP, made.body.id)).paymentTerms).toEqual(terms);
  });

  it("an order without payment terms is fetched with none", async () => {
    const made = await createOrder({ payload: b2bPayload() });
    expect(await fetchPaymentTerms(admin(), String(made.body.id))).toBeNull();
    expect(orderFromWebhook(simulator.restOrderPayload(SHOP, made.body.id)).paymentTerms).toBeNull();
  });

  it("refuses payment terms of a type Shopify does not have, by field, and stores nothing", async () => {
    const answer = await createOrder({ payload: { ...b2bPayload(), payment_terms: { payment_terms_name: "Net 30", payment_terms_type: "NET_30", due_in_days: 30, payment_schedules: [] } } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/payment_terms\.payment_terms_type/);
    expect(simulator.shop(SHOP).orders.size).toBe(0);
  });
});
