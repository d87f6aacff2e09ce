// Connecting Walley in the stand-in admin, as a new merchant does it: choose Walley, the username and password
// (Test connection reaches the service), then the store table, saved only when Walley accepts every store.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";
import { CollectorSimulator } from "../simulators/collector/server";

const SHOP = "browser-walley.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
let collector: CollectorSimulator;

describeWithBrowser("onboarding with Walley (browser)", () => {
  beforeAll(async () => {
    collector = new CollectorSimulator();
    await collector.start();
    collector.addStore({ storeId: 701, countryCode: "SE", username: "walley-user", password: "walley-password" });
    // read by the app when it first loads its environment, in the server started below
    Object.assign(process.env, { COLLECTOR_ENDPOINT: collector.endpoint });
    const db = await testDb();
    await installApp(db, SHOP, "shpat_walley");
    await db.shop.create({ data: { shopDomain: SHOP } });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await collector?.close();
  });

  it("username and password, then a store per country and kind of buyer; a store Walley refuses is said, the right one saved", async () => {
    const page = await merchantPage(browser);
    const frame = await openAdmin(page, app.url, SHOP, "/app");
    await frame.getByRole("heading", { name: "Set up Invoice Bridge" }).waitFor();
    await frame.getByRole("button", { name: "Choose Walley (Collector)" }).click();
    await frame.getByLabel("Username").fill("walley-user");
    await frame.getByLabel("Password").fill("walley-password");
    await frame.getByRole("button", { name: "Test connection" }).click();
    await frame.getByRole("button", { name: "Add a store" }).waitFor();
    await frame.getByRole("button", { name: "Add a store" }).click();
    await frame.getByLabel("Store id").fill("702");
    await frame.getByRole("button", { name: "Save and continue" }).click();
    await frame.getByText("Collector refused the username, password or store id while checking store 702 (SE, b2c)").waitFor();
    await frame.getByLabel("Store id").fill("701");
    await screenshot(page, "onboarding-walley");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);
    await frame.getByRole("button", { name: "Save and continue" }).click();
    await frame.getByText("When the app makes a document").waitFor();
    const row = await (await testDb()).connection.findFirstOrThrow({ where: { shopDomain: SHOP } });
    expect(row.providerType).toBe("collector");
    expect(JSON.parse(row.settings)).toMatchObject({ stores: [{ countryCode: "SE", buyers: "b2c", storeId: 701 }], endpoint: collector.endpoint });
  });
});
