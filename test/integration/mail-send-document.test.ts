// E-mailing a booked invoice to its buyer: a real SMTP server (the SMTP sink) on loopback, nodemailer,
// a real database (SQLite and PostgreSQL), and a real PDF on disk. Each test asserts on what the server
// received, the EmailDelivery row and the merchant's log.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { PDFDocument, StandardFonts } from "pdf-lib";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { describeWithPdfText, pdfText } from "../helpers/pdf-text";
import { SmtpSink } from "../simulators/smtp/server";
import { createMailer, type Mailer } from "../../app/mail/mailer.server";
import { sendDocumentEmail, type SendDocumentEmailInput } from "../../app/mail/send-document-email.use-case";
import { PdfMissingError } from "../../app/mail/document-pdf";
import { AppError, PermanentError, RetryableError } from "../../app/lib/errors";

const SHOP = "loja-da-ana.myshopify.com";
const BUYER = "ana@example.pt";
const SMTP_USER = "ib-mailer";
const SMTP_PASSWORD = "Sup3r-s3cret-SMTP-pa55word";
const APP_FROM = "Invoice Bridge <invoices@invoice-bridge.test>";
const dataDir = () => process.env.DATA_DIR!;

let sink: SmtpSink;
let mailer: Mailer;
let processLog: string[];

async function invoicePdf(number: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  page.drawText(`Invoice ${number}`, { x: 50, y: 780, size: 20, font });
  page.drawText("Total 125.00 EUR", { x: 50, y: 740, size: 12, font });
  return pdf.save();
}

/** A booked invoice with its PDF stored as issue-document stores it (under the data folder, with its hash). */
async function seedInvoice(overrides: Partial<{ number: string; buyerEmail: string | null; state: string; orderId: string }> = {}) {
  const db = await testDb();
  const number = overrides.number ?? "10001";
  const orderId = overrides.orderId ?? "820982911946154508";
  const document = await db.document.create({
    data: {
      shopDomain: SHOP,
      orderId,
      orderName: "#1001",
      kind: "invoice",
      source: "order",
      idempotencyKey: `ib:${SHOP}:${orderId}:invoice:order`,
      providerType: "economic",
      providerRef: `booked:${number}`,
      number,
      state: overrides.state ?? "finalized",
      currency: "EUR",
      totalMinor: 12500n,
      dueDate: new Date("2026-12-21T00:00:00Z"),
      buyerEmail: overrides.buyerEmail === undefined ? BUYER : overrides.buyerEmail,
      buyerName: "Ana Silva",
    },
  });
  const bytes = await invoicePdf(number);
  const relative = path.join("documents", SHOP, `${document.id}.pdf`);
  fs.mkdirSync(path.dirname(path.join(dataDir(), relative)), { recursive: true });
  fs.writeFileSync(path.join(dataDir(), relative), bytes);
  await db.document.update({ where: { id: document.id }, data: { pdfPath: relative, pdfSha256: createHash("sha256").update(bytes).digest("hex") } });
  return { id: document.id, file: path.join(dataDir(), relative) };
}

async function setMailSettings(mail: Record<string, unknown>) {
  const db = await testDb();
  await db.shop.update({ where: { shopDomain: SHOP }, data: { settings: JSON.stringify({ rules: { trigger: "paid" }, mail }) } });
}

async function send(input: Partial<SendDocumentEmailInput> & { documentId: string }, deps: { mailer?: Mailer; now?: () => Date } = {}) {
  return sendDocumentEmail(
    { shopDomain: SHOP, reason: "booking", ...input },
    { db: await testDb(), mailer: deps.mailer ?? mailer, dataDir: dataDir(), mailFrom: APP_FROM, now: deps.now },
  );
}

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function logEntries() {
  const db = await testDb();
  return db.syncLogEntry.findMany({ where: { shopDomain: SHOP }, orderBy: { createdAt: "asc" } });
}

async function deliveries() {
  const db = await testDb();
  return db.emailDelivery.findMany({ orderBy: { createdAt: "asc" } });
}

function captureLogger() {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      processLog.push(chunk.toString("utf8"));
      done();
    },
  });
  return pino({ level: "debug" }, stream);
}

describeWithDb("e-mailing a booked invoice to the buyer over SMTP", () => {
  beforeAll(async () => {
    sink = new SmtpSink();
    await sink.start();
    processLog = [];
    mailer = createMailer({ url: sink.urlWithLogin(SMTP_USER, SMTP_PASSWORD), logger: captureLogger(), socketTimeoutMs: 3000 });
  });
  afterAll(() => sink.close());
  beforeEach(async () => {
    await resetDb();
    sink.reset();
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: SHOP, settings: JSON.stringify({ mail: { sendOnBooking: true } }) } });
  });

  describeWithPdfText("what the buyer receives", () => {
    it("sends the invoice from the shop's template with the PDF attached and a blind copy to the shop", async () => {
      // GIVEN a shop with its own sender, reply address, archive copy and Portuguese template
      await setMailSettings({
        from: "Loja da Ana <faturas@loja-da-ana.pt>",
        replyTo: "ola@loja-da-ana.pt",
        bcc: "arquivo@loja-da-ana.pt",
        sendOnBooking: true,
        template: {
          subject: "Fatura {{invoice_number}} da encomenda {{order_name}}",
          body: "Olá {{customer_name}},\n\nSegue a fatura {{invoice_number}} da encomenda {{order_name}}, a pagar até {{due_date}}.\n\n{{shop_name}}",
        },
      });
      const invoice = await seedInvoice();

      // WHEN the booked invoice is e-mailed
      const result = await send({ documentId: invoice.id, reason: "booking" });

      // THEN the SMTP server received one message for the buyer, with a blind copy for the shop
      expect(result).toMatchObject({ status: "sent", to: BUYER });
      expect(sink.messages).toHaveLength(1);
      const [message] = sink.messages;
      expect(message.envelope).toEqual({ from: "faturas@loja-da-ana.pt", to: [BUYER, "arquivo@loja-da-ana.pt"] });
      expect(message.to).toEqual([BUYER]);
      expect(message.bcc).toEqual(["arquivo@loja-da-ana.pt"]);
      expect(message.from).toBe("faturas@loja-da-ana.pt");
      expect(message.replyTo).toEqual(["ola@loja-da-ana.pt"]);
      expect(message.username).toBe(SMTP_USER);
      expect(message.subject).toBe("Fatura 10001 da encomenda #1001");
      expect(message.text.trimEnd()).toBe("Olá Ana Silva,\n\nSegue a fatura 10001 da encomenda #1001, a pagar até 2026-12-21.\n\nLoja da Ana");
      // AND the attachment is the invoice's PDF, with the invoice number inside
      expect(message.attachments).toHaveLength(1);
      const [attachment] = message.attachments;
      expect(attachment).toMatchObject({ filename: "Invoice-10001.pdf", contentType: "application/pdf" });
      expect(attachment.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(attachment.bytes.equals(fs.readFileSync(invoice.file))).toBe(true);
      expect(pdfText(attachment.bytes)).toContain("Invoice 10001");
      // AND the delivery, the document and the merchant's log say so
      const [delivery] = await deliveries();
      expect(delivery).toMatchObject({ reason: "booking", status: "sent", toAddress: BUYER, bcc: "arquivo@loja-da-ana.pt", subject: message.subject, error: null });
      expect(delivery.messageId).toBe(message.messageId);
      expect(delivery.sentAt).toBeInstanceOf(Date);
      const db = await testDb();
      expect(await db.document.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ emailedTo: BUYER, emailedAt: delivery.sentAt });
      const [entry] = await logEntries();
      expect(entry).toMatchObject({ status: "done", documentId: invoice.id, orderName: "#1001" });
      expect(entry.message).toBe("Invoice 10001 e-mailed to ana@example.pt (order #1001). A copy went to arquivo@loja-da-ana.pt.");
    });
  });

  it("uses the default template and the app's sender when the shop has set neither", async () => {
    // GIVEN a shop without mail settings
    await setMailSettings({});
    const invoice = await seedInvoice();

    // WHEN staff resend the invoice
    await send({ documentId: invoice.id, reason: "resend:req-1" });

    // THEN it comes from MAIL_FROM, with the default wording and no blind copy
    const [message] = sink.messages;
    expect(message.from).toBe("invoices@invoice-bridge.test");
    expect(message.bcc).toEqual([]);
    expect(message.subject).toBe("Invoice 10001 for your order #1001");
    expect(message.text.trimEnd()).toBe(
      "Dear Ana Silva,\n\nThank you for your order #1001. Your invoice 10001 is attached; it is due on 2026-12-21.\n\nKind regards,\nloja-da-ana",
    );
  });

  it("sends one e-mail for one resend click, even when the request arrives twice or twice at once", async () => {
    // GIVEN a booked invoice
    const invoice = await seedInvoice();

    // WHEN the same resend request is handled three times, two of them at the same moment
    const [first, second] = await Promise.all([send({ documentId: invoice.id, reason: "resend:click-7" }), send({ documentId: invoice.id, reason: "resend:click-7" })]);
    const third = await send({ documentId: invoice.id, reason: "resend:click-7" });

    // THEN the buyer got one message, and the repeats say it was already sent
    expect(sink.messages).toHaveLength(1);
    // (the one that lost the race finds the claim taken, sent or still sending)
    expect([first, second].filter((r) => r.status === "sent")).toHaveLength(1);
    expect([first, second].filter((r) => r.status !== "sent").map((r) => r.status)).toEqual([expect.stringMatching(/^(already-sent|in-progress)$/)]);
    expect(third).toMatchObject({ status: "already-sent", to: BUYER });
    expect(await deliveries()).toHaveLength(1);
    expect((await logEntries()).filter((e) => e.status === "done")).toHaveLength(1);
  });

  it("sends again for booking and for a later resend with another request id", async () => {
    // GIVEN an invoice e-mailed on booking
    const invoice = await seedInvoice();
    await send({ documentId: invoice.id, reason: "booking" });

    // WHEN staff resend it (another click) and the booking job runs again
    const resent = await send({ documentId: invoice.id, reason: "resend:click-8" });
    const bookingAgain = await send({ documentId: invoice.id, reason: "booking" });

    // THEN the buyer has two messages: the booking's and the resend's
    expect(resent.status).toBe("sent");
    expect(bookingAgain.status).toBe("already-sent");
    expect(sink.messagesTo(BUYER)).toHaveLength(2);
    expect((await deliveries()).map((d) => [d.reason, d.status])).toEqual([
      ["booking", "sent"],
      ["resend:click-8", "sent"],
    ]);
  });

  it("sends nothing on booking while the shop has not turned on sending on booking", async () => {
    // GIVEN a shop that did not turn on sending on booking
    await setMailSettings({ bcc: "arquivo@loja-da-ana.pt" });
    const invoice = await seedInvoice();

    // WHEN the invoice is booked, and later resent by staff
    const booked = await send({ documentId: invoice.id, reason: "booking" });
    const resent = await send({ documentId: invoice.id, reason: "resend:click-1" });

    // THEN only the resend went out
    expect(booked).toEqual({ status: "not-enabled" });
    expect(resent.status).toBe("sent");
    expect(sink.messages).toHaveLength(1);
  });

  it("does not e-mail on booking what the accounting system has already e-mailed", async () => {
    // GIVEN an invoice that InvoicExpress e-mailed when it was booked
    const invoice = await seedInvoice();
    const db = await testDb();
    await db.document.update({ where: { id: invoice.id }, data: { emailedAt: new Date(), emailedTo: BUYER } });

    // WHEN the booking e-mail runs
    const result = await send({ documentId: invoice.id, reason: "booking" });

    // THEN nothing is sent a second time
    expect(result).toEqual({ status: "already-sent", deliveryId: null, to: BUYER });
    expect(sink.messages).toHaveLength(0);
  });

  it("records a hard bounce with the server's reason and does not try that reason again", async () => {
    // GIVEN a buyer address the receiving server does not know
    const invoice = await seedInvoice({ buyerEmail: "x@y.example" });
    sink.failRecipient("x@y.example", { kind: "bounce" });

    // WHEN the invoice is e-mailed
    const error = await failureOf(send({ documentId: invoice.id, reason: "booking" }));

    // THEN it fails for good, in words, with the server's own reply
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe("mail_bounced");
    expect(error.merchantMessage).toBe(
      "The e-mail of invoice 10001 to x@y.example was refused: 550 5.1.1 <x@y.example>: Recipient address rejected: User unknown. Check the buyer's address, then resend.",
    );
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({ status: "bounced", toAddress: "x@y.example", sentAt: null });
    expect(delivery.error).toContain("550 5.1.1");
    const [entry] = await logEntries();
    expect(entry).toMatchObject({ status: "failed", message: error.merchantMessage, documentId: invoice.id });
    expect(JSON.parse(entry.detail!)).toMatchObject({ code: "mail_bounced", smtp: { command: "RCPT TO", responseCode: 550 } });
    expect(sink.messages).toHaveLength(0);

    // AND the same job again does not knock on the server a second time
    const again = await send({ documentId: invoice.id, reason: "booking" });
    expect(again).toMatchObject({ status: "already-bounced", to: "x@y.example" });
    expect(sink.rcptAttempts).toHaveLength(1);

    // AND a resend to the corrected address goes out
    const fixed = await send({ documentId: invoice.id, reason: "resend:fix-1", to: "ana@example.pt" });
    expect(fixed.status).toBe("sent");
    expect(sink.messagesTo("ana@example.pt")).toHaveLength(1);
  });

  it("treats a buyer refused while the shop's copy was taken as a bounce", async () => {
    // GIVEN a shop with a blind copy, and a buyer address that bounces
    await setMailSettings({ sendOnBooking: true, bcc: "arquivo@loja-da-ana.pt" });
    const invoice = await seedInvoice({ buyerEmail: "gone@y.example" });
    sink.failRecipient("gone@y.example", { kind: "bounce" });

    // WHEN the invoice is e-mailed
    const error = await failureOf(send({ documentId: invoice.id }));

    // THEN the buyer's refusal decides, although the server took the shop's copy
    expect(error.code).toBe("mail_bounced");
    expect(error.merchantMessage).toContain("550 5.1.1 <gone@y.example>: Recipient address rejected: User unknown");
    expect(sink.messagesTo("arquivo@loja-da-ana.pt")).toHaveLength(1);
    expect(sink.messagesTo("gone@y.example")).toHaveLength(0);
    expect((await deliveries())[0].status).toBe("bounced");
  });

  it("still sends to the buyer when only the shop's copy is refused, and says so", async () => {
    // GIVEN a blind-copy address the server refuses
    await setMailSettings({ sendOnBooking: true, bcc: "full@loja-da-ana.pt" });
    const invoice = await seedInvoice();
    sink.failRecipient("full@loja-da-ana.pt", { kind: "bounce", code: 552, reply: "5.2.2 Mailbox full" });

    // WHEN the invoice is e-mailed
    const result = await send({ documentId: invoice.id });

    // THEN the buyer has it, and the log names the refused copy
    expect(result.status).toBe("sent");
    expect(sink.messagesTo(BUYER)).toHaveLength(1);
    const [entry] = await logEntries();
    expect(entry.message).toBe("Invoice 10001 e-mailed to ana@example.pt (order #1001). The shop's copy to full@loja-da-ana.pt was refused: 552 5.2.2 Mailbox full.");
  });

  it("gives the claim back after a 421, so that the retry sends exactly one message", async () => {
    // GIVEN a server that is busy for one attempt
    const invoice = await seedInvoice();
    sink.failRecipient(BUYER, { kind: "temporary", code: 421, times: 1 });

    // WHEN the invoice is e-mailed, and the job is retried
    const error = await failureOf(send({ documentId: invoice.id, reason: "booking" }));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.merchantMessage).toBe(
      'The e-mail of invoice 10001 to ana@example.pt could not be sent yet: the mail server answered "421 4.7.0 Try again later, closing connection". It will be sent again automatically.',
    );
    expect((await deliveries())[0]).toMatchObject({ status: "failed" });
    expect(sink.messages).toHaveLength(0);
    const retried = await send({ documentId: invoice.id, reason: "booking" });
    const afterwards = await send({ documentId: invoice.id, reason: "booking" });

    // THEN exactly one message arrived, on the retry
    expect(retried.status).toBe("sent");
    expect(afterwards.status).toBe("already-sent");
    expect(sink.messages).toHaveLength(1);
    const rows = await deliveries();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "sent", error: null });
    expect((await logEntries()).map((e) => e.status)).toEqual(["retrying", "done"]);
  });

  it.each([
    ["451 at RCPT", { kind: "temporary", code: 451 } as const],
    ["a dropped connection", { kind: "disconnect" } as const],
    ["a 451 at the end of DATA", { kind: "temporary", code: 451, at: "data" } as const],
  ])("retries after %s, and then sends", async (_name, fault) => {
    // GIVEN a server that fails once this way
    const invoice = await seedInvoice();
    sink.failRecipient(BUYER, { ...fault, times: 1 });

    // WHEN the invoice is e-mailed twice
    const error = await failureOf(send({ documentId: invoice.id }));
    const retried = await send({ documentId: invoice.id });

    // THEN the first is retryable and the second delivers one message
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe("mail_temporarily_failed");
    expect(retried.status).toBe("sent");
    expect(sink.messages).toHaveLength(1);
  });

  it("records a message refused at the end of DATA as a bounce", async () => {
    // GIVEN a receiving server that refuses the message itself once it has read it
    const invoice = await seedInvoice();
    sink.failRecipient(BUYER, { kind: "bounce", at: "data", code: 554, reply: "5.7.1 Message rejected as spam" });

    // WHEN the invoice is e-mailed
    const error = await failureOf(send({ documentId: invoice.id }));

    // THEN it is a bounce with the server's reason, and nothing was kept
    expect(error.code).toBe("mail_bounced");
    expect(error.merchantMessage).toContain("was refused: 554 5.7.1 Message rejected as spam.");
    expect((await deliveries())[0].status).toBe("bounced");
    expect(sink.messages).toHaveLength(0);
  });

  it("retries when the SMTP server stops answering", async () => {
    // GIVEN a server that goes silent at RCPT, and a transport that waits half a second
    const invoice = await seedInvoice();
    sink.failRecipient(BUYER, { kind: "stall", times: 1 });
    const impatient = createMailer({ url: sink.url, logger: captureLogger(), socketTimeoutMs: 500 });

    // WHEN the invoice is e-mailed
    const error = await failureOf(send({ documentId: invoice.id }, { mailer: impatient }));

    // THEN the timeout is retryable, in words, and the retry sends
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.merchantMessage).toBe(
      "The e-mail of invoice 10001 to ana@example.pt could not be sent yet: the mail server did not answer in time. It will be sent again automatically.",
    );
    expect((await send({ documentId: invoice.id }, { mailer: impatient })).status).toBe("sent");
    expect(sink.messages).toHaveLength(1);
  });

  it("retries when the SMTP server cannot be reached", async () => {
    // GIVEN an SMTP URL where nothing listens
    const closed = new SmtpSink();
    await closed.start();
    const url = closed.urlWithLogin(SMTP_USER, SMTP_PASSWORD);
    await closed.close();
    const unreachable = createMailer({ url, logger: captureLogger(), connectionTimeoutMs: 2000 });
    const invoice = await seedInvoice();

    // WHEN the invoice is e-mailed
    const error = await failureOf(send({ documentId: invoice.id }, { mailer: unreachable }));

    // THEN it is retryable, in words, and the claim is free for the retry
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.merchantMessage).toBe(
      "The e-mail of invoice 10001 to ana@example.pt could not be sent yet: the mail server could not be reached. It will be sent again automatically.",
    );
    expect((await deliveries())[0].status).toBe("failed");
    expect((await send({ documentId: invoice.id })).status).toBe("sent");
  });

  it.each([
    ["missing", (file: string) => fs.rmSync(file)],
    ["damaged", (file: string) => fs.appendFileSync(file, "tampered")],
  ] as const)("refuses to send when the stored PDF is %s", async (problem, spoil) => {
    // GIVEN an invoice whose stored PDF is gone or altered
    const invoice = await seedInvoice();
    spoil(invoice.file);

    // WHEN it is e-mailed
    const error = await failureOf(send({ documentId: invoice.id }));

    // THEN the caller learns that the PDF must be fetched again, and nothing was sent or claimed
    expect(error).toBeInstanceOf(PdfMissingError);
    expect(error).toMatchObject({ code: "pdf_missing", problem, documentId: invoice.id });
    expect(error.merchantMessage).toBe(
      `The stored PDF of invoice 10001 is ${problem}, so it was not e-mailed. Fetch the PDF again from the accounting system (Retry), then send the e-mail.`,
    );
    expect(sink.rcptAttempts).toHaveLength(0);
    expect(await deliveries()).toHaveLength(0);
    expect((await logEntries()).map((e) => [e.status, e.message])).toEqual([["failed", error.merchantMessage]]);
  });

  it("says clearly that the order has no e-mail address, and sends nothing", async () => {
    // GIVEN an order without an e-mail address
    const invoice = await seedInvoice({ buyerEmail: null });

    // WHEN the invoice is e-mailed
    const error = await failureOf(send({ documentId: invoice.id }));

    // THEN nothing is sent or claimed, and the merchant reads what to do
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe("no_buyer_email");
    expect(error.merchantMessage).toBe("The order has no e-mail address, so invoice 10001 (order #1001) was not e-mailed. Enter the buyer's address and resend.");
    expect(sink.rcptAttempts).toHaveLength(0);
    expect(await deliveries()).toHaveLength(0);

    // AND a resend with an address entered by staff goes out
    expect((await send({ documentId: invoice.id, reason: "resend:with-address", to: "ana.silva@example.pt" })).status).toBe("sent");
    expect(sink.messagesTo("ana.silva@example.pt")).toHaveLength(1);
  });

  it("e-mails nothing for an invoice that is not booked yet", async () => {
    // GIVEN a draft
    const invoice = await seedInvoice({ state: "created" });

    // WHEN it is e-mailed
    const error = await failureOf(send({ documentId: invoice.id }));

    // THEN it is refused in words
    expect(error.code).toBe("document_not_booked");
    expect(error.merchantMessage).toBe("Order #1001 has no booked invoice yet, so there is nothing to e-mail. Book it first, then send it.");
    expect(sink.rcptAttempts).toHaveLength(0);
  });

  it("reports a claim left by an attempt that stopped while sending instead of sending again", async () => {
    // GIVEN a claim an hour old that never got its outcome (the process died mid-send)
    const invoice = await seedInvoice();
    const db = await testDb();
    const now = new Date("2026-11-21T12:00:00Z");
    await db.emailDelivery.create({
      data: { shopDomain: SHOP, documentId: invoice.id, reason: "booking", toAddress: BUYER, status: "claimed", createdAt: new Date(now.getTime() - 3_600_000) },
    });

    // WHEN the booking e-mail runs again
    const result = await send({ documentId: invoice.id, reason: "booking" }, { now: () => now });

    // THEN nothing is sent, and the merchant is told the outcome is unknown
    expect(result).toMatchObject({ status: "in-progress", to: BUYER });
    expect(sink.rcptAttempts).toHaveLength(0);
    const [entry] = await logEntries();
    expect(entry).toMatchObject({ status: "failed" });
    expect(entry.message).toBe("It is not known whether invoice 10001 reached ana@example.pt: an earlier attempt stopped while sending it. Ask the buyer, or resend it.");
  });

  it("never lets the SMTP password reach the merchant's log, the delivery rows or the process log", async () => {
    // GIVEN outcomes of every kind: a delivery, a bounce, a 421, a refused login
    const sent = await seedInvoice({ number: "10001", orderId: "1" });
    const bounced = await seedInvoice({ number: "10002", orderId: "2", buyerEmail: "x@y.example" });
    const busy = await seedInvoice({ number: "10003", orderId: "3" });
    const login = await seedInvoice({ number: "10004", orderId: "4" });
    sink.failRecipient("x@y.example", { kind: "bounce" });

    // WHEN each is e-mailed
    await send({ documentId: sent.id });
    const errors = [await failureOf(send({ documentId: bounced.id }))];
    sink.failRecipient(BUYER, { kind: "temporary", code: 421, times: 1 });
    errors.push(await failureOf(send({ documentId: busy.id })));
    sink.refuseLogins = true;
    errors.push(await failureOf(send({ documentId: login.id })));

    // THEN the outcomes were logged, and the password appears nowhere
    expect(errors.map((e) => e.code)).toEqual(["mail_bounced", "mail_temporarily_failed", "mail_login_refused"]);
    expect(errors[2].merchantMessage).toContain("the app's mail server refused its login (535 5.7.8 Authentication credentials invalid)");
    const db = await testDb();
    const rows = [...(await db.syncLogEntry.findMany()), ...(await db.emailDelivery.findMany())];
    expect(rows).toHaveLength(4 + 4);
    const everything = JSON.stringify([rows, errors.map((e) => [e.message, e.merchantMessage])]);
    expect(everything).not.toContain(SMTP_PASSWORD);
    expect(everything).not.toContain(encodeURIComponent(SMTP_PASSWORD));
    // AND the process log names the server by its host only
    expect(processLog.join("")).toContain(`smtp://127.0.0.1:`);
    expect(processLog.join("")).not.toContain(SMTP_PASSWORD);
    expect(processLog.join("")).not.toContain(SMTP_USER);
  });
});
