// The Shopify Admin simulator seeded from a Shopify order payload: every amount is stored and served as given
// (never recomputed), in both shapes, and a payload that is not an order is refused with the field it lacks.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { orderFromAdminApi } from "../../app/invoicing/order";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { ORDER_FOR_INVOICE } from "../../app/shopify/graphql";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const SHOP = "payload-test.myshopify.com";
const TOKEN = "shpat_payload";
const FIXTURES = path.resolve("test/fixtures/shopify-orders");
const EXEMPLARS = path.resolve("../shared/contracts/shopify/webhooks/exemplars-anonymized");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8")) as Record<string, unknown> & { line_items: Array<Record<string, unknown>> };

let simulator: ShopifyAdminSimulator;

/** Seeds through the control API, into a shop in the payload's currency. */
async function control(body: { payload: Record<string, unknown>; company?: unknown }) {
  const currency = typeof body.payload.currency === "string" && /^[A-Z]{3}$/.test(body.payload.currency) ? body.payload.currency : "USD";
  simulator.shops.clear();
  simulator.addShop({ domain: SHOP, accessToken: TOKEN, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency });
  const response = await fetch(`${simulator.url}/_control/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ shop: SHOP, ...body }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function graphql<T>(query: string, variables: Record<string, unknown>) {
  const client = httpAdminClient({ endpoint: simulator.url, shop: SHOP, accessToken: TOKEN, apiVersion: "2026-10", timeoutMs: 2000 });
  return client.request<T>(query, variables);
}

describe("Shopify Admin simulator: orders seeded from Shopify payloads", () => {
  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
  });
  afterAll(() => simulator.close());
  beforeEach(() => {
    simulator.shops.clear();
    simulator.addShop({ domain: SHOP, accessToken: TOKEN, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "USD" });
  });

  it("keeps every tax line of every line and shipping line as given, even where rate × price would say otherwise", async () => {
    // GIVEN a US order whose County tax on the lamp is 0.21 (0.25% of 79.98 is 0.19995: Shopify's own rounding of
    // a jurisdiction may differ from ours, and the simulator must not "correct" it)
    const payload = fixture("us-multi-jurisdiction.json");
    const lamp = payload.line_items[0] as { tax_lines: Array<Record<string, unknown>> };
    lamp.tax_lines[1] = { ...lamp.tax_lines[1], price: "0.21", price_set: { shop_money: { amount: "0.21", currency_code: "USD" }, presentment_money: { amount: "0.21", currency_code: "USD" } } };
    // WHEN it is seeded through the control API and read back as the app reads it
    const made = await control({ payload });
    expect(made.status).toBe(201);
    const data = await graphql<{ order: unknown }>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${String(made.body.id)}` });
    const order = orderFromAdminApi(data.order);
    // THEN three tax lines on each line and on the shipping, with exactly the payload's titles and amounts
    expect(order.lines.map((l) => l.taxes.map((t) => [t.title, t.amount]))).toEqual([
      [["CA State Tax", 480n], ["Los Angeles County Tax", 21n], ["Los Angeles District Tax", 260n]],
      [["CA State Tax", 81n], ["Los Angeles County Tax", 3n], ["Los Angeles District Tax", 44n]],
    ]);
    expect(order.shipping[0].taxes.map((t) => [t.title, t.amount])).toEqual([["CA State Tax", 60n], ["Los Angeles County Tax", 2n], ["Los Angeles District Tax", 32n]]);
    // and the totals are the payload's, not a sum the simulator made (the payload still says 9.82 and 113.22)
    expect([order.total, order.totalTax]).toEqual([11322n, 982n]);
    // AND the orders/* webhook body is the payload itself, with the simulator's ids
    const body = simulator.restOrderPayload(SHOP, Number(made.body.id)) as unknown as Record<string, unknown> & { line_items: Array<{ tax_lines: unknown[]; id: number }> };
    expect(body.line_items[0].tax_lines).toEqual(lamp.tax_lines);
    expect(body.total_line_items_price).toBe(payload.total_line_items_price);
    expect(body.id).toBe(made.body.id);
  });

  it("serves discount applications, allocations with their application, tax exemption, PO number and current totals", async () => {
    const made = await control({ payload: fixture("order-percentage-code.json") });
    const query = `query Discounts($id: ID!) {
      order(id: $id) {
        taxExempt poNumber
        currentTotalPriceSet { shopMoney { amount } } currentSubtotalPriceSet { shopMoney { amount } } currentTotalDiscountsSet { shopMoney { amount } }
        discountApplications(first: 10) { nodes { index allocationMethod targetSelection targetType value { ... on PricingPercentageValue { percentage } ... on MoneyV2 { amount } } ... on DiscountCodeApplication { code } } }
        lineItems(first: 10) { nodes { sku discountAllocations { allocatedAmountSet { shopMoney { amount } } discountApplication { index } } } }
      }
    }`;
    const data = await graphql<{ order: Record<string, unknown> & { discountApplications: { nodes: unknown[] }; lineItems: { nodes: Array<{ sku: string; discountAllocations: Array<{ allocatedAmountSet: { shopMoney: { amount: string } }; discountApplication: { index: number } }> }> } } }>(query, { id: `gid://shopify/Order/${String(made.body.id)}` });
    expect(data.order.discountApplications.nodes).toEqual([{ index: 0, allocationMethod: "ACROSS", targetSelection: "ALL", targetType: "LINE_ITEM", value: { percentage: 10 }, code: "WELCOME10" }]);
    expect(data.order.lineItems.nodes.map((l) => [l.sku, l.discountAllocations.map((a) => [a.allocatedAmountSet.shopMoney.amount, a.discountApplication.index])])).toEqual([
      ["SHIRT-LIN", [["10.00", 0]]],
      ["TEE-COT", [["9.10", 0]]],
      ["TOTE-CAN", [["2.00", 0]]],
    ]);
    expect(data.order).toMatchObject({ taxExempt: false, poNumber: null, currentTotalPriceSet: { shopMoney: { amount: "228.85" } }, currentSubtotalPriceSet: { shopMoney: { amount: "189.85" } }, currentTotalDiscountsSet: { shopMoney: { amount: "21.10" } } });
  });

  it("a tax-exempt B2B order: no tax lines, the company location exempt, its PO number, and the names given beside the payload", async () => {
    const made = await control({ payload: fixture("tax-exempt-b2b.json"), company: { name: "Brooks Wholesale LLC", locationName: "Columbus DC", vatId: null } });
    const data = await graphql<{ order: unknown }>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${String(made.body.id)}` });
    const order = orderFromAdminApi(data.order);
    expect(order.company).toMatchObject({ name: "Brooks Wholesale LLC", locationName: "Columbus DC" });
    expect(order.lines.every((l) => l.taxes.length === 0)).toBe(true);
    expect([order.total, order.totalTax]).toEqual([41125n, 0n]);
    const exempt = await graphql<{ order: { taxExempt: boolean; poNumber: string; purchasingEntity: { location: { taxSettings: { taxExempt: boolean } } } } }>(
      `query Exempt($id: ID!) { order(id: $id) { taxExempt poNumber purchasingEntity { ... on PurchasingCompany { location { taxSettings { taxExempt } } } } } }`,
      { id: `gid://shopify/Order/${String(made.body.id)}` },
    );
    expect(exempt.order).toEqual({ taxExempt: true, poNumber: "PO-88341", purchasingEntity: { location: { taxSettings: { taxExempt: true } } } });
  });

  it("gift-card transactions given beside the payload are the order's transactions", async () => {
    const payload = { ...fixture("shipping-discount.json"), transactions: [{ kind: "sale", status: "success", gateway: "gift_card", amount: "20.00" }, { kind: "sale", status: "success", gateway: "shopify_payments", amount: "28.00" }] };
    const made = await control({ payload });
    const data = await graphql<{ order: unknown }>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${String(made.body.id)}` });
    expect(orderFromAdminApi(data.order).giftCardPaid).toBe(2000n);
  });

  it.each([
    ["an anonymised exemplar (amounts replaced by text)", () => JSON.parse(fs.readFileSync(path.join(EXEMPLARS, "2025-04_orders_1.json"), "utf8")), /currency: a currency code such as USD/],
    ["a line without a price", () => ({ ...fixture("tax-exempt-b2b.json"), line_items: [{ title: "x", quantity: 1, tax_lines: [], discount_allocations: [] }] }), /line_items\.0\.price: missing/],
    ["an amount with more decimals than the currency has", () => ({ ...fixture("jpy-tax-included.json"), total_price_set: { shop_money: { amount: "4510.5", currency_code: "JPY" }, presentment_money: { amount: "4510.5", currency_code: "JPY" } } }), /total_price_set\.shop_money: 4510\.5 has more decimals than JPY allows/],
    ["an allocation pointing at no discount application", () => ({ ...fixture("fixed-amount-each.json"), discount_applications: [] }), /discount_application_index 0 has no discount_applications entry/],
    ["no line items", () => ({ ...fixture("tax-exempt-b2b.json"), line_items: [] }), /an order has at least one line item/],
  ])("refuses %s with 400 and the field by name, and stores nothing", async (_name, make, words) => {
    const answer = await control({ payload: make() });
    expect(answer.status).toBe(400);
    expect(String(answer.body.error)).toMatch(words);
    expect(simulator.shop(SHOP).orders.size).toBe(0);
  });

  it("the SeedOrder builder produces the same stored shape: allocations with an application, current totals", async () => {
    simulator.shops.clear();
    simulator.addShop({ domain: SHOP, accessToken: TOKEN, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "EUR" });
    const order = simulator.addOrder(SHOP, { taxesIncluded: true, lines: [{ sku: "A", title: "A", quantity: 2, price: "10.00", taxRate: "0.25", discount: "4.00" }], shipping: [{ title: "Post", price: "5.00", taxRate: "0.25", discount: "5.00" }] });
    const body = simulator.restOrderPayload(SHOP, order.id) as unknown as { discount_applications: Array<{ target_type: string }>; line_items: Array<{ discount_allocations: Array<{ amount: string; discount_application_index: number }> }>; shipping_lines: Array<{ discount_allocations: Array<{ discount_application_index: number }> }>; current_total_price: string; total_price: string };
    expect(body.discount_applications.map((d) => d.target_type)).toEqual(["line_item", "shipping_line"]);
    expect(body.line_items[0].discount_allocations).toMatchObject([{ amount: "4.00", discount_application_index: 0 }]);
    expect(body.shipping_lines[0].discount_allocations).toMatchObject([{ discount_application_index: 1 }]);
    expect([body.total_price, body.current_total_price]).toEqual(["16.00", "16.00"]);
  });
});
