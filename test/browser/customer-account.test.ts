// The customer account in the sandbox's stand-in, with the app's customer-account extensions as buyers use
// them: a private buyer's order page (the order status block with the invoice and the credit note under it, the
// order action menu's "Download invoice" and its modal), her Invoices page in Danish, and a B2B colleague's
// Invoices page with the company location's invoices and one issued directly in e-conomic. Each download link is
// opened as the browser opens it: a PDF.
// The environment is read once per process, so the simulators' and the app's URLs are set before its modules load.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, it } from "vitest";
import { EconomicSimulator } from "../simulators/economic/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const { freePort } = await import("../helpers/browser");
const port = await freePort();
// The download links the app makes are absolute, on its own address.
process.env.SHOPIFY_APP_URL = `http://127.0.0.1:${port}`;
const economic = new EconomicSimulator();

const { testDb } = await import("../helpers/db");
const { seedEconomicShop } = await import("../helpers/economic-shop");
const { orderSync } = await import("../helpers/sync");
const { issueInEconomic } = await import("../helpers/bookkeeper");
const { describeWithBrowser, expect, installApp, launchBrowser, screenshot, seriousAccessibilityViolations, startApp } = await import("../helpers/browser");
const { syncRefund } = await import("../../app/invoicing/sync-refund.use-case");
const { providerForShop } = await import("../../app/providers/connections.server");
const { adminClientFor } = await import("../../app/shopify/admin.server");
const { logger } = await import("../../app/lib/logger.server");
const { SANDBOX_API_SECRET } = await import("../../app/lib/env.server");

const SHOP = "browser-account.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
const ids = { mette: 0, lars: 0, karin: 0, refunded: 0, notInvoiced: 0, b2b: 0, issuedThere: "" };

async function buyerPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 820 } });
  return context.newPage();
}

/** Opens a download link the way the browser would, and answers what came back. */
async function download(page: Page, href: string | null) {
  expect(href).toBeTruthy();
  const response = await page.request.get(href!);
  return { status: response.status(), type: response.headers()["content-type"], head: (await response.body()).subarray(0, 5).toString() };
}

describeWithBrowser("customer accounts: Download invoice and the Invoices page (browser)", () => {
  beforeAll(async () => {
    await economic.start();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_account", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    const db = await testDb();
    await installApp(db, SHOP, "shpat_account");
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g" });
    ids.mette = shopify.addCustomer(SHOP, { email: "mette@example.dk", firstName: "Mette", lastName: "Jensen", locale: "da" }).id;
    ids.lars = shopify.addCustomer(SHOP, { email: "lars@nordic-cafes.example", firstName: "Lars", lastName: "Berg" }).id;
    ids.karin = shopify.addCustomer(SHOP, { email: "karin@nordic-cafes.example", firstName: "Karin", lastName: "Holm" }).id;
    const company = shopify.shop(SHOP).companies.add(
      { name: "Nordic Cafés ApS", locations: [{ name: "Aarhus roastery" }], contacts: [{ customerId: ids.lars, roles: [{ location: 0 }] }, { customerId: ids.karin, roles: [{ location: 0, role: "Location admin" }] }] },
      () => true,
    );
    const address = { firstName: "Mette", lastName: "Jensen", address1: "Nørregade 12", city: "København K", zip: "1165", countryCode: "DK" };
    const paid = (customerId: number, extra: object = {}) =>
      shopify.addOrder(SHOP, { customerId, financialStatus: "paid", taxesIncluded: true, billingAddress: address, lines: [{ sku: "MUG", title: "Krus", quantity: 2, price: "125.00", taxRate: "0.25" }], ...extra }).id;
    ids.refunded = paid(ids.mette);
    ids.notInvoiced = paid(ids.mette, { financialStatus: "pending" });
    ids.b2b = paid(ids.lars, { company: { id: company.id, name: company.name, locationId: company.locations[0].id, locationName: "Aarhus roastery" } });
    const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_account", now: new Date() });
    for (const id of [ids.refunded, ids.b2b]) await sync(id);
    const refund = shopify.addRefund(SHOP, ids.refunded, { amount: "50.00" });
    await syncRefund({ shopDomain: SHOP, orderId: String(ids.refunded), refundId: String(refund.id), jobId: "job", deliveryId: null }, { db, logger, adminClientFor, providerFor: providerForShop(db), dataDir: process.env.DATA_DIR!, now: () => new Date() });
    const link = await db.customerLink.findFirstOrThrow({ where: { shopifyCustomerId: String(ids.lars) } });
    ids.issuedThere = await issueInEconomic(economic.url, { appSecretToken: "s", agreementGrantToken: "g" }, { customerNumber: Number(link.externalId), currency: "DKK", productNumber: "MUG", date: "2026-10-01", amount: 480, text: "Machine service" });
    app = await startApp({ port });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([shopify.close(), economic.close()]);
  });

  it("a buyer's order: the invoice and its credit note in the status block, and Download invoice in the action menu", async () => {
    const page = await buyerPage();
    await page.goto(`${app.url}/sandbox/account/orders/${ids.refunded}?shop=${SHOP}&customer=${ids.mette}&lang=da`);
    const block = page.frameLocator('iframe[name="order-status-block"]');
    const invoice = block.getByText(/^Download faktura \d+$/);
    await invoice.waitFor();
    await block.getByText("Kreditnotaer").waitFor();
    const credit = block.getByText(/^Download kreditnota \d+$/);
    await page.getByText("signed in as Mette Jensen").waitFor();
    await screenshot(page, "account-order-status");
    expect(await seriousAccessibilityViolations(page.frame({ name: "order-status-block" })!)).toEqual([]);
    expect(await download(page, await invoice.getAttribute("href"))).toEqual({ status: 200, type: "application/pdf", head: "%PDF-" });
    expect(await download(page, await credit.getAttribute("href"))).toEqual({ status: 200, type: "application/pdf", head: "%PDF-" });

    // The order action menu: one button, which opens the order action's modal with the same documents
    const menu = page.frameLocator('iframe[name="order-menu-item"]');
    await menu.getByText("Download faktura").click();
    const modal = page.frameLocator('iframe[name="order-action"]');
    await modal.getByText(/^Fakturaer for ordre #\d+$/).waitFor();
    await modal.getByText(/^Download kreditnota \d+$/).waitFor();
    await modal.getByText(/· Betalt$/).waitFor();
    await screenshot(page, "account-order-action");
    expect(await download(page, await modal.getByText(/^Download faktura \d+$/).getAttribute("href"))).toEqual({ status: 200, type: "application/pdf", head: "%PDF-" });
    await modal.getByText("Luk").click();
    await expect.poll(() => page.locator("#modal.open").count()).toBe(0);
  });

  it("an order without an invoice: neither the block nor the menu item is drawn", async () => {
    const page = await buyerPage();
    // Both frames ask the app about the order; nothing is drawn once they have the answer.
    const answered = Promise.all([1, 2].map(() => page.waitForResponse((r) => r.url().includes(`/api/account/orders/${ids.notInvoiced}`))));
    await page.goto(`${app.url}/sandbox/account/orders/${ids.notInvoiced}?shop=${SHOP}&customer=${ids.mette}&lang=en`);
    expect((await answered).map((r) => r.status())).toEqual([200, 200]);
    for (const name of ["order-status-block", "order-menu-item"]) {
      const frame = page.frame({ name })!;
      await frame.waitForLoadState("networkidle");
      expect(await frame.locator("s-section, s-button, s-link").count()).toBe(0);
    }
  });

  it("another buyer's order: 404 from the app, and nothing of it drawn", async () => {
    const page = await buyerPage();
    const answered = page.waitForResponse((r) => r.url().includes(`/api/account/orders/${ids.b2b}`));
    await page.goto(`${app.url}/sandbox/account/orders/${ids.b2b}?shop=${SHOP}&customer=${ids.mette}&lang=en`);
    expect((await answered).status()).toBe(404);
    const block = page.frame({ name: "order-status-block" })!;
    await block.waitForLoadState("networkidle");
    expect(await block.locator("s-section, s-link, s-banner").count()).toBe(0);
  });

  it("the Invoices page in Danish: the buyer's invoice and credit note, with status and amounts in her format", async () => {
    const page = await buyerPage();
    await page.goto(`${app.url}/sandbox/account/invoices?shop=${SHOP}&customer=${ids.mette}&lang=da`);
    const frame = page.frameLocator('iframe[name="invoices-page"]');
    await frame.getByText(/^Download faktura \d+$/).waitFor();
    await frame.getByText(/^Download kreditnota \d+$/).waitFor();
    await frame.getByText("Betalt").waitFor();
    expect(await frame.getByText(/Beløb 250,00\s+kr\./).count()).toBe(1);
    await screenshot(page, "account-invoices-buyer-da");
    expect(await seriousAccessibilityViolations(page.frame({ name: "invoices-page" })!)).toEqual([]);
  });

  it("a B2B colleague's Invoices page: the company location's invoice and one issued in e-conomic, each a PDF", async () => {
    const page = await buyerPage();
    await page.goto(`${app.url}/sandbox/account/invoices?shop=${SHOP}&customer=${ids.karin}&lang=en`);
    const frame = page.frameLocator('iframe[name="invoices-page"]');
    await frame.getByText("Invoices of Nordic Cafés ApS (Aarhus roastery)").waitFor();
    const issuedThere = frame.getByText(`Download invoice ${ids.issuedThere}`);
    await issuedThere.waitFor();
    expect(await frame.getByText("Overdue").count()).toBe(1);
    expect(await frame.getByText("Paid").count()).toBe(1);
    await screenshot(page, "account-invoices-b2b");
    expect(await download(page, await issuedThere.getAttribute("href"))).toEqual({ status: 200, type: "application/pdf", head: "%PDF-" });
    const own = frame.getByText(/^Download invoice \d+$/).filter({ hasNotText: ids.issuedThere });
    expect(await download(page, await own.getAttribute("href"))).toEqual({ status: 200, type: "application/pdf", head: "%PDF-" });
  });
});
