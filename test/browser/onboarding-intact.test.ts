// Connecting Intact iQ in the stand-in admin, as a new merchant does it: choose Intact iQ, the WebShop WSDL's
// address, user and password (Test connection names the Intact company reached), then where account codes
// come from, a table row, and sales orders; saved only when the sign-in works.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";
import { IntactSimulator } from "../simulators/intact/server";

const SHOP = "browser-intact.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
let intact: IntactSimulator;

describeWithBrowser("onboarding with Intact iQ (browser)", () => {
  beforeAll(async () => {
    intact = new IntactSimulator();
    await intact.start();
    intact.addUser("webshop", "iq-password");
    // read by the app when it first loads its environment, in the server started below
    Object.assign(process.env, { INTACT_ENDPOINT: intact.endpoint });
    const db = await testDb();
    await installApp(db, SHOP, "shpat_intact");
    await db.shop.create({ data: { shopDomain: SHOP } });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await intact?.close();
  });

  it("address, user and password; a wrong password is said; then the account mapping and sales orders, saved", async () => {
    const page = await merchantPage(browser);
    const frame = await openAdmin(page, app.url, SHOP, "/app");
    await frame.getByRole("heading", { name: "Set up Invoice Bridge" }).waitFor();
    await frame.getByRole("button", { name: "Choose Intact iQ" }).click();
    await frame.getByLabel("WebShop service address (WSDL)").fill(`${intact.endpoint}?wsdl`);
    await frame.getByLabel("WebShop user").fill("webshop");
    await frame.getByLabel("Password").fill("not-it");
    await frame.getByRole("button", { name: "Test connection" }).click();
    await frame.getByText("Intact refused the username or password while checking the sign-in.", { exact: false }).waitFor();
    await frame.getByLabel("Password").fill("iq-password");
    await frame.getByRole("button", { name: "Test connection" }).click();
    await frame.getByText("The server answered as Intact simulator Ltd.").waitFor();
    await frame.getByRole("button", { name: "Add a row" }).click();
    await frame.getByLabel("Company id or e-mail").fill("pia@example.com");
    await frame.getByLabel("Intact account code", { exact: true }).fill("PIA01");
    await frame.getByLabel("Send Shopify orders to Intact as sales orders").check();
    await screenshot(page, "onboarding-intact");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);
    await frame.getByRole("button", { name: "Save and continue" }).click();
    await frame.getByText("When the app makes a document").waitFor();
    const row = await (await testDb()).connection.findFirstOrThrow({ where: { shopDomain: SHOP } });
    expect(row.providerType).toBe("intact");
    expect(JSON.parse(row.settings)).toMatchObject({
      wsdlUrl: `${intact.endpoint}?wsdl`,
      endpoint: intact.endpoint,
      salesOrders: true,
      accounts: { from: "externalId", table: [{ shopify: "pia@example.com", account: "PIA01" }] },
    });
  });
});
