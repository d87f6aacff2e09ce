// Onboarding in the stand-in admin, as a new merchant goes through it: the home sends a shop with no
// connection to the set-up; e-conomic is chosen, a wrong token is refused in words, the right one reads
// e-conomic's lists, the settings are picked from them, the essentials chosen, and the summary finishes on
// the dashboard. Then the Connection page shows the connection, checks it, and disconnects it.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";
import { EconomicSimulator } from "../simulators/economic/server";

const SHOP = "browser-onboarding.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
let economic: EconomicSimulator;

describeWithBrowser("onboarding and the Connection page (browser)", () => {
  beforeAll(async () => {
    economic = new EconomicSimulator();
    await economic.start();
    economic.addAgreement({ appSecretToken: "app-secret", agreementGrantToken: "grant-onboarding" });
    // read by the app when it first loads its environment, in the server started below
    Object.assign(process.env, { ECONOMIC_ENDPOINT: economic.url, ECONOMIC_APP_SECRET_TOKEN: "app-secret" });
    const db = await testDb();
    await installApp(db, SHOP, "shpat_onboarding");
    await db.shop.create({ data: { shopDomain: SHOP } });
    // an order the shop already had: its VAT rate is the one to map
    await db.webhookDelivery.create({
      data: { shopDomain: SHOP, topic: "ORDERS_CREATE", dedupeKey: "o1", webhookId: "o1", apiVersion: "2026-10", payload: JSON.stringify({ id: 1, line_items: [{ tax_lines: [{ rate: 0.25 }] }] }) },
    });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await economic?.close();
  });

  it("a new shop is set up from the first step to the dashboard", async () => {
    const page = await merchantPage(browser);
    const frame = await openAdmin(page, app.url, SHOP, "/app");
    await frame.getByRole("heading", { name: "Set up Invoice Bridge" }).waitFor();
    await screenshot(page, "onboarding-choose");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);

    await frame.getByRole("button", { name: "Choose e-conomic" }).click();
    await frame.getByLabel("Agreement Grant Token").fill("not-the-token");
    await frame.getByRole("button", { name: "Test connection" }).click();
    await frame.getByText("e-conomic refused the app's access").waitFor();
    await frame.getByLabel("Agreement Grant Token").fill("grant-onboarding");
    await frame.getByRole("button", { name: "Test connection" }).click();
    await frame.getByText("Connected to e-conomic. Now choose the settings below.").waitFor();
    // the lists come from e-conomic
    await frame.getByLabel("Payment terms for new customers").selectOption({ label: "2 – Løbende måned + 30 dage (current month + 30 days)" });
    await frame.getByLabel("VAT 25%").selectOption({ label: "1 – Varer med moms" });
    await screenshot(page, "onboarding-connect");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);
    await frame.getByRole("button", { name: "Save and continue" }).click();

    await frame.getByText("When the app makes a document").waitFor();
    await frame.getByLabel("Make a document when the order is").selectOption("fulfilled");
    await screenshot(page, "onboarding-essentials");
    await frame.getByRole("button", { name: "Save and continue" }).click();

    await frame.getByText("What happens next").waitFor();
    await frame.getByText("For the first 14 days").waitFor();
    await screenshot(page, "onboarding-summary");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);
    await frame.getByRole("button", { name: "Finish set-up" }).click();
    await frame.getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 15_000 });

    const db = await testDb();
    const connection = await db.connection.findFirstOrThrow({ where: { shopDomain: SHOP } });
    expect(connection.status).toBe("active");
    expect(JSON.parse(connection.settings)).toMatchObject({ baseUrl: economic.url, customerGroupNumber: 1, paymentTermsNumber: 2, layoutNumber: 19, productGroups: { "0.25": 1 } });
    const settings = JSON.parse((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings);
    expect(settings.rules.trigger).toBe("fulfilled");
    expect(settings.onboarding.completedAt).toBeTruthy();
  }, 90_000);

  it("the Connection page shows the status, checks it, changes a setting, and disconnects keeping the documents", async () => {
    const db = await testDb();
    await db.document.create({ data: { shopDomain: SHOP, orderId: "7", kind: "invoice", source: "order", idempotencyKey: "b7", providerType: "economic", state: "finalized", number: "10001" } });
    const page = await merchantPage(browser);
    const frame = await openAdmin(page, app.url, SHOP, "/app/connection");
    await frame.getByText("Connected", { exact: true }).waitFor();
    await frame.getByText("Last verified:").waitFor();
    await frame.getByRole("button", { name: "Check now" }).click();
    await frame.getByText("e-conomic answered: the connection works.").waitFor();
    await frame.getByLabel("Invoice layout").selectOption({ label: "21 – Standard uden logo" });
    await frame.getByRole("button", { name: "Save settings" }).click();
    await frame.getByText("e-conomic is connected and its settings are saved.").waitFor();
    expect(JSON.parse((await db.connection.findFirstOrThrow({ where: { shopDomain: SHOP } })).settings).layoutNumber).toBe(21);
    await screenshot(page, "connection");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);

    await frame.getByRole("button", { name: "Disconnect" }).click();
    await frame.getByRole("button", { name: "Yes, disconnect" }).click();
    await frame.getByText("Disconnected from e-conomic. The 1 document(s) made so far are kept.").waitFor();
    expect((await db.connection.findFirstOrThrow({ where: { shopDomain: SHOP } })).status).toBe("disconnected");
    expect(await db.document.count({ where: { shopDomain: SHOP } })).toBe(1);
  }, 90_000);
});
