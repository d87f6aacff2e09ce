// Uninstall, then install again, through signed webhooks, the worker and the simulators: the documents made
// before are kept and not made again; the connection and the verification period carry on; the task the
// uninstall stopped runs; an order paid while the app was away is found by the check for missed orders and
// invoiced; new orders are invoiced as before. Each order once.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { webhookRequest } from "../helpers/webhooks";
import { EconomicSimulator } from "../simulators/economic/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const economic = new EconomicSimulator();
await economic.start();

const { webhookAction } = await import("../../app/webhooks/webhook-route.server");
const { EmbeddedWorker } = await import("../../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../../app/jobs/handlers.server");
const { adminClientFor } = await import("../../app/shopify/admin.server");
const { logger } = await import("../../app/lib/logger.server");
const { onInstalled } = await import("../../app/admin/installed.server");

const SHOP = "comeback.myshopify.com";
afterAll(() => Promise.all([shopify.close(), economic.close()]));

/** The worker as the app runs it (the shop's stored offline session), two minutes on for the sweep's sake. */
async function work() {
  const db = await testDb();
  await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor, now: () => new Date(Date.now() + 120_000) }), pollMs: 10 }).drain({ timeoutMs: 60_000 });
}
async function deliver(topic: string, orderId: number | null, body?: unknown) {
  const group = topic.startsWith("orders/") ? "orders" : "app";
  const rawBody = JSON.stringify(body ?? shopify.restOrderPayload(SHOP, orderId!));
  const response = await webhookAction({ request: webhookRequest({ rawBody, shop: SHOP, topic, path: `/webhooks/${group}` }), params: {}, context: {} });
  expect(response.status).toBe(200);
}
const booked = () => [...economic.agreements.get("g")!.booked.values()].map((b) => String((b.references as { other?: string }).other).split(":")[2]);
const paidOrder = (i: number) => shopify.addOrder(SHOP, { financialStatus: "paid", taxesIncluded: true, email: `b${i}@example.dk`, lines: [{ sku: "MUG", title: "Krus", quantity: i, price: "100.00", taxRate: "0.25" }] });
/** What Shopify does on install: a new offline token, which the app stores. */
async function install(token: string) {
  shopify.shop(SHOP).accessToken = token;
  const db = await testDb();
  await db.session.upsert({ where: { id: `offline_${SHOP}` }, update: { accessToken: token }, create: { id: `offline_${SHOP}`, shop: SHOP, state: "x", isOnline: false, accessToken: token, scope: "write_orders,read_customers" } });
  return onInstalled(db, SHOP);
}

describeWithDb("uninstall and reinstall", () => {
  beforeAll(() => resetDb());
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    const shop = shopify.addShop({ domain: SHOP, accessToken: "shpat_first", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e9;
    economic.agreements.clear();
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    const db = await testDb();
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: "create" });
    await db.shop.update({ where: { shopDomain: SHOP }, data: { installedAt: new Date(Date.now() - 86_400_000) } });
    await install("shpat_first");
  });

  it("keeps the documents, resumes what the uninstall stopped, finds what was paid meanwhile, and makes nothing twice", async () => {
    const db = await testDb();
    const before = paidOrder(1);
    await deliver("orders/paid", before.id);
    await work();
    expect(booked()).toEqual([String(before.id)]);
    const verificationStartedAt = (await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).verificationStartedAt;

    // An order event waiting for a retry when the merchant uninstalls.
    const waiting = paidOrder(2);
    await deliver("orders/paid", waiting.id);
    await db.job.updateMany({ where: { status: "queued" }, data: { runAt: new Date(Date.now() + 3_600_000) } });
    await deliver("app/uninstalled", null, { id: 1, domain: SHOP, myshopify_domain: SHOP });
    await work();
    expect(await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).toMatchObject({ status: "uninstalled" });
    expect(await db.job.count({ where: { status: "cancelled" } })).toBe(1);
    expect(await db.session.count()).toBe(0);

    // Paid while the app is away: Shopify sends the app nothing.
    const meanwhile = paidOrder(3);

    // The merchant installs the app again.
    expect(await install("shpat_second")).toEqual({ reinstalled: true, resumed: 1 });
    await work();
    const shop = await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    expect(shop).toMatchObject({ status: "installed", uninstalledAt: null });
    expect(shop.verificationStartedAt).toEqual(verificationStartedAt);
    expect(await db.connection.findFirstOrThrow({ where: { shopDomain: SHOP } })).toMatchObject({ status: "active" });
    expect(await db.syncLogEntry.count({ where: { message: { startsWith: "The app was installed again. The 1 document(s) made before are kept, and the 1 task(s) the uninstall stopped run now." } } })).toBe(1);

    // A change to the first order: already invoiced, nothing made. A new order: invoiced.
    await deliver("orders/updated", before.id);
    const after = paidOrder(4);
    await deliver("orders/paid", after.id);
    await work();

    expect(booked().sort()).toEqual([before.id, waiting.id, meanwhile.id, after.id].map(String).sort());
    expect(await db.document.count({ where: { shopDomain: SHOP, kind: "invoice" } })).toBe(4);
    expect(await db.job.count({ where: { status: "failed" } })).toBe(0);
    expect(shopify.shop(SHOP).requests.length).toBeGreaterThan(0);
  });

  it("an install that is not a comeback resumes nothing and says nothing", async () => {
    expect(await install("shpat_again")).toEqual({ reinstalled: false, resumed: 0 });
    expect(await (await testDb()).syncLogEntry.count()).toBe(0);
  });
});
