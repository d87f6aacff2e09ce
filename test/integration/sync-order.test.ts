import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { httpAdminClient, pacedByThrottle } from "../../app/shopify/admin-client.server";
import { syncOrder } from "../../app/invoicing/sync-order.use-case";
import { logger } from "../../app/lib/logger.server";

const SHOP = "sync-test.myshopify.com";
let simulator: ShopifyAdminSimulator;

async function sync(orderId: number, topic = "ORDERS_PAID") {
  const db = await testDb();
  const payload = simulator.restOrderPayload(SHOP, orderId) as unknown as Record<string, unknown>;
  await syncOrder(
    { shopDomain: SHOP, orderId: String(orderId), topic, payload, jobId: "job-1", deliveryId: "delivery-1" },
    {
      db,
      logger,
      adminClientFor: async () =>
        pacedByThrottle(httpAdminClient({ endpoint: simulator.url, shop: SHOP, accessToken: "shpat_sync", apiVersion: "2026-10", timeoutMs: 2000 })),
      providerFor: async () => null,
      dataDir: process.env.DATA_DIR!,
      now: () => new Date("2026-11-21T12:00:00Z"),
    },
  );
  return db.syncLogEntry.findMany({ where: { orderId: String(orderId) }, orderBy: { createdAt: "asc" } });
}

describeWithDb("order sync (rules, plan and totals check)", () => {
  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
  });
  afterAll(() => simulator.close());
  beforeEach(async () => {
    await resetDb();
    simulator.shops.clear();
    simulator.faults.clear();
    simulator.addShop({ domain: SHOP, accessToken: "shpat_sync", appUrl: "http://127.0.0.1:9", apiSecret: "x" });
    const db = await testDb();
    await db.shop.create({
      data: {
        shopDomain: SHOP,
        verificationStartedAt: new Date("2026-01-01T00:00:00Z"),
        settings: JSON.stringify({ rules: { bookingConfirmedAt: "2026-02-01T00:00:00Z" } }),
      },
    });
  });

  it("reads a 120-line order fresh from Shopify, page by page, and plans a booked invoice", async () => {
    const lines = Array.from({ length: 120 }, (_, i) => ({ sku: `SKU-${i}`, title: `Item ${i} — ünïcødé`, quantity: 1 + (i % 3), price: "3.33", taxRate: i % 2 ? "0.25" : "0.06" }));
    const order = simulator.addOrder(SHOP, { taxesIncluded: true, lines });
    const entries = await sync(order.id);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry.status).toBe("info");
    expect(entry.message).toMatch(/^Order #\d+: ready for a booked invoice/);
    expect(entry.message).toContain(`total ${simulator.restOrderPayload(SHOP, order.id).total_price} EUR`);
    expect(JSON.parse(entry.detail!)).toMatchObject({ source: "admin-api", kind: "invoice" });
    expect(simulator.shop(SHOP).requests.map((r) => r.operationName)).toEqual(["OrderForInvoice", "OrderLineItemsPage", "OrderLineItemsPage"]);
  });

  it("skips an unpaid order and says why in words", async () => {
    const order = simulator.addOrder(SHOP, { financialStatus: "pending", lines: [{ sku: "MUG", title: "Mug", quantity: 1, price: "5.00", taxRate: "0.25" }] });
    const [entry] = await sync(order.id, "ORDERS_CREATE");
    expect(entry).toMatchObject({ status: "skipped" });
    expect(entry.message).toBe(`Order ${order.name}: Skipped: waiting for payment (your trigger is 'paid', and the payment status is 'pending').`);
  });

  it("uses the notification's copy of the order when Shopify answers 503, and says so", async () => {
    const order = simulator.addOrder(SHOP, { lines: [{ sku: "MUG", title: "Mug", quantity: 2, price: "5.00", taxRate: "0.25" }] });
    simulator.faults.add({ kind: "status", status: 503, match: "OrderForInvoice" });
    const entries = await sync(order.id);
    expect(entries.map((e) => e.message)).toEqual([
      "Shopify could not be reached, so the copy of the order in Shopify's notification was used.",
      `Order ${order.name}: ready for a booked invoice of 1 line(s), total 12.50 EUR (VAT 2.50 EUR). A booked invoice: the order meets your criteria. No accounting system is connected yet, so nothing was sent.`,
    ]);
    expect(JSON.parse(entries[1].detail!)).toMatchObject({ source: "webhook" });
  });
});
