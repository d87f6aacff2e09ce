// Onboarding with e-conomic's approval in the stand-in admin: "Approve in e-conomic" leaves the admin's
// frame for e-conomic's installation URL (the simulator's), which approves and sends the browser back
// through the app's callback with the Agreement Grant Token; the onboarding goes on to e-conomic's lists.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { describeWithBrowser, expect, freePort, installApp, launchBrowser, leaveAndReturn, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";
import { EconomicSimulator } from "../simulators/economic/server";

const SHOP = "browser-approval.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
let economic: EconomicSimulator;

describeWithBrowser("onboarding with e-conomic's approval (browser)", () => {
  beforeAll(async () => {
    economic = new EconomicSimulator();
    await economic.start();
    economic.registerApp({ appPublicToken: "app-public", appSecretToken: "app-secret" });
    economic.addAgreement({ appSecretToken: "app-secret", agreementGrantToken: "grant-approved" });
    // The app must know its own address before it starts: e-conomic sends the merchant back to it.
    const port = await freePort();
    Object.assign(process.env, {
      ECONOMIC_ENDPOINT: economic.url,
      ECONOMIC_APP_SECRET_TOKEN: "app-secret",
      ECONOMIC_APP_PUBLIC_TOKEN: "app-public",
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    });
    const db = await testDb();
    await installApp(db, SHOP, "shpat_approval");
    await db.shop.create({ data: { shopDomain: SHOP } });
    app = await startApp({ port });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await economic?.close();
  });

  it("approves in e-conomic, comes back to e-conomic's lists, and saves the settings", async () => {
    const page = await merchantPage(browser);
    let frame = await openAdmin(page, app.url, SHOP, "/app/onboarding");
    await frame.getByRole("button", { name: "Choose e-conomic" }).click();
    await frame.getByRole("button", { name: "Approve in e-conomic" }).waitFor();
    await screenshot(page, "onboarding-economic-approve");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);
    frame = await leaveAndReturn(page, app.url, { callbackPath: "/connect/economic/callback", click: () => frame.getByRole("button", { name: "Approve in e-conomic" }).click() });
    await frame.getByText("Connected to e-conomic. Choose its settings.").waitFor();
    await frame.getByLabel("Invoice layout").selectOption({ label: "21 – Standard uden logo" });
    await frame.getByLabel("Add a VAT rate (%)").fill("25");
    await frame.getByRole("button", { name: "Add rate" }).click();
    await frame.getByLabel("VAT 25%").selectOption({ label: "1 – Varer med moms" });
    await frame.getByRole("button", { name: "Save settings" }).click();
    await frame.getByText("When the app makes a document").waitFor();

    const db = await testDb();
    const connection = await db.connection.findFirstOrThrow({ where: { shopDomain: SHOP } });
    expect(connection.status).toBe("active");
    expect(JSON.parse(connection.settings)).toMatchObject({ baseUrl: economic.url, layoutNumber: 21, productGroups: { "0.25": 1 } });
    expect(connection.encryptedCredentials).not.toContain("grant-approved");
  }, 90_000);
});
