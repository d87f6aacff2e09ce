// A worker that stalls while it holds an order loses its lease; another worker takes the order over and
// invoices it; when the stalled run wakes up, it is stopped right before it would make the document in the
// accounting system, so the order has one invoice, not two. (The chaos run found this with two processes on
// SQLite and a short lease: a starved lease renewal let two runs of one order make two invoices.)
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { webhookRequest } from "../helpers/webhooks";
import { EconomicSimulator } from "../simulators/economic/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
const economic = new EconomicSimulator();
await economic.start();
const { webhookAction } = await import("../../app/webhooks/webhook-route.server");
const { JobRunner } = await import("../../app/jobs/job-runner.server");
const { createHandlers } = await import("../../app/jobs/handlers.server");
const { httpAdminClient } = await import("../../app/shopify/admin-client.server");
const { logger } = await import("../../app/lib/logger.server");
const { assertLeaseHeld } = await import("../../app/jobs/lease");

const SHOP = "fencing.myshopify.com";
afterAll(() => Promise.all([shopify.close(), economic.close()]));

describeWithDb("lease fencing", () => {
  beforeAll(() => resetDb());
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_fence", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    economic.agreements.clear();
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: "create" });
  });

  it("a stalled run whose order was taken over makes no second invoice", async () => {
    const db = await testDb();
    const order = shopify.addOrder(SHOP, { financialStatus: "paid", taxesIncluded: true, email: "a@example.dk", lines: [{ sku: "MUG", title: "Krus", quantity: 1, price: "100.00", taxRate: "0.25" }] });
    await webhookAction({ request: webhookRequest({ rawBody: JSON.stringify(shopify.restOrderPayload(SHOP, order.id)), shop: SHOP, topic: "orders/paid" }), params: {}, context: {} });
    const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_fence", apiVersion: "2026-10", timeoutMs: 2000 });

    // Worker A claims the order's invoice, then stalls on its way to e-conomic (the product lookup hangs).
    economic.faults.add({ kind: "slow", delayMs: 3000, match: "/products", times: 1 });
    const a = new JobRunner({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), leaseMs: 60_000, workerId: "worker-a" });
    const job = await db.job.findFirstOrThrow();
    const acquired = await a.acquire(job);
    const runA = a.run(acquired.row!);
    await expect.poll(() => db.document.count(), { timeout: 2000, interval: 20 }).toBe(1);

    // Its lease runs out (its renewals starved); worker B takes the job over and invoices the order.
    await db.job.update({ where: { id: job.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    await db.jobGroupLock.updateMany({ data: { leaseUntil: new Date(Date.now() - 1000) } });
    const b = new JobRunner({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), leaseMs: 60_000, workerId: "worker-b" });
    await b.recoverExpiredLeases();
    const again = await b.acquire(await db.job.findUniqueOrThrow({ where: { id: job.id } }));
    await b.run(again.row!);
    expect(economic.agreements.get("g")!.booked.size).toBe(1);

    // A wakes up: stopped before the accounting system, its outcome not written over B's.
    await runA;
    expect(economic.agreements.get("g")!.booked.size).toBe(1);
    expect(economic.agreements.get("g")!.drafts.size).toBe(0);
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "done" });
    expect(await db.document.count()).toBe(1);
  });

  it("outside a job the check does nothing", async () => {
    await expect(assertLeaseHeld()).resolves.toBeUndefined();
  });
});
