// Onboarding with Visma eAccounting in the stand-in admin: "Sign in at Visma" leaves the admin's frame
// (App Bridge's redirect), Visma's sign-in (the simulator's identity server) sends the merchant back
// through the app's callback into the admin, at the onboarding's next step: Visma's own lists to pick
// the settings from.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { describeWithBrowser, expect, freePort, installApp, launchBrowser, leaveAndReturn, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";
import { VISMA_CLIENT, vismaAccount } from "../helpers/visma-account";
import { VismaSimulator } from "../simulators/visma/server";

const SHOP = "browser-visma.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
let visma: VismaSimulator;
let account: ReturnType<typeof vismaAccount>;

describeWithBrowser("onboarding with Visma's sign-in (browser)", () => {
  beforeAll(async () => {
    visma = new VismaSimulator();
    await visma.start();
    account = vismaAccount(visma);
    // The app must know its own address before it starts: Visma sends the merchant back to it.
    const port = await freePort();
    Object.assign(process.env, { VISMA_ENDPOINT: visma.url, SHOPIFY_APP_URL: `http://127.0.0.1:${port}` });
    visma.addClient({ ...VISMA_CLIENT, redirectUris: [`http://127.0.0.1:${port}/connect/visma/callback`] });
    const db = await testDb();
    await installApp(db, SHOP, "shpat_visma");
    await db.shop.create({ data: { shopDomain: SHOP } });
    await db.webhookDelivery.create({
      data: { shopDomain: SHOP, topic: "ORDERS_CREATE", dedupeKey: "v1", webhookId: "v1", apiVersion: "2026-10", payload: JSON.stringify({ id: 1, line_items: [{ tax_lines: [{ rate: 0.25 }, { rate: 0.12 }] }] }) },
    });
    app = await startApp({ port });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await visma?.close();
  });

  it("signs in at Visma, comes back to the settings with Visma's lists, and saves them", async () => {
    const page = await merchantPage(browser);
    let frame = await openAdmin(page, app.url, SHOP, "/app/onboarding");
    await frame.getByRole("button", { name: "Choose Visma eAccounting" }).click();
    // out of the frame to Visma's sign-in, back through the app's callback, into the admin at the onboarding
    frame = await leaveAndReturn(page, app.url, { callbackPath: "/connect/visma/callback", click: () => frame.getByRole("button", { name: "Sign in at Visma" }).click() });
    await frame.getByText("Connected to Visma eAccounting. Choose its settings.").waitFor();
    // the codings come from Visma and are matched to the shop's VAT rates by their rate
    expect(await frame.getByLabel("VAT 25%").inputValue()).toBe(account.settings.codings["0.25"]);
    expect(await frame.getByLabel("VAT 12%").inputValue()).toBe(account.settings.codings["0.12"]);
    await screenshot(page, "onboarding-visma-settings");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);
    await frame.getByLabel("Terms of payment for new customers").selectOption(account.settings.termsOfPaymentId);
    await frame.getByRole("button", { name: "Save settings" }).click();
    await frame.getByText("When the app makes a document").waitFor();

    const db = await testDb();
    const connection = await db.connection.findFirstOrThrow({ where: { shopDomain: SHOP } });
    expect(connection.status).toBe("active");
    expect(JSON.parse(connection.settings)).toMatchObject({ baseUrl: visma.url, termsOfPaymentId: account.settings.termsOfPaymentId, unitId: account.settings.unitId, codings: { "0.25": account.settings.codings["0.25"] } });
    expect(connection.encryptedCredentials).not.toContain("access");
  }, 90_000);
});
