// Historical import in the stand-in admin: the merchant picks a range, counts Shopify's orders in it,
// starts, and watches the progress bar climb to 100% while the worker books one invoice per order in the
// e-conomic simulator, none twice.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { EconomicSimulator } from "../simulators/economic/server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { httpAdminClient, pacedByThrottle } from "../../app/shopify/admin-client.server";
import { logger } from "../../app/lib/logger.server";

const SHOP = "browser-import.myshopify.com";
const ORDERS = 75;
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
let shopify: ShopifyAdminSimulator;
let economic: EconomicSimulator;
let worker: EmbeddedWorker;

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();

describeWithBrowser("historical import (browser)", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    economic = new EconomicSimulator();
    await Promise.all([shopify.start(), economic.start()]);
    // the app's own Shopify client goes to the simulator (read when the app first loads its environment)
    process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
    shopify.addShop({ domain: SHOP, accessToken: "shpat_import", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g-import" });
    for (let i = 0; i < ORDERS; i += 1) {
      shopify.addOrder(SHOP, { createdAt: day(2 + (i % 40)), taxesIncluded: true, email: `buyer${i}@example.dk`, lines: [{ sku: `SKU-${i % 5}`, title: "Thing", quantity: 1, price: "100.00", taxRate: "0.25" }] });
    }
    // an order whose SKU e-conomic does not know (the shop stops on unknown products): it fails, in words
    shopify.addOrder(SHOP, { createdAt: day(5), taxesIncluded: true, email: "ghost@example.dk", lines: [{ sku: "GHOST", title: "Ghost", quantity: 1, price: "100.00", taxRate: "0.25" }] });
    // an order outside the range, and an unpaid one: neither is imported
    shopify.addOrder(SHOP, { createdAt: day(200), taxesIncluded: true, email: "old@example.dk", lines: [{ sku: "SKU-0", title: "Thing", quantity: 1, price: "100.00", taxRate: "0.25" }] });
    shopify.addOrder(SHOP, { createdAt: day(3), financialStatus: "pending", taxesIncluded: true, email: "later@example.dk", lines: [{ sku: "SKU-0", title: "Thing", quantity: 1, price: "100.00", taxRate: "0.25" }] });
    const db = await testDb();
    await installApp(db, SHOP, "shpat_import");
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g-import", missingProducts: "halt" });
    for (let i = 0; i < 5; i += 1) economic.agreements.get("g-import")!.products.set(`SKU-${i}`, { productNumber: `SKU-${i}`, name: "Thing", productGroup: { productGroupNumber: 1 } });
    const adminClientFor = async (shop: string) => pacedByThrottle(httpAdminClient({ endpoint: shopify.url, shop, accessToken: "shpat_import", apiVersion: "2026-10", timeoutMs: 5000 }));
    worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 20 });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await browser?.close();
    await app?.close();
    await Promise.all([shopify?.close(), economic?.close()]);
  });

  it("counts the orders, starts, the progress reaches 100% with one invoice per order, and the failed order is retried once its cause is fixed", async () => {
    const page = await merchantPage(browser);
    const frame = await openAdmin(page, app.url, SHOP, "/app/import");
    await frame.getByLabel("Created from").fill(day(60).slice(0, 10));
    await frame.getByRole("button", { name: "Count orders" }).click();
    await frame.getByText(`${ORDERS + 1} order(s) match.`).waitFor();
    await screenshot(page, "import-counted");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);

    await frame.getByRole("button", { name: `Import ${ORDERS + 1} order(s)` }).click();
    await frame.getByText(`Import started: ${ORDERS + 1} order(s).`).waitFor();
    await frame.getByText("Running").waitFor();
    worker.start();
    await frame.getByText(`100% of ${ORDERS + 1} order(s)`).waitFor({ timeout: 60_000 });
    await frame.getByText("Finished").waitFor();
    await frame.getByRole("button", { name: "Retry the failed orders" }).waitFor();
    await screenshot(page, "import-finished");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);
    const account = economic.agreements.get("g-import")!;
    expect(account.booked.size).toBe(ORDERS);
    const db = await testDb();
    expect(await db.importRun.findFirstOrThrow({ where: { shopDomain: SHOP } })).toMatchObject({ status: "done", total: ORDERS + 1, done: ORDERS, failed: 1 });

    // the merchant creates the product in e-conomic and retries the failed order from the import page
    account.products.set("GHOST", { productNumber: "GHOST", name: "Ghost", productGroup: { productGroupNumber: 1 } });
    await frame.getByRole("button", { name: "Retry the failed orders" }).click();
    await frame.getByText("1 failed order(s) will be tried again now.").waitFor();
    await expect.poll(() => account.booked.size, { timeout: 30_000 }).toBe(ORDERS + 1);
    const references = [...account.booked.values()].map((b) => (b.references as { other?: string }).other);
    expect(new Set(references).size).toBe(ORDERS + 1);
    await expect.poll(async () => (await db.importRun.findFirstOrThrow({ where: { shopDomain: SHOP } })).failed).toBe(0);
    expect(await db.importRun.findFirstOrThrow({ where: { shopDomain: SHOP } })).toMatchObject({ status: "done", total: ORDERS + 1, done: ORDERS + 1, skipped: 0, failed: 0 });
  }, 120_000);
});
