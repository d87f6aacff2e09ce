// Rules in the stand-in admin: the verification banner on every page while the period runs, the merchant
// starts automatic booking after checking the drafts, and the banner is gone; rules are saved.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";
import { readShopSettings } from "../../app/invoicing/settings";

const SHOP = "browser-rules.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;

describeWithBrowser("rules and the verification banner (browser)", () => {
  beforeAll(async () => {
    const db = await testDb();
    await installApp(db, SHOP, "shpat_rules");
    await db.shop.create({ data: { shopDomain: SHOP, verificationStartedAt: new Date(), settings: JSON.stringify({ rules: { verificationDays: 14 } }) } });
    // connected (a shop without a connection is sent to the onboarding, where the banner is not shown)
    await db.connection.create({ data: { shopDomain: SHOP, providerType: "economic", encryptedCredentials: "x" } });
    await db.webhookDelivery.create({
      data: { shopDomain: SHOP, topic: "ORDERS_PAID", dedupeKey: "d1", webhookId: "w1", apiVersion: "2026-10", payload: JSON.stringify({ id: 1, payment_gateway_names: ["shopify_payments", "Bank transfer"] }) },
    });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows the banner on every page; 'Start automatic booking' ends it; the rules save", async () => {
    const page = await merchantPage(browser);
    let frame = await openAdmin(page, app.url, SHOP, "/app/rules");
    await frame.getByText("Verification period: drafts only until").waitFor();
    expect(await frame.getByRole("checkbox", { name: "Bank transfer" }).count()).toBe(1);
    await screenshot(page, "rules");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);

    // the merchant excludes bank transfers from booking and saves
    await frame.getByRole("checkbox", { name: "Bank transfer" }).check({ force: true });
    await frame.getByRole("button", { name: "Save rules" }).click();
    await frame.getByText("Rules saved.").waitFor();
    const db = await testDb();
    expect(readShopSettings((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings).rules.neverBookGateways).toEqual(["Bank transfer"]);

    // a US merchant books sales tax per jurisdiction, with a product number for each tax title
    await frame.getByLabel("Sales tax (orders with prices before tax, such as in the US and Canada)").selectOption("per-jurisdiction");
    await frame.getByLabel("Product number per tax title").fill("CA State Tax = TAX-CA\nLos Angeles County Tax = TAX-LAC");
    await screenshot(page, "rules-sales-tax");
    await frame.getByRole("button", { name: "Save rules" }).click();
    // ("Rules saved." still stands from the first save, so the stored settings are what to wait for)
    await expect.poll(async () => readShopSettings((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings).salesTax, { timeout: 15_000 }).toEqual({
      booking: "per-jurisdiction",
      productNumbers: { "CA State Tax": "TAX-CA", "Los Angeles County Tax": "TAX-LAC" },
    });

    // the banner stands on the dashboard too; the merchant starts automatic booking there
    frame = await openAdmin(page, app.url, SHOP, "/app");
    await frame.getByRole("button", { name: "Start automatic booking" }).click();
    await frame.getByRole("button", { name: "Yes, start automatic booking" }).click();
    await expect.poll(() => frame.getByText("Verification period: drafts only until").count(), { timeout: 15_000 }).toBe(0);
    expect(readShopSettings((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings).rules.bookingConfirmedAt).not.toBeNull();
    frame = await openAdmin(page, app.url, SHOP, "/app/log");
    expect(await frame.getByText("Verification period").count()).toBe(0);
    await screenshot(page, "after-confirmation");
  }, 90_000);
});
