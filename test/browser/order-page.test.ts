// The admin order page in the sandbox's stand-in admin, with the app's admin UI extensions as a merchant's staff
// use them: the Invoice Bridge block, and More actions → Generate invoice with its preview, a due date, confirm,
// and the result; then the block shows the invoice and the action is hidden (should-render); Print → Print invoice
// shows the PDF; the block's Credit in full books a credit note; and on the order list, Generate invoices for
// the selected orders, followed on the app's Invoices page.
// The environment is read once per process, so the Shopify simulator's URL is set before the app's modules load.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, it } from "vitest";
import { EconomicSimulator } from "../simulators/economic/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
// The app's own address, before the app reads its environment: links it makes for the admin (the PDF to print) are absolute.
const { freePort } = await import("../helpers/browser");
const port = await freePort();
process.env.SHOPIFY_APP_URL = `http://127.0.0.1:${port}`;
const economic = new EconomicSimulator();

const { testDb } = await import("../helpers/db");
const { seedEconomicShop } = await import("../helpers/economic-shop");
const { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } = await import("../helpers/browser");
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
    app = await startApp({ port });
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

  const drain = async () => {
    const db = await testDb();
    await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 }).drain();
  };

  it("Print invoice shows the invoice's PDF for the print dialog; Credit in full, confirmed, books the credit note", async () => {
    const order = shopify.addOrder(SHOP, {
      taxesIncluded: true,
      email: "print@example.dk",
      billingAddress: { firstName: "Per", lastName: "Print", address1: "Torvet 1", city: "Vejle", zip: "7100", countryCode: "DK" },
      lines: [{ sku: "MUG-1", title: "Krus", quantity: 4, price: "60.00", taxRate: "0.25" }],
    });
    const page = await merchantPage(browser);
    await page.goto(`${app.url}/sandbox/admin/orders/${order.id}?shop=${SHOP}`);
    await page.locator("#generate-item:not([hidden])").waitFor({ state: "attached" });
    await page.click("#more");
    await page.click("#generate");
    const modal = page.frameLocator('iframe[name="invoice-action"]');
    await modal.getByText("Equals Shopify's total of 240.00 DKK.").waitFor();
    await modal.locator('s-button[slot="primary-action"]').click();
    const db = await testDb();
    await expect.poll(() => db.job.count({ where: { type: "order.generate", payload: { contains: String(order.id) } } }), { timeout: 15_000 }).toBe(1);
    await drain();
    await modal.locator('s-banner[heading^="Invoice"]').waitFor({ timeout: 20_000 });
    await modal.locator('s-button[slot="secondary-actions"]').click();

    // Print → Print invoice: the print action's preview is the invoice's PDF
    await page.click("#print");
    await page.click("#print-invoice");
    const print = page.frameLocator('iframe[name="print-action"]');
    await print.getByText(/^Invoice \d+ · 240\.00 DKK$/).waitFor();
    const src = await print.locator("s-admin-print-action").getAttribute("src");
    expect(src).toMatch(/\/documents\/.+\.pdf\?for=admin&expires=\d+&signature=/);
    const pdf = await page.request.get(src!);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    await screenshot(page, "order-print-invoice");
    expect(await seriousAccessibilityViolations(page.frame({ name: "print-action" })!)).toEqual([]);
    await page.mouse.click(5, 300);

    // The block: Credit in full asks first, then books the credit note
    const block = page.frameLocator('iframe[name="invoice-block"]');
    await page.reload();
    await block.locator("s-button", { hasText: "Credit in full" }).click();
    await block.getByText("A credit note for 240.00 DKK is booked in e-conomic. This cannot be undone.").waitFor();
    await screenshot(page, "order-block-credit-confirm");
    await block.locator("s-button", { hasText: "Book the credit note" }).click();
    await expect.poll(() => db.job.count({ where: { type: "document.credit" } }), { timeout: 15_000 }).toBe(1);
    await drain();
    await block.getByText(/^At a staff member's request: credit note \d+ booked in e-conomic \(240\.00 DKK\), crediting invoice \d+ in full\.$/).first().waitFor({ timeout: 20_000 });
    await block.locator("s-text", { hasText: /^Credit note \d+$/ }).waitFor();
    await screenshot(page, "order-block-credited");
    expect([...economic.agreements.get("g")!.booked.values()].map((b) => Number(b.grossAmount))).toContain(-240);
  }, 90_000);

  it("the order list: Generate invoices for the selected orders, a summary first, then progress on the Invoices page", async () => {
    const seed = (email: string) => ({ taxesIncluded: true, email, lines: [{ sku: "CUP", title: "Kop", quantity: 1, price: "80.00", taxRate: "0.25" }] });
    const first = shopify.addOrder(SHOP, seed("a@example.dk"));
    const second = shopify.addOrder(SHOP, seed("b@example.dk"));
    const cancelled = shopify.addOrder(SHOP, seed("c@example.dk"));
    shopify.setOrderStatus(SHOP, cancelled.id, { cancelled: true });
    const page = await merchantPage(browser);
    await page.goto(`${app.url}/sandbox/admin/orders?shop=${SHOP}`);
    for (const o of [first, second, cancelled]) await page.check(`input[name="order"][value="${o.id}"]`);
    await page.click("#bulk");
    const modal = page.frameLocator('iframe[name="bulk-action"]');
    await modal.getByText("2 of 3 selected order(s) will get invoices.").waitFor();
    await modal.getByText(`${cancelled.name}: Skipped: order ${cancelled.name} is cancelled.`).waitFor();
    await screenshot(page, "orders-generate-invoices");
    expect(await seriousAccessibilityViolations(page.frame({ name: "bulk-action" })!)).toEqual([]);
    await modal.locator('s-button[slot="primary-action"]').click();
    await modal.locator('s-banner[heading="2 order(s) queued"]').waitFor();
    const db = await testDb();
    expect(await db.bulkRun.count()).toBe(1);

    const frame = await openAdmin(page, app.url, SHOP, "/app/invoices");
    await frame.getByText("Generate invoices for 3 selected order(s)").waitFor();
    await frame.getByText("0 of 2 done, 2 waiting.").waitFor();
    await drain();
    // The page follows the run by itself
    await frame.getByText("2 of 2 done.").waitFor({ timeout: 15_000 });
    await frame.getByText(`${cancelled.name}: Skipped: order ${cancelled.name} is cancelled.`).waitFor();
    await screenshot(page, "invoices-bulk-progress");
  }, 90_000);
});
