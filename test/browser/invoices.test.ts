// The Invoices page in the stand-in admin: the documents with their PDF links, search, and the bulk action
// Send e-mail; no serious or critical accessibility violations.
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";

const SHOP = "browser-invoices.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;

describeWithBrowser("invoices (browser)", () => {
  beforeAll(async () => {
    const db = await testDb();
    await installApp(db, SHOP, "shpat_inv");
    await db.shop.create({ data: { shopDomain: SHOP, verificationStartedAt: new Date("2026-01-01T00:00:00Z"), settings: JSON.stringify({ rules: { bookingConfirmedAt: "2026-02-01T00:00:00Z" } }) } });
    await db.document.createMany({
      data: Array.from({ length: 12 }, (_, i) => ({
        shopDomain: SHOP, orderId: String(2000 + i), orderName: `#${2000 + i}`, kind: "invoice", source: "order", idempotencyKey: `b${i}`, providerType: i % 2 ? "invoicexpress" : "economic",
        state: i === 3 ? "created" : "finalized", number: i === 3 ? null : String(10100 + i), currency: "EUR", totalMinor: BigInt(4990 + i * 100), pdfPath: i === 3 ? null : `documents/${SHOP}/${i}.pdf`, pdfSha256: "x",
        createdAt: new Date(Date.UTC(2026, 10, 20, 8, i)),
      })),
    });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("lists the documents, finds one by its order, and e-mails the selected ones once", async () => {
    const page = await merchantPage(browser);
    let frame = await openAdmin(page, app.url, SHOP, "/app/invoices");
    await frame.getByText("12 document(s)").waitFor();
    expect(await frame.getByRole("link", { name: /^PDF of invoice/ }).count()).toBe(11);
    await screenshot(page, "invoices");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);

    await frame.getByLabel("Search by order").fill("#2005");
    await frame.getByLabel("Search by order").press("Enter");
    await frame.getByText("1 document(s)").waitFor();
    expect(await frame.locator("tbody tr").count()).toBe(1);

    frame = await openAdmin(page, app.url, SHOP, "/app/invoices");
    await frame.getByText("12 document(s)").waitFor();
    await frame.locator("tbody tr").nth(0).getByRole("checkbox").check({ force: true });
    await frame.locator("tbody tr").nth(1).getByRole("checkbox").check({ force: true });
    await frame.getByRole("button", { name: "Send e-mail" }).click();
    await frame.getByText("2 e-mail(s) queued.").waitFor();
    const db = await testDb();
    expect(await db.job.count({ where: { shopDomain: SHOP, type: "document.email" } })).toBe(2);
  });
});
