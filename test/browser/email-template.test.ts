// The e-mail template page in the stand-in admin: the preview follows the text as it is typed, filled with
// a real recent invoice; an unknown placeholder is refused in words; the settings save; and "send me a test"
// reaches a real SMTP server with the invoice's PDF attached.
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, it } from "vitest";
import type { Browser } from "playwright-core";
import { testDb } from "../helpers/db";
import { describeWithBrowser, expect, installApp, launchBrowser, merchantPage, openAdmin, screenshot, seriousAccessibilityViolations, startApp } from "../helpers/browser";
import { SmtpSink } from "../simulators/smtp/server";
import { readMailSettings } from "../../app/mail/mail-settings";

const SHOP = "browser-mail.myshopify.com";
let app: { url: string; close: () => Promise<void> };
let browser: Browser;
let smtp: SmtpSink;

describeWithBrowser("e-mail template (browser)", () => {
  beforeAll(async () => {
    smtp = new SmtpSink();
    await smtp.start();
    // read by the app when it first loads its environment, in the server started below
    process.env.SMTP_URL = smtp.url;
    process.env.MAIL_FROM = "Invoice Bridge <invoices@app.example>";
    const db = await testDb();
    await installApp(db, SHOP, "shpat_mail");
    await db.shop.create({ data: { shopDomain: SHOP, verificationStartedAt: new Date("2026-01-01T00:00:00Z"), settings: JSON.stringify({ rules: { bookingConfirmedAt: "2026-02-01T00:00:00Z" } }) } });
    const pdf = await PDFDocument.create();
    pdf.addPage().drawText("Invoice 10042", { x: 50, y: 700, font: await pdf.embedFont(StandardFonts.Helvetica) });
    const bytes = await pdf.save();
    const relative = path.join("documents", SHOP, "recent.pdf");
    fs.mkdirSync(path.join(process.env.DATA_DIR!, path.dirname(relative)), { recursive: true });
    fs.writeFileSync(path.join(process.env.DATA_DIR!, relative), bytes);
    await db.document.create({
      data: {
        shopDomain: SHOP, orderId: "42", orderName: "#1042", kind: "invoice", source: "order", idempotencyKey: "m42", providerType: "economic", state: "finalized", number: "10042",
        currency: "DKK", totalMinor: 12500n, buyerName: "Karen Holm", buyerEmail: "karen@example.dk", pdfPath: relative, pdfSha256: createHash("sha256").update(bytes).digest("hex"),
      },
    });
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await smtp?.close();
  });

  it("previews live with a real invoice, refuses an unknown placeholder, saves, and sends a test with the PDF", async () => {
    const page = await merchantPage(browser);
    const frame = await openAdmin(page, app.url, SHOP, "/app/email");
    await expect.poll(() => frame.getByTestId("preview-subject").innerText()).toBe("Invoice 10042 for your order #1042");
    await frame.getByLabel("Subject").fill("Faktura {{invoice_number}} — tak, {{customer_name}}!");
    await expect.poll(() => frame.getByTestId("preview-subject").innerText()).toBe("Faktura 10042 — tak, Karen Holm!");
    await screenshot(page, "email-template");
    expect(await seriousAccessibilityViolations(frame)).toEqual([]);

    await frame.getByLabel("Body").fill("Hej {{customer_name}}, se {{invoice_no}}.");
    await frame.getByRole("button", { name: "Save e-mail settings" }).click();
    await frame.getByText("The e-mail settings were not saved").waitFor();
    await frame.getByLabel("Body").fill("Hej {{customer_name}}, her er faktura {{invoice_number}} for {{order_name}}.");
    await frame.getByLabel("E-mail the invoice to the buyer when it is booked").check({ force: true });
    await frame.getByRole("button", { name: "Save e-mail settings" }).click();
    await frame.getByText("E-mail settings saved.").waitFor();
    const db = await testDb();
    const saved = readMailSettings((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings);
    expect(saved).toMatchObject({ sendOnBooking: true, template: { subject: "Faktura {{invoice_number}} — tak, {{customer_name}}!" } });

    await frame.getByLabel("Send me a test at").fill("owner@browser-mail.example");
    await frame.getByRole("button", { name: "Send me a test" }).click();
    await frame.getByText("A test with invoice 10042 went to owner@browser-mail.example.").waitFor();
    expect(smtp.messages.map((m) => [m.envelope.to.join(","), m.subject])).toEqual([["owner@browser-mail.example", "[Test] Faktura 10042 — tak, Karen Holm!"]]);
    expect(smtp.messages[0].text).toContain("her er faktura 10042 for #1042");
    expect(smtp.messages[0].attachments[0].bytes.subarray(0, 5).toString()).toBe("%PDF-");
  }, 90_000);
});
