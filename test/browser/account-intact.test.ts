// A B2B buyer's Invoices page in the sandbox's stand-in customer account, on a shop whose ERP is Intact iQ:
// every invoice of the company's Intact account, as Intact lists them (number, dates, amount, what is still
// owed, status), each download a PDF fetched from Intact through the signed link.
// The environment is read once per process, so the simulators' and the app's URLs are set before its modules load.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, it } from "vitest";
import { IntactSimulator } from "../simulators/intact/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const { freePort } = await import("../helpers/browser");
const port = await freePort();
process.env.SHOPIFY_APP_URL = `http://127.0.0.1:${port}`;
const intact = new IntactSimulator();

const { testDb } = await import("../helpers/db");
const { seedIntactShop } = await import("../helpers/provider-shops");
const { describeWithBrowser, expect, installApp, launchBrowser, screenshot, seriousAccessibilityViolations, startApp } = await import("../helpers/browser");
const { SANDBOX_API_SECRET } = await import("../../app/lib/env.server");

const SHOP = "browser-intact-account.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
let hannah = 0;

describeWithBrowser("the Invoices page with Intact iQ's invoices (browser)", () => {
  beforeAll(async () => {
    await intact.start();
    intact.addUser("webshop", "iq-secret");
    intact.addAccount({ code: "NB1001", name: "Nordic Bakeries Ltd" });
    intact.addInvoice({ account: "NB1001", number: "INV-20871", invoiceDate: "2026-09-01", dueDate: "2026-10-01", currency: "GBP", net: "1240.00", tax: "248.00", outstanding: "0.00", status: "paid" });
    intact.addInvoice({ account: "NB1001", number: "INV-20954", invoiceDate: "2026-10-01", dueDate: "2026-11-01", currency: "GBP", net: "386.50", tax: "77.30" });
    intact.addInvoice({ account: "NB1001", number: "INV-21032", invoiceDate: "2026-11-20", dueDate: "2099-12-20", currency: "GBP", net: "912.00", tax: "182.40", outstanding: "500.00" });
    shopify.addShop({ domain: SHOP, accessToken: "shpat_iq", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "GBP" });
    hannah = shopify.addCustomer(SHOP, { email: "hannah@nordic-bakeries.example", firstName: "Hannah", lastName: "Price" }).id;
    shopify.shop(SHOP).companies.add({ name: "Nordic Bakeries Ltd", externalId: "NB1001", locations: [{ name: "Leeds depot" }], contacts: [{ customerId: hannah, roles: [{ location: 0 }] }] }, () => true);
    const db = await testDb();
    await installApp(db, SHOP, "shpat_iq");
    await seedIntactShop(db, { shopDomain: SHOP, endpoint: intact.endpoint, username: "webshop", password: "iq-secret" });
    app = await startApp({ port });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([intact.close(), shopify.close()]);
  });

  it("every invoice of the company's Intact account, with what is owed, each a PDF from Intact", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 820 } })).newPage();
    await page.goto(`${app.url}/sandbox/account/invoices?shop=${SHOP}&customer=${hannah}&lang=en`);
    const frame = page.frameLocator('iframe[name="invoices-page"]');
    await frame.getByText("Invoices of Nordic Bakeries Ltd (Leeds depot)").waitFor();
    await frame.getByText("Download invoice INV-21032").waitFor();
    expect(await frame.getByText(/^Download invoice INV-\d+$/).count()).toBe(3);
    expect(await frame.getByText("Overdue").count()).toBe(1);
    expect(await frame.getByText("Paid").count()).toBe(1);
    expect(await frame.getByText(/Outstanding £500\.00/).count()).toBe(1);
    await screenshot(page, "account-invoices-intact");
    expect(await seriousAccessibilityViolations(page.frame({ name: "invoices-page" })!)).toEqual([]);
    const response = await page.request.get((await frame.getByText("Download invoice INV-20954").getAttribute("href"))!);
    expect([response.status(), response.headers()["content-type"], (await response.body()).subarray(0, 5).toString()]).toEqual([200, "application/pdf", "%PDF-"]);
    expect(intact.pdfFetches.get("INV-20954")).toBe(1);
  });
});
