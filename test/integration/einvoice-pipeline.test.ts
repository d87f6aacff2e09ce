// E-invoices through the app: a B2B order's webhook through the real intake and worker, the shop's own
// invoice booked, its Factur-X PDF and UBL file stored, both judged by the official EN 16931 rules, and the
// e-mail a real SMTP server receives carrying both. A document that cannot be an e-invoice (KWD) keeps its
// plain PDF, and the sync log says why.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { webhookRequest } from "../helpers/webhooks";
import { describeAsserts, validateEn16931 } from "../helpers/en16931-rules";
import { embeddedFiles } from "../helpers/pdf-attachments";
import { seedOwnInvoiceShop } from "../helpers/provider-shops";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { SmtpSink } from "../simulators/smtp/server";
import { webhookAction } from "../../app/webhooks/webhook-route.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { createMailer } from "../../app/mail/mailer.server";
import { logger } from "../../app/lib/logger.server";
import { toMinor } from "../../app/lib/money";
import { signPdfLink } from "../../app/documents/pdf-links.server";
import { serveEInvoice } from "../../app/documents/serve-pdf.server";

const SHOP = "e-faktura.myshopify.com";
let shopify: ShopifyAdminSimulator;
let smtp: SmtpSink;

async function work() {
  const db = await testDb();
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_ef", apiVersion: "2026-10", timeoutMs: 2000 });
  const mail = { mailer: createMailer({ url: smtp.url, logger }), mailFrom: "Egen Butik <faktura@egen.example>" };
  const worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor, mail }), pollMs: 10 });
  await worker.drain();
}

const serveXml = async (link: string) => {
  const documentId = decodeURIComponent(/\/documents\/([^/?]+)\.xml/.exec(link)![1]);
  return serveEInvoice(new Request(`http://127.0.0.1:3000${link}`), documentId, { db: await testDb(), dataDir: process.env.DATA_DIR! });
};

const first = (xml: string, element: string) => new RegExp(`<${element}[^>]*>([^<]*)</${element}>`).exec(xml)?.[1];

describeWithDb("e-invoices of the shop's own invoices, through the app", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    smtp = new SmtpSink();
    await Promise.all([shopify.start(), smtp.start()]);
  });
  afterAll(async () => {
    await Promise.all([shopify.close(), smtp.close()]);
  });

  async function seed(currency: string, mode: "facturx" | "facturx-ubl") {
    await resetDb();
    shopify.shops.clear();
    smtp.reset();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_ef", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency });
    const db = await testDb();
    await seedOwnInvoiceShop(db, {
      shopDomain: SHOP,
      shopSettings: { mail: { sendOnBooking: true } },
      settings: {
        seller: { name: "Egen Butik ApS", addressLines: ["Vestergade 3", "8000 Aarhus C"], countryCode: "DK", vatId: "DK11223344", email: "faktura@egen.example" },
        invoicePrefix: "F2026-",
        einvoice: { mode, street: "Vestergade 3", postcode: "8000", city: "Aarhus C" },
      },
    });
    return db;
  }

  const order = (currency: string) =>
    shopify.addOrder(SHOP, {
      currency,
      email: "indkob@nordic-cafes.dk",
      poNumber: "PO-2026-118",
      company: { id: 41, name: "Nordic Cafés ApS", locationId: 42, locationName: "Aarhus", vatId: "DK99887766" },
      billingAddress: { firstName: "Mette", lastName: "Holm", company: "Nordic Cafés ApS", address1: "Åboulevarden 3", city: "Aarhus C", zip: "8000", countryCode: "DK" },
      lines: [
        { sku: "BØNNER", title: "Kaffebønner 1 kg", quantity: 4, price: currency === "KWD" ? "6.125" : "189.00", taxRate: "0.25" },
        { sku: "FILTER", title: "Filtre", quantity: 2, price: currency === "KWD" ? "0.750" : "24.50", taxRate: "0.25" },
      ],
    });

  const deliver = (orderId: number, topic = "orders/paid", eventId = "evt-1") =>
    webhookAction({ request: webhookRequest({ rawBody: JSON.stringify(shopify.restOrderPayload(SHOP, orderId)), shop: SHOP, topic, eventId }), params: {}, context: {} });

  it("stores the Factur-X PDF and the UBL file, both valid, and e-mails both to the buyer once", async () => {
    const db = await seed("DKK", "facturx-ubl");
    const placed = order("DKK");
    await deliver(placed.id);
    await work();
    await deliver(placed.id, "orders/updated", "evt-2");
    await work();

    const document = await db.document.findFirstOrThrow();
    expect(document).toMatchObject({ state: "finalized", number: "F2026-1", totalMinor: 100625n });
    const pdf = fs.readFileSync(path.join(process.env.DATA_DIR!, document.pdfPath!));
    const [xml] = await embeddedFiles(pdf);
    expect(xml.name).toBe("factur-x.xml");
    const cii = xml.bytes.toString("utf8");
    expect(validateEn16931(cii, "cii").fatal.map((a) => a.id)).toEqual([]);
    const ubl = fs.readFileSync(path.join(process.env.DATA_DIR!, document.einvoicePath!), "utf8");
    const report = validateEn16931(ubl, "ubl");
    expect(report.fatal, describeAsserts(report.fatal)).toEqual([]);
    expect(first(ubl, "cbc:ID")).toBe("F2026-1");
    expect(toMinor(first(ubl, "cbc:PayableAmount")!, "DKK")).toBe(100625n);
    expect(toMinor(first(cii, "ram:DuePayableAmount")!, "DKK")).toBe(100625n);
    expect(ubl).toContain("<cbc:CompanyID>DK99887766</cbc:CompanyID>");
    // The order's PO number from Shopify is the buyer's reference
    expect(first(ubl, "cbc:BuyerReference")).toBe("PO-2026-118");
    expect(first(cii, "ram:BuyerReference")).toBe("PO-2026-118");

    expect(smtp.messages).toHaveLength(1);
    const attachments = smtp.messages[0].attachments.map((a) => [a.filename, a.contentType]);
    expect(attachments).toEqual([
      ["Invoice-F2026-1.pdf", "application/pdf"],
      ["Invoice-F2026-1.xml", "application/xml"],
    ]);
    expect(smtp.messages[0].attachments[0].bytes.equals(pdf)).toBe(true);
    expect(smtp.messages[0].attachments[1].bytes.toString("utf8")).toBe(ubl);

    // The signed link serves the same XML as a download; a tampered link gets nothing; a damaged file is said so.
    const link = signPdfLink({ documentId: document.id, audience: "buyer", format: "xml" });
    const answer = await serveXml(link);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    expect(answer.headers.get("content-disposition")).toBe('attachment; filename="Invoice-F2026-1.xml"');
    expect(await answer.text()).toBe(ubl);
    expect((await serveXml(link.replace(/signature=(.)/, (_m, c: string) => `signature=${c === "A" ? "B" : "A"}`))).status).toBe(403);
    fs.writeFileSync(path.join(process.env.DATA_DIR!, document.einvoicePath!), ubl.replace("F2026-1", "F2026-9"));
    const damaged = await serveXml(link);
    expect([damaged.status, await damaged.text()]).toEqual([503, "The e-invoice of this invoice is not available right now. The PDF invoice carries the same e-invoice inside it."]);
  }, 60_000);

  it("GIVEN a KWD order THEN the PDF invoice is issued and e-mailed as before, no e-invoice is made, and the log says why", async () => {
    const db = await seed("KWD", "facturx-ubl");
    const placed = order("KWD");
    await deliver(placed.id);
    await work();

    const document = await db.document.findFirstOrThrow();
    expect(document).toMatchObject({ state: "finalized", number: "F2026-1", einvoicePath: null });
    const pdf = fs.readFileSync(path.join(process.env.DATA_DIR!, document.pdfPath!));
    expect(await embeddedFiles(pdf)).toEqual([]);
    const entry = await db.syncLogEntry.findFirstOrThrow({ where: { message: { startsWith: "E-invoice not made" } } });
    expect(entry).toMatchObject({
      status: "skipped",
      orderName: placed.name,
      message: "E-invoice not made for F2026-1: EN 16931 allows at most 2 decimals in amounts, and KWD has 3. The PDF invoice was issued as usual.",
    });
    expect(smtp.messages.map((m) => m.attachments.map((a) => a.filename))).toEqual([["Invoice-F2026-1.pdf"]]);
    const none = await serveXml(signPdfLink({ documentId: document.id, audience: "buyer", format: "xml" }));
    expect([none.status, await none.text()]).toEqual([404, "This invoice has no e-invoice (XML) file."]);
  }, 60_000);
});
