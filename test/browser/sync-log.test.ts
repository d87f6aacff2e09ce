// The sync log in the stand-in admin: a failure with the merchant's words at the top; once the cause is
// fixed (the product created in e-conomic), Retry in the browser queues the task, and the order becomes a
// booked invoice. Details are redacted; no serious or critical accessibility violations.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { webhookRequest } from "../helpers/webhooks";
import { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { EconomicSimulator } from "../simulators/economic/server";
import { webhookAction } from "../../app/webhooks/webhook-route.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { logger } from "../../app/lib/logger.server";

const SHOP = "browser-log.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
let shopify: ShopifyAdminSimulator;
let economic: EconomicSimulator;

async function work(now?: () => Date) {
  const db = await testDb();
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_log", apiVersion: "2026-10", timeoutMs: 2000 });
  await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor, now }), pollMs: 10 }).drain();
}

describeWithBrowser("sync log (browser)", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    economic = new EconomicSimulator();
    await Promise.all([shopify.start(), economic.start()]);
    shopify.addShop({ domain: SHOP, accessToken: "shpat_log", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    const db = await testDb();
    await installApp(db, SHOP, "shpat_log");
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: "halt" });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([shopify?.close(), economic?.close()]);
  });

  it("a failure, fixed at its cause, becomes a booked invoice after Retry", async () => {
    // GIVEN an order whose SKU e-conomic does not have, with "create missing products" off
    const order = shopify.addOrder(SHOP, { email: "lars@example.dk", taxesIncluded: true, lines: [{ sku: "ABC-1", title: "Thing", quantity: 2, price: "100.00", taxRate: "0.25" }] });
    await webhookAction({ request: webhookRequest({ rawBody: JSON.stringify(shopify.restOrderPayload(SHOP, order.id)), shop: SHOP, topic: "orders/paid", eventId: "evt-log" }), params: {}, context: {} });
    await work();

    // THEN the log shows the failure first, in words, with Retry; its details carry no e-mail address
    const page = await merchantPage(browser);
    let frame = await openAdmin(page, app.url, SHOP, "/app/log");
    const first = frame.getByRole("listitem").first();
    await expect.poll(() => first.innerText()).toContain("SKU 'ABC-1' does not exist in e-conomic");
    await frame.getByRole("button", { name: "Details" }).first().click();
    expect(await frame.locator("pre").first().innerText()).not.toContain("lars@example.dk");
    await screenshot(page, "sync-log-failed");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);

    // WHEN the merchant creates the product in e-conomic and presses Retry
    economic.agreements.get("g")!.products.set("ABC-1", { productNumber: "ABC-1", name: "Thing", productGroup: { productGroupNumber: 1 } });
    await frame.getByRole("button", { name: `Retry ${order.name}` }).click();
    await frame.getByText("1 task(s) queued again").waitFor();
    await work();

    // THEN the order is a booked invoice, and the log says so
    expect([...economic.agreements.get("g")!.booked.values()]).toHaveLength(1);
    frame = await openAdmin(page, app.url, SHOP, "/app/log");
    await expect.poll(() => frame.locator("body").innerText()).toContain(`Invoice 10001 booked in e-conomic for order ${order.name} (total 200.00 DKK).`);
    expect(await frame.getByRole("button", { name: /^Retry/ }).count()).toBe(0);
    await screenshot(page, "sync-log-booked");
  }, 90_000);

  it("Check now finds an order whose webhook never arrived, and it is invoiced", async () => {
    const db = await testDb();
    await db.shop.update({ where: { shopDomain: SHOP }, data: { installedAt: new Date(Date.now() - 3_600_000) } });
    // Paid in Shopify; its notification never reached the app.
    const lost = shopify.addOrder(SHOP, { email: "mette@example.dk", taxesIncluded: true, lines: [{ sku: "ABC-1", title: "Thing", quantity: 1, price: "100.00", taxRate: "0.25" }] });
    const page = await merchantPage(browser);
    let frame = await openAdmin(page, app.url, SHOP, "/app/log");
    await frame.getByText("No check has run yet.").waitFor();
    await frame.getByRole("button", { name: "Check now" }).click();
    await frame.getByText("Checking for missed orders; the result appears here and in the log shortly.").waitFor();
    // Two minutes later (the sweep leaves out the last minute, whose webhooks may still be on their way)
    await work(() => new Date(Date.now() + 2 * 60_000));
    expect([...economic.agreements.get("g")!.booked.values()]).toHaveLength(2);
    frame = await openAdmin(page, app.url, SHOP, "/app/log");
    await expect.poll(() => frame.locator("body").innerText()).toContain(`never reached the app through Shopify's notifications (${lost.name}). They are being processed now.`);
    await expect.poll(() => frame.locator("body").innerText()).toContain(`for order ${lost.name} (total 100.00 DKK).`);
    await screenshot(page, "sync-log-sweep");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);
  }, 90_000);
});
