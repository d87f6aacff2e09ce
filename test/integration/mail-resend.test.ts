// Resend from a staff member, end to end through the queue: one click (one request id) is one e-mail,
// however often it arrives; another click sends again; another shop's document is not reachable.
import fs from "node:fs";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { SmtpSink } from "../simulators/smtp/server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { createMailer } from "../../app/mail/mailer.server";
import { requestResend } from "../../app/mail/request-resend.server";
import { logger } from "../../app/lib/logger.server";

const SHOP = "resend.myshopify.com";
let smtp: SmtpSink;

async function work() {
  const db = await testDb();
  const mail = { mailer: createMailer({ url: smtp.url, logger }), mailFrom: "Shop <shop@resend.example>" };
  const adminClientFor = async () => {
    throw new Error("no Shopify call expected");
  };
  await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor, mail }), pollMs: 10 }).drain();
}

describeWithDb("resending an invoice", () => {
  beforeAll(async () => {
    smtp = new SmtpSink();
    await smtp.start();
  });
  afterAll(() => smtp.close());
  beforeEach(async () => {
    await resetDb();
    smtp.reset();
  });

  async function bookedDocument(shopDomain = SHOP) {
    const db = await testDb();
    const pdf = await PDFDocument.create();
    pdf.addPage().drawText("Invoice 10001", { x: 50, y: 700, font: await pdf.embedFont(StandardFonts.Helvetica) });
    const bytes = await pdf.save();
    const relative = path.join("documents", shopDomain, "resend.pdf");
    fs.mkdirSync(path.dirname(path.join(process.env.DATA_DIR!, relative)), { recursive: true });
    fs.writeFileSync(path.join(process.env.DATA_DIR!, relative), bytes);
    await db.shop.upsert({ where: { shopDomain }, update: {}, create: { shopDomain } });
    return db.document.create({
      data: {
        shopDomain, orderId: "77", orderName: "#1077", kind: "invoice", source: "order", idempotencyKey: `ib:${shopDomain}:77:invoice:order`,
        providerType: "economic", providerRef: "booked:10001", number: "10001", state: "finalized", currency: "DKK", totalMinor: 12500n,
        buyerEmail: "anna@example.dk", buyerName: "Anna Berg", pdfPath: relative, pdfSha256: createHash("sha256").update(bytes).digest("hex"),
      },
    });
  }

  it("one click, delivered three times, sends one e-mail; a second click sends another", async () => {
    const document = await bookedDocument();
    const db = await testDb();
    const clicks = await Promise.all([1, 2, 3].map(() => requestResend(db, { shopDomain: SHOP, documentId: document.id, requestId: "click-0001" })));
    expect(clicks.filter((c) => c.created)).toHaveLength(1);
    await work();
    expect(smtp.messages.map((m) => [m.envelope.to.join(","), m.subject])).toEqual([["anna@example.dk", "Invoice 10001 for your order #1077"]]);
    await requestResend(db, { shopDomain: SHOP, documentId: document.id, requestId: "click-0002", to: "anna.berg@example.dk" });
    await work();
    expect(smtp.messages.map((m) => m.envelope.to.join(","))).toEqual(["anna@example.dk", "anna.berg@example.dk"]);
    expect((await db.emailDelivery.findMany({ orderBy: { createdAt: "asc" } })).map((d) => [d.reason, d.status])).toEqual([
      ["resend:click-0001", "sent"],
      ["resend:click-0002", "sent"],
    ]);
  });

  it("another shop's document, a draft, or a click without an id: refused in words, nothing queued", async () => {
    const document = await bookedDocument("other.myshopify.com");
    const db = await testDb();
    await expect(requestResend(db, { shopDomain: SHOP, documentId: document.id, requestId: "click-0003" })).rejects.toMatchObject({ code: "document_not_found" });
    await db.document.update({ where: { id: document.id }, data: { state: "created" } });
    await expect(requestResend(db, { shopDomain: "other.myshopify.com", documentId: document.id, requestId: "click-0004" })).rejects.toMatchObject({ code: "document_not_booked" });
    await expect(requestResend(db, { shopDomain: "other.myshopify.com", documentId: document.id, requestId: "" })).rejects.toMatchObject({ code: "resend_request_id" });
    expect(await db.job.count()).toBe(0);
  });
});
