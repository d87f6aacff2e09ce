import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { serveWebhookRoutes } from "../helpers/app-server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { ORDER_FOR_INVOICE, SET_ORDER_METAFIELDS, SHOP_DETAILS } from "../../app/shopify/graphql";
import { AuthError, PermanentError, RetryableError } from "../../app/lib/errors";
import { SANDBOX_API_SECRET } from "../../app/lib/env.server";

const SHOP = "sim-test.myshopify.com";
const TOKEN = "shpat_sim_token";
let simulator: ShopifyAdminSimulator;
let app: Awaited<ReturnType<typeof serveWebhookRoutes>>;

const client = (token = TOKEN) => httpAdminClient({ endpoint: simulator.url, shop: SHOP, accessToken: token, apiVersion: "2026-10", timeoutMs: 2000 });

type OrderData = {
  order: {
    name: string;
    currencyCode: string;
    presentmentCurrencyCode: string;
    taxesIncluded: boolean;
    customer: { defaultEmailAddress: { emailAddress: string } };
    purchasingEntity: { __typename: string; company?: { name: string }; location?: { name: string } };
    lineItems: { nodes: Array<{ sku: string; quantity: number; originalUnitPriceSet: { shopMoney: { amount: string } }; taxLines: Array<{ rate: number; priceSet: { shopMoney: { amount: string } } }> }> };
    totalPriceSet: { shopMoney: { amount: string; currencyCode: string }; presentmentMoney: { amount: string; currencyCode: string } };
    totalTaxSet: { shopMoney: { amount: string } };
    transactions: Array<{ gateway: string; amountSet: { shopMoney: { amount: string } } }>;
  };
};

describeWithDb("Shopify Admin simulator", () => {
  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
    app = await serveWebhookRoutes();
  });
  afterAll(async () => {
    await simulator.close();
    await app.close();
  });
  beforeEach(async () => {
    await resetDb();
    simulator.shops.clear();
    simulator.faults.clear();
    simulator.addShop({ domain: SHOP, accessToken: TOKEN, appUrl: app.url, apiSecret: SANDBOX_API_SECRET, currency: "EUR" });
  });

  it("answers the app's order query from seeded data, exactly", async () => {
    // GIVEN a tax-included order with a discount, shipping, and part paid by gift card
    const customer = simulator.addCustomer(SHOP, { email: "ana@example.pt", firstName: "Ana", lastName: "Silva" });
    const order = simulator.addOrder(SHOP, {
      customerId: customer.id,
      taxesIncluded: true,
      lines: [
        { sku: "MUG", title: "Mug", quantity: 3, price: "12.50", taxRate: "0.25", discount: "2.50" },
        { sku: "BOOK", title: "Book", quantity: 1, price: "20.00", taxRate: "0.06" },
      ],
      shipping: [{ title: "Post", price: "5.00", taxRate: "0.25" }],
      giftCardPayment: "10.00",
    });
    // WHEN the app reads it
    const data = await client().request<OrderData>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${order.id}` });
    // THEN the numbers add up to the cent: 37.50 − 2.50 + 20.00 + 5.00 = 60.00, VAT 7.00 + 1.13 + 1.00
    expect(data.order.totalPriceSet.shopMoney).toEqual({ amount: "60.00", currencyCode: "EUR" });
    expect(data.order.totalTaxSet.shopMoney.amount).toBe("9.13");
    expect(data.order.lineItems.nodes.map((l) => [l.sku, l.quantity, l.originalUnitPriceSet.shopMoney.amount])).toEqual([
      ["MUG", 3, "12.50"],
      ["BOOK", 1, "20.00"],
    ]);
    expect(data.order.lineItems.nodes[0].taxLines[0]).toMatchObject({ rate: 0.25, priceSet: { shopMoney: { amount: "7.00" } } });
    expect(data.order.customer.defaultEmailAddress.emailAddress).toBe("ana@example.pt");
    expect(data.order.transactions.map((t) => [t.gateway, t.amountSet.shopMoney.amount])).toEqual([
      ["gift_card", "10.00"],
      ["shopify_payments", "50.00"],
    ]);
  });

  it("keeps each currency's decimals, presentment apart from shop money, and a B2B purchaser", async () => {
    const jpy = simulator.addOrder(SHOP, { currency: "JPY", lines: [{ title: "Tea", quantity: 3, price: "1333", taxRate: "0.1" }] });
    const kwd = simulator.addOrder(SHOP, {
      presentmentCurrency: "KWD",
      exchangeRate: "0.331",
      company: { id: 42, name: "Gulf Trading W.L.L.", locationId: 43, locationName: "Kuwait City HQ" },
      lines: [{ title: "Lamp", quantity: 1, price: "10.125" }],
    });
    const j = await client().request<OrderData>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${jpy.id}` });
    expect(j.order.totalPriceSet.shopMoney).toEqual({ amount: "4399", currencyCode: "JPY" }); // 3999 + 400 VAT
    const k = await client().request<OrderData>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${kwd.id}` });
    expect(k.order.totalPriceSet.presentmentMoney).toEqual({ amount: "10.125", currencyCode: "KWD" });
    expect(k.order.totalPriceSet.shopMoney).toEqual({ amount: "30.59", currencyCode: "EUR" }); // 10.125 / 0.331
    expect(k.order.purchasingEntity).toMatchObject({ __typename: "PurchasingCompany", company: { name: "Gulf Trading W.L.L." }, location: { name: "Kuwait City HQ" } });
  });

  it("refuses a wrong access token the way Shopify does", async () => {
    await expect(client("shpat_wrong").request(SHOP_DETAILS)).rejects.toBeInstanceOf(AuthError);
  });

  it("validates each query against the Admin schema", async () => {
    const error = await client().request("query { shop { nonsenseField } }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).message).toContain("nonsenseField");
  });

  it("throttles by query cost, with the throttle status the client paces itself by", async () => {
    simulator.shop(SHOP).bucket.currentlyAvailable = 3;
    simulator.shop(SHOP).bucket.restoreRate = 50;
    const error = await client().request(ORDER_FOR_INVOICE, { id: "gid://shopify/Order/1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).code).toBe("shopify_throttled");
    expect((error as RetryableError).retryAfterMs).toBeGreaterThan(1000);
    expect(simulator.shop(SHOP).requests.at(-1)).toMatchObject({ operationName: "OrderForInvoice", throttled: true });
  });

  it("injects 5xx, timeouts and garbage, each mapped to a retryable error", async () => {
    simulator.faults.add({ kind: "status", status: 503, retryAfter: 2 });
    const unavailable = await client().request(SHOP_DETAILS).catch((e: unknown) => e);
    expect(unavailable).toMatchObject({ code: "shopify_unavailable", retryAfterMs: 2000 });
    simulator.faults.add({ kind: "timeout" });
    expect(await client().request(SHOP_DETAILS).catch((e: unknown) => e)).toMatchObject({ code: "shopify_unreachable" });
    simulator.faults.add({ kind: "garbage" });
    expect(await client().request(SHOP_DETAILS).catch((e: unknown) => e)).toMatchObject({ code: "shopify_garbled" });
    // and then it answers again
    expect(await client().request<{ shop: { myshopifyDomain: string } }>(SHOP_DETAILS)).toMatchObject({ shop: { myshopifyDomain: SHOP } });
  });

  it("can commit a write and lose the answer", async () => {
    const order = simulator.addOrder(SHOP, { lines: [{ title: "Mug", quantity: 1, price: "5.00" }] });
    simulator.faults.add({ kind: "lost-response", match: "SetOrderMetafields" });
    const variables = { metafields: [{ ownerId: `gid://shopify/Order/${order.id}`, namespace: "$app", key: "invoice_status", value: "booked", type: "single_line_text_field" }] };
    expect(await client().request(SET_ORDER_METAFIELDS, variables).catch((e: unknown) => e)).toBeInstanceOf(RetryableError);
    expect(simulator.order(SHOP, order.id).metafields.get("$app.invoice_status")?.value).toBe("booked");
  });

  it("delivers signed webhooks that the app's real intake accepts, once per event", async () => {
    const order = simulator.addOrder(SHOP, { lines: [{ title: "Mug", quantity: 1, price: "5.00" }] });
    const results = await simulator.sendWebhook({ shop: SHOP, topic: "orders/paid", orderId: order.id, times: 3, concurrent: true });
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const db = await testDb();
    const delivery = await db.webhookDelivery.findFirstOrThrow();
    expect(JSON.parse(delivery.payload)).toMatchObject({ id: order.id, total_price: "5.00" });
    expect(await db.job.count()).toBe(1);
    // A delivery signed with another secret is refused.
    const forged = await simulator.sendWebhook({ shop: SHOP, topic: "orders/paid", orderId: order.id, secret: "someone-else" });
    expect(forged[0].status).toBe(401);
    expect(await db.webhookDelivery.count()).toBe(1);
  });
});

