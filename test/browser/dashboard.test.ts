// The dashboard in the stand-in admin: real session-token authentication, the shop's figures, the
// verification banner, and no serious or critical accessibility violations.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";

const SHOP = "browser-dash.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;

describeWithBrowser("dashboard (browser)", () => {
  beforeAll(async () => {
    const db = await testDb();
    await installApp(db, SHOP, "shpat_browser");
    await db.shop.create({ data: { shopDomain: SHOP, verificationStartedAt: new Date(), settings: JSON.stringify({ rules: { verificationDays: 14 } }) } });
    const invoice = (n: number, kind = "invoice") => ({
      shopDomain: SHOP, orderId: String(n), orderName: `#${n}`, kind, source: kind === "invoice" ? "order" : `refund:${n}`, idempotencyKey: `ib:${SHOP}:${n}:${kind}`,
      providerType: "economic", state: "finalized", number: String(10000 + n), currency: "DKK", totalMinor: 10000n,
    });
    await db.document.createMany({ data: [invoice(1), invoice(2), invoice(3), invoice(4, "creditNote")] });
    const job = await db.job.create({ data: { type: "order.event", shopDomain: SHOP, uniqueKey: "browser-failed", payload: "{}", status: "failed", finishedAt: new Date() } });
    await db.syncLogEntry.create({ data: { shopDomain: SHOP, orderName: "#1005", jobId: job.id, status: "failed", message: "SKU 'MUG-9' does not exist in e-conomic and 'Create missing products' is off." } });
    await db.connection.create({ data: { shopDomain: SHOP, providerType: "economic", encryptedCredentials: "x", status: "paused", statusMessage: "e-conomic refused the app's access. Reconnect e-conomic in the app's settings." } });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("renders the shop's figures, its failure, the paused connection and the verification banner", async () => {
    const page = await merchantPage(browser);
    const frame = await openAdmin(page, app.url, SHOP);
    const text = await frame.locator("body").innerText();
    expect(text).toContain("Verification period: drafts only until");
    expect(text).toMatch(/Invoices today\s+3/);
    expect(text).toMatch(/Credit notes, last 7 days\s+1/);
    expect(text).toContain("1 failed");
    expect(text).toContain("SKU 'MUG-9' does not exist in e-conomic");
    expect(text).toContain("Paused");
    expect(text).toContain("e-conomic refused the app's access.");
    await screenshot(page, "dashboard");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);

    // the Connection page of the paused connection: its words, and no settings to pick from empty lists
    const connection = await openAdmin(page, app.url, SHOP, "/app/connection");
    await connection.getByText("Reconnect e-conomic to change its settings.").waitFor();
    expect(await connection.getByText("Orders wait until you reconnect").count()).toBe(1);
    expect(await connection.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    await screenshot(page, "connection-paused");
    expect(await seriousAccessibilityViolations(connection)).toEqual([]);
  }, 60_000);

  it("refuses the app without a valid session token (no frame, no Shopify)", async () => {
    const answer = await fetch(`${app.url}/app?embedded=1&shop=${SHOP}&id_token=forged`, { headers: { "User-Agent": "Mozilla/5.0 Chrome/156" } });
    expect(answer.status).not.toBe(200);
  });
});
