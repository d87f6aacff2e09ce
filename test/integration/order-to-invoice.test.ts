// The whole path: a signed webhook through the real intake, the worker with the real handlers, both
// simulators over HTTP, and a real database.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { webhookRequest } from "../helpers/webhooks";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { EconomicSimulator } from "../simulators/economic/server";
import { webhookAction } from "../../app/webhooks/webhook-route.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { retryJob } from "../../app/jobs/retry.server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { logger } from "../../app/lib/logger.server";

const SHOP = "pipeline.myshopify.com";
let shopify: ShopifyAdminSimulator;
let economic: EconomicSimulator;

async function work() {
  const db = await testDb();
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_pipe", apiVersion: "2026-10", timeoutMs: 2000 });
  const worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 });
  await worker.drain();
}

async function deliver(orderId: number, eventId: string) {
  const rawBody = JSON.stringify(shopify.restOrderPayload(SHOP, orderId));
  return webhookAction({ request: webhookRequest({ rawBody, shop: SHOP, topic: "orders/paid", eventId }), params: {}, context: {} });
}

describeWithDb("order to invoice, end to end", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    economic = new EconomicSimulator();
    await shopify.start();
    await economic.start();
  });
  afterAll(async () => {
    await shopify.close();
    await economic.close();
  });
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    economic.agreements.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_pipe", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: "halt" });
  });

  const order = () =>
    shopify.addOrder(SHOP, {
      taxesIncluded: true,
      email: "lars@example.dk",
      billingAddress: { firstName: "Lars", lastName: "Berg", countryCode: "DK" },
      lines: [{ sku: "ABC-1", title: "Thing", quantity: 2, price: "100.00", taxRate: "0.25" }],
    });

  it("the same event delivered three times at once makes one booked invoice", async () => {
    economic.agreements.get("g")!.products.set("ABC-1", { productNumber: "ABC-1", name: "Thing", productGroup: { productGroupNumber: 1 } });
    const o = order();
    const answers = await Promise.all([1, 2, 3].map(() => deliver(o.id, "evt-once")));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await work();
    expect([...economic.agreements.get("g")!.booked.values()]).toEqual([expect.objectContaining({ bookedInvoiceNumber: 10001, grossAmount: 200 })]);
    const db = await testDb();
    expect(await db.document.count()).toBe(1);
    expect((await db.syncLogEntry.findFirstOrThrow({ where: { status: "done" } })).message).toBe(`Invoice 10001 booked in e-conomic for order ${o.name} (total 200.00 DKK).`);
  });

  it("a missing SKU fails in words; after the merchant creates it, Retry books the invoice", async () => {
    const o = order();
    await deliver(o.id, "evt-retry");
    await work();
    const db = await testDb();
    const failed = await db.syncLogEntry.findFirstOrThrow({ where: { status: "failed" } });
    expect(failed.message).toBe(
      "SKU 'ABC-1' does not exist in e-conomic and 'Create missing products' is off. Create the product in e-conomic or turn the setting on, then press Retry. " +
        "It will not be retried automatically. Fix the cause, then use Retry.",
    );
    expect(economic.agreements.get("g")!.booked.size).toBe(0);
    // The merchant creates the product in e-conomic, then presses Retry.
    economic.agreements.get("g")!.products.set("ABC-1", { productNumber: "ABC-1", name: "Thing", productGroup: { productGroupNumber: 1 } });
    expect(await retryJob(db, { shopDomain: SHOP, jobId: failed.jobId! })).toBe("queued");
    expect(await retryJob(db, { shopDomain: SHOP, jobId: failed.jobId! })).toBe("not-failed");
    await work();
    expect(economic.agreements.get("g")!.booked.size).toBe(1);
    expect(await db.job.findUniqueOrThrow({ where: { id: failed.jobId! } })).toMatchObject({ status: "done", attempts: 1 });
  });
});
