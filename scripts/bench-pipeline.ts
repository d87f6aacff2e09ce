// npm run bench:pipeline [-- --orders 300 --concurrency 4]
// N orders through the whole pipeline (intake → worker → rules → plan → e-conomic) against the
// simulators, with no added latency, on a fresh SQLite file: invoices per second for one worker, and
// e-conomic calls per invoice, cold (an empty e-conomic: customers and products get created) and warm
// (the same customers and products again).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { orders: { type: "string", default: "300" }, concurrency: { type: "string", default: "4" } } });
const N = Number(args.orders);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-bench-"));
Object.assign(process.env, { IB_SANDBOX: "1", LOG_LEVEL: "silent", WORKER: "off", DATABASE_URL: `file:${path.join(dir, "bench.sqlite")}`, DATA_DIR: dir });

const { migrateDatabase } = await import("../app/db/migrations.server");
await migrateDatabase(process.env.DATABASE_URL!);
const { default: db } = await import("../app/db.server");
const { ShopifyAdminSimulator } = await import("../test/simulators/shopify-admin/server");
const { EconomicSimulator } = await import("../test/simulators/economic/server");
const { webhookAction } = await import("../app/webhooks/webhook-route.server");
const { EmbeddedWorker } = await import("../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../app/jobs/handlers.server");
const { httpAdminClient } = await import("../app/shopify/admin-client.server");
const { SANDBOX_API_SECRET } = await import("../app/lib/env.server");
const { logger } = await import("../app/lib/logger.server");
const { signWebhook } = await import("../test/simulators/shopify-admin/server");

const SHOP = "bench-pipeline.myshopify.com";
const shopify = new ShopifyAdminSimulator();
const economic = new EconomicSimulator();
await shopify.start();
await economic.start();
const shop = shopify.addShop({ domain: SHOP, accessToken: "shpat_bench", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e9; // "no added latency": Shopify's throttle is not what is measured
const agreement = economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g", dailyCallLimit: 1e9 });
const { seedEconomicShop } = await import("../test/helpers/economic-shop");
await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g" });
const customers = Array.from({ length: 20 }, (_, i) => shopify.addCustomer(SHOP, { email: `buyer${i}@example.dk`, firstName: "Buyer", lastName: String(i) }));

async function batch(label: string) {
  const orders = Array.from({ length: N }, (_, i) =>
    shopify.addOrder(SHOP, {
      customerId: customers[i % customers.length].id,
      taxesIncluded: true,
      billingAddress: { firstName: "Buyer", lastName: String(i), countryCode: "DK" },
      lines: [
        { sku: `SKU-${i % 10}`, title: `Product ${i % 10}`, quantity: 1 + (i % 3), price: "99.95", taxRate: "0.25" },
        { sku: `SKU-${(i + 3) % 10}`, title: `Product ${(i + 3) % 10}`, quantity: 1, price: "19.50", taxRate: "0.25" },
      ],
      shipping: [{ title: "Post", price: "39.00", taxRate: "0.25" }],
    }),
  );
  for (const order of orders) {
    const rawBody = JSON.stringify(shopify.restOrderPayload(SHOP, order.id));
    const request = new Request("http://127.0.0.1/webhooks/orders", {
      method: "POST",
      body: rawBody,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Hmac-Sha256": signWebhook(rawBody, SANDBOX_API_SECRET),
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": crypto.randomUUID(),
        "X-Shopify-Event-Id": crypto.randomUUID(),
      },
    });
    const response = await webhookAction({ request, params: {}, context: {} });
    if (response.status !== 200) throw new Error(`intake answered ${response.status}`);
  }
  const bookedBefore = agreement.booked.size;
  const callsBefore = agreement.calls;
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_bench", apiVersion: "2026-10" });
  const worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: dir, adminClientFor }), concurrency: Number(args.concurrency), pollMs: 5 });
  const started = performance.now();
  await worker.drain({ timeoutMs: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  const invoices = agreement.booked.size - bookedBefore;
  const failed = await db.job.count({ where: { status: "failed" } });
  return {
    run: label,
    orders: N,
    invoices,
    failedJobs: failed,
    seconds: Number(seconds.toFixed(2)),
    "invoices/s (one worker)": Number((invoices / seconds).toFixed(1)),
    "e-conomic calls/invoice": Number(((agreement.calls - callsBefore) / Math.max(1, invoices)).toFixed(2)),
  };
}

const cold = await batch("cold");
const warm = await batch("warm");
console.table([cold, warm]);
await shopify.close();
await economic.close();
await db.$disconnect();
fs.rmSync(dir, { recursive: true, force: true });
