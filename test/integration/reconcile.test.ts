// The reconciliation sweep against the Shopify simulator, which loses every tenth webhook on the way (as
// Shopify's deliveries can be lost): after one sweep every paid order is invoiced, each exactly once, in the
// e-conomic simulator; a second sweep finds nothing; orders whose webhook came are never queued again (an
// order the rules skipped is not logged twice); the listing waits out Shopify's cost bucket; sweeps are
// scheduled once per shop and slot, only for installed shops with an accounting system; and the Sync log
// page's button runs one at once and shows what it found.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { serveWebhookRoutes } from "../helpers/app-server";
import { EconomicSimulator } from "../simulators/economic/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const economic = new EconomicSimulator();
await economic.start();
const routes = await serveWebhookRoutes();

const { SANDBOX_API_SECRET } = await import("../../app/lib/env.server");
const { EmbeddedWorker } = await import("../../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../../app/jobs/handlers.server");
const { httpAdminClient } = await import("../../app/shopify/admin-client.server");
const { logger } = await import("../../app/lib/logger.server");
const { scheduleSweeps, requestSweep } = await import("../../app/reconcile/reconcile.server");

const SHOP = "sweep.myshopify.com";
/** Two minutes on: the orders just made are past the sweep's settling minute. */
const later = () => new Date(Date.now() + 2 * 60_000);

async function work() {
  const db = await testDb();
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_sweep", apiVersion: "2026-10", timeoutMs: 5000 });
  await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor, now: later }), pollMs: 10 }).drain({ timeoutMs: 120_000 });
}

/** e-conomic's booked invoices per Shopify order id, by the reference the app writes on each. */
function bookedPerOrder() {
  const counts = new Map<string, number>();
  for (const invoice of economic.agreements.get("g")!.booked.values()) {
    const ref = String((invoice.references as { other?: string } | undefined)?.other ?? "");
    const orderId = ref.split(":")[2];
    counts.set(orderId, (counts.get(orderId) ?? 0) + 1);
  }
  return counts;
}

function paidOrder(i: number, financialStatus: "paid" | "pending" = "paid") {
  return shopify.addOrder(SHOP, {
    taxesIncluded: true,
    financialStatus,
    email: `buyer${i}@example.dk`,
    billingAddress: { firstName: "Buyer", lastName: String(i), countryCode: "DK" },
    lines: [{ sku: "MUG", title: "Krus", quantity: 1 + (i % 3), price: "125.00", taxRate: "0.25" }],
  });
}

afterAll(() => Promise.all([shopify.close(), economic.close(), routes.close()]));

describeWithDb("the reconciliation sweep", () => {
  beforeAll(() => resetDb());
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    economic.agreements.clear();
    const shop = shopify.addShop({ domain: SHOP, accessToken: "shpat_sweep", appUrl: routes.url, apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
    // Fifty orders synced at once would wait on Shopify's throttle for a while; that is not what is tested here.
    shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e9;
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    const db = await testDb();
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: "create" });
    // Installed a day ago; the sweep looks back to the install.
    await db.shop.update({ where: { shopDomain: SHOP }, data: { installedAt: new Date(Date.now() - 86_400_000) } });
  });

  it("the simulator loses 10% of webhooks; after one sweep every paid order is invoiced, once; a second sweep finds nothing", async () => {
    shopify.shop(SHOP).webhookLoss = { every: 10, count: 0 };
    const orders = Array.from({ length: 50 }, (_, i) => paidOrder(i));
    for (const order of orders) await shopify.sendWebhook({ shop: SHOP, topic: "orders/paid", orderId: order.id });
    const lost = shopify.shop(SHOP).webhooksSent.filter((w) => w.status === 0).length;
    expect(lost).toBe(5);
    await work();
    expect(bookedPerOrder().size).toBe(45);

    const db = await testDb();
    await requestSweep(db, { shopDomain: SHOP, requestId: "sweep-click-0001" });
    await work();
    const booked = bookedPerOrder();
    expect(booked.size).toBe(50);
    expect([...booked.values()].every((n) => n === 1)).toBe(true);
    expect(orders.every((o) => booked.get(String(o.id)) === 1)).toBe(true);
    const shop = await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    expect(JSON.parse(shop.lastSweep!)).toMatchObject({ checked: 50, queued: 5, by: "staff" });
    const line = await db.syncLogEntry.findFirstOrThrow({ where: { message: { startsWith: "Checked for missed orders" } } });
    expect(line.message).toMatch(/^Checked for missed orders: 5 of 50 order\(s\) changed in Shopify since .+ UTC never reached the app through Shopify's notifications \(#\d+, #\d+, #\d+, #\d+, #\d+\)\. They are being processed now\.$/);

    // Again: nothing new changed in Shopify since, and nothing is queued.
    await requestSweep(db, { shopDomain: SHOP, requestId: "sweep-click-0002" });
    await work();
    expect(JSON.parse((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).lastSweep!)).toMatchObject({ checked: 0, queued: 0 });
    expect(bookedPerOrder().size).toBe(50);
    expect(await db.job.count({ where: { status: "failed" } })).toBe(0);
  });

  it("an order whose webhook came is not queued again, even when the rules skipped it; one whose later change was lost is", async () => {
    const skipped = paidOrder(1, "pending");
    await shopify.sendWebhook({ shop: SHOP, topic: "orders/create", orderId: skipped.id });
    const paidLater = paidOrder(2, "pending");
    await shopify.sendWebhook({ shop: SHOP, topic: "orders/create", orderId: paidLater.id });
    await work();
    const db = await testDb();
    const logged = await db.syncLogEntry.count({ where: { orderId: String(skipped.id) } });
    expect(logged).toBe(1);
    // Paid a moment later, and that webhook never arrived.
    await new Promise((r) => setTimeout(r, 10));
    shopify.setOrderStatus(SHOP, paidLater.id, { financialStatus: "paid" });
    const order = shopify.shop(SHOP).orders.get(paidLater.id)!;
    order.updatedAt = new Date(Date.now() + 30_000).toISOString();
    await requestSweep(db, { shopDomain: SHOP, requestId: "sweep-click-0003" });
    await work();
    expect(await db.syncLogEntry.count({ where: { orderId: String(skipped.id) } })).toBe(logged);
    expect([...bookedPerOrder().keys()]).toEqual([String(paidLater.id)]);
  });

  it("waits out Shopify's cost bucket while listing, instead of failing", async () => {
    const db = await testDb();
    // 120 orders changed since the last sweep, each already invoiced: two pages to list, nothing to queue.
    for (let i = 0; i < 120; i++) {
      const order = paidOrder(i);
      await db.document.create({ data: { shopDomain: SHOP, orderId: String(order.id), orderName: order.name, kind: "invoice", source: "order", idempotencyKey: `k${i}`, providerType: "economic", state: "finalized" } });
    }
    // A bucket smaller than two pages' cost, refilling slowly: the second page has to wait for it.
    const bucket = shopify.shop(SHOP).bucket;
    bucket.maximumAvailable = bucket.currentlyAvailable = 150;
    bucket.restoreRate = 60;
    await requestSweep(db, { shopDomain: SHOP, requestId: "sweep-click-0004" });
    await work();
    expect(JSON.parse((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).lastSweep!)).toMatchObject({ checked: 120, queued: 0 });
    expect(await db.job.findMany({ where: { type: "reconcile.sweep" }, select: { status: true, attempts: true } })).toEqual([{ status: "done", attempts: 1 }]);
    const listings = shopify.shop(SHOP).requests.filter((r) => r.operationName === "OrdersUpdatedSince");
    expect(listings.some((r) => r.throttled)).toBe(true);
    expect(listings.filter((r) => !r.throttled)).toHaveLength(2);
  });

  it("is scheduled once per shop and slot of time, for installed shops with an accounting system only", async () => {
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: "gone.myshopify.com", status: "uninstalled" } });
    await db.shop.create({ data: { shopDomain: "unconnected.myshopify.com" } });
    const now = new Date("2026-12-07T12:02:00Z");
    expect(await scheduleSweeps(db, { now, everyMs: 5 * 60_000 })).toBe(1);
    // Another worker process in the same five minutes: no second sweep.
    expect(await scheduleSweeps(db, { now: new Date("2026-12-07T12:04:59Z"), everyMs: 5 * 60_000 })).toBe(0);
    expect(await scheduleSweeps(db, { now: new Date("2026-12-07T12:05:00Z"), everyMs: 5 * 60_000 })).toBe(1);
    expect((await db.job.findMany({ where: { type: "reconcile.sweep" } })).map((j) => j.shopDomain)).toEqual([SHOP, SHOP]);
  });
});
