// The admin order page in the sandbox's stand-in admin, with the app's admin UI extensions as a merchant's staff
// use them: the Invoice Bridge block, and More actions → Generate invoice with its preview, a due date, confirm,
// and the result; then the block shows the invoice and the action is hidden (should-render).
// The environment is read once per process, so the Shopify simulator's URL is set before the app's modules load.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, it } from "vitest";
import { EconomicSimulator } from "../simulators/economic/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const economic = new EconomicSimulator();

const { testDb } = await import("../helpers/db");
const { seedEconomicShop } = await import("../helpers/economic-shop");
const { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, screenshot, seriousAccessibilityViolations, startApp } = await import("../helpers/browser");
const { EmbeddedWorker } = await import("../../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../../app/jobs/handlers.server");
const { adminClientFor } = await import("../../app/shopify/admin.server");
const { logger } = await import("../../app/lib/logger.server");
const { SANDBOX_API_SECRET } = await import("../../app/lib/env.server");

const SHOP = "browser-order.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;

describeWithBrowser("the order page's extensions (browser)", () => {
  beforeAll(async () => {
    await economic.start();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_order", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    const db = await testDb();
    await installApp(db, SHOP, "shpat_order");
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g" });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([shopify.close(), economic.close()]);
  });

  it("Generate invoice: preview, due date, confirm, the number; the block then shows the invoice and the action hides", async () => {
    const order = shopify.addOrder(SHOP, {
      taxesIncluded: true,
      email: "kunde@example.dk",
      billingAddress: { firstName: "Karen", lastName: "Kunde", address1: "Vestergade 3", city: "Odense", zip: "5000", countryCode: "DK" },
      lines: [{ sku: "LAMP-1", title: "Bordlampe", quantity: 2, price: "450.00", taxRate: "0.25" }],
      shipping: [{ title: "GLS", price: "49.00", taxRate: "0.25" }],
    });
    const page = await merchantPage(browser);
    await page.goto(`${app.url}/sandbox/admin/orders/${order.id}?shop=${SHOP}`);
    const block = page.frameLocator('iframe[name="invoice-block"]');
    await block.getByText("No document in e-conomic yet.").waitFor();
    await page.locator("#generate-item:not([hidden])").waitFor({ state: "attached" });
    await page.click("#more");
    await page.click("#generate");
    const modal = page.frameLocator('iframe[name="invoice-action"]');
    await modal.getByText("Equals Shopify's total of 949.00 DKK.").waitFor();
    expect(await modal.getByText("LAMP-1 · Bordlampe · 2 × 360.00 DKK · VAT 25% · 900.00 DKK").count()).toBe(1);
    await modal.locator('s-date-field[name="dueDate"] input').fill("2026-12-31");
    await modal.locator('s-date-field[name="dueDate"] input').dispatchEvent("change");
    await screenshot(page, "order-generate-invoice");
    expect(await seriousAccessibilityViolations(page.frame({ name: "invoice-action" })!)).toEqual([]);
    await modal.locator('s-button[slot="primary-action"]').click();
    // the worker runs the job the click queued (the browser tests run the worker in the test process)
    const db = await testDb();
    await expect.poll(() => db.job.count({ where: { type: "order.generate" } }), { timeout: 15_000 }).toBe(1);
    await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 }).drain();
    await modal.locator('s-banner[heading^="Invoice 10001 booked in e-conomic"]').waitFor({ timeout: 20_000 });
    await modal.getByText("Total 949.00 DKK, due 2026-12-31.").waitFor();
    await screenshot(page, "order-invoice-generated");
    expect([...economic.agreements.get("g")!.booked.values()].map((b) => [b.grossAmount, b.dueDate])).toEqual([[949, "2026-12-31"]]);

    await modal.locator('s-button[slot="secondary-actions"]').click();
    await block.locator("s-text", { hasText: /^Invoice 10001$/ }).waitFor();
    await block.getByText("949.00 DKK · e-conomic · due 2026-12-31").waitFor();
    await page.locator("#generate-item[hidden]").waitFor({ state: "attached" });
    await screenshot(page, "order-invoice-block");
    expect(await seriousAccessibilityViolations(page.frame({ name: "invoice-block" })!)).toEqual([]);
  }, 90_000);
});
