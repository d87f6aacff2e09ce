// The buyer's e-mail where the accounting system cannot send it (e-conomic): the order's webhook through
// the real intake and worker, the invoice booked in the e-conomic simulator, its PDF fetched from there,
// and the e-mail received by a real SMTP server, with that PDF attached.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { describeWithPdfText, pdfText } from "../helpers/pdf-text";
import { webhookRequest } from "../helpers/webhooks";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { EconomicSimulator } from "../simulators/economic/server";
import { SmtpSink } from "../simulators/smtp/server";
import { webhookAction } from "../../app/webhooks/webhook-route.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { createMailer } from "../../app/mail/mailer.server";
import { logger } from "../../app/lib/logger.server";

const SHOP = "mailing.myshopify.com";
let shopify: ShopifyAdminSimulator;
let economic: EconomicSimulator;
let smtp: SmtpSink;

async function work() {
  const db = await testDb();
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_mail", apiVersion: "2026-10", timeoutMs: 2000 });
  const mail = { mailer: createMailer({ url: smtp.url, logger }), mailFrom: "Invoice Bridge <invoices@app.example>" };
  const worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor, mail }), pollMs: 10 });
  await worker.drain();
}

describeWithPdfText("the invoice e-mailed to the buyer on booking (e-conomic)", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    economic = new EconomicSimulator();
    smtp = new SmtpSink();
    await Promise.all([shopify.start(), economic.start(), smtp.start()]);
  });
  afterAll(async () => {
    await Promise.all([shopify.close(), economic.close(), smtp.close()]);
  });
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    economic.agreements.clear();
    smtp.reset();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_mail", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    const db = await testDb();
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g" });
    const shop = await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    await db.shop.update({
      where: { id: shop.id },
      data: { settings: JSON.stringify({ ...JSON.parse(shop.settings), mail: { sendOnBooking: true, bcc: "books@mailing.example", replyTo: "Mailing <hello@mailing.example>" } }) },
    });
  });

  it("one e-mail to the buyer, with the number in its subject and e-conomic's PDF of that invoice attached; a second event sends nothing more", async () => {
    const order = shopify.addOrder(SHOP, {
      taxesIncluded: true,
      email: "karen@example.dk",
      billingAddress: { firstName: "Karen", lastName: "Holm", countryCode: "DK" },
      lines: [{ sku: "CUP", title: "Cup", quantity: 2, price: "75.00", taxRate: "0.25" }],
    });
    const deliver = (topic: string, eventId: string) =>
      webhookAction({ request: webhookRequest({ rawBody: JSON.stringify(shopify.restOrderPayload(SHOP, order.id)), shop: SHOP, topic, eventId }), params: {}, context: {} });
    await deliver("orders/paid", "evt-1");
    await work();
    await deliver("orders/updated", "evt-2");
    await work();

    expect(smtp.messages).toHaveLength(1);
    const message = smtp.messages[0];
    expect(message.envelope.to.sort()).toEqual(["books@mailing.example", "karen@example.dk"]);
    expect(message.subject).toBe(`Invoice 10001 for your order ${order.name}`);
    expect(message.text).toContain("Dear Karen Holm");
    expect(message.attachments).toHaveLength(1);
    const [pdf] = message.attachments;
    expect(pdf.filename).toBe("Invoice-10001.pdf");
    expect(pdf.contentType).toBe("application/pdf");
    expect(pdf.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdfText(pdf.bytes)).toContain("Invoice 10001");
    expect(message.bcc).toEqual(["books@mailing.example"]);
    expect(message.replyTo).toEqual(["hello@mailing.example"]);
    const db = await testDb();
    expect(await db.emailDelivery.findFirstOrThrow()).toMatchObject({ reason: "booking", status: "sent", toAddress: "karen@example.dk" });
    expect(await db.document.findFirstOrThrow()).toMatchObject({ emailedTo: "karen@example.dk" });
  });
});
