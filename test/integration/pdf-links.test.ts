// PDFs behind short-lived signed links: the bytes stored at booking, served only with a valid, unexpired
// signature for that very document; a missing or damaged copy is fetched again, never served.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { EconomicSimulator } from "../simulators/economic/server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { syncOrder } from "../../app/invoicing/sync-order.use-case";
import { providerForShop } from "../../app/providers/connections.server";
import { signPdfLink } from "../../app/documents/pdf-links.server";
import { servePdf } from "../../app/documents/serve-pdf.server";
import { logger } from "../../app/lib/logger.server";

const SHOP = "links.myshopify.com";
let shopify: ShopifyAdminSimulator;
let economic: EconomicSimulator;

describeWithDb("signed PDF links", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    economic = new EconomicSimulator();
    await Promise.all([shopify.start(), economic.start()]);
  });
  afterAll(async () => {
    await Promise.all([shopify.close(), economic.close()]);
  });
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    economic.agreements.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_links", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g" });
  });

  async function bookedInvoice() {
    const db = await testDb();
    const order = shopify.addOrder(SHOP, { email: "ole@example.dk", lines: [{ sku: "PEN", title: "Pen", quantity: 3, price: "20.00", taxRate: "0.25" }] });
    await syncOrder(
      { shopDomain: SHOP, orderId: String(order.id), topic: "ORDERS_PAID", payload: {}, jobId: "job", deliveryId: "delivery" },
      {
        db,
        logger,
        adminClientFor: async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_links", apiVersion: "2026-10" }),
        providerFor: providerForShop(db),
        dataDir: process.env.DATA_DIR!,
      },
    );
    return db.document.findFirstOrThrow({ where: { kind: "invoice" } });
  }
  const serve = async (link: string) => {
    const db = await testDb();
    const documentId = decodeURIComponent(/\/documents\/([^/?]+)\.pdf/.exec(link)![1]);
    return servePdf(new Request(`http://127.0.0.1:3000${link}`), documentId, { db, dataDir: process.env.DATA_DIR! });
  };

  it("serves the stored PDF to a valid link, inline and never cached", async () => {
    const document = await bookedInvoice();
    const response = await serve(signPdfLink({ documentId: document.id, audience: "buyer" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("content-disposition")).toBe(`inline; filename="Invoice-${document.number}.pdf"`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(document.pdfSha256);
  });

  it("refuses a tampered link, a link for another document, and an expired one, in words", async () => {
    const document = await bookedInvoice();
    const link = signPdfLink({ documentId: document.id, audience: "buyer" });
    const tampered = link.replace(/signature=(.)/, (_m, c: string) => `signature=${c === "A" ? "B" : "A"}`);
    expect((await serve(tampered)).status).toBe(403);
    const otherDocument = link.replace(`/documents/${document.id}.pdf`, "/documents/someone-elses.pdf");
    expect((await serve(otherDocument)).status).toBe(403);
    const longer = link.replace(/expires=(\d+)/, (_m, t: string) => `expires=${Number(t) + 86_400}`);
    expect((await serve(longer)).status).toBe(403);
    const expired = signPdfLink({ documentId: document.id, audience: "admin", now: new Date(Date.now() - 3_600_000) });
    const answer = await serve(expired);
    expect(answer.status).toBe(410);
    expect(await answer.text()).toBe("This link to the invoice has expired. Open the invoice again from your account or the order to get a new one.");
  });

  it("a missing or damaged stored copy is fetched again from the accounting system, then served", async () => {
    const document = await bookedInvoice();
    const file = path.join(process.env.DATA_DIR!, document.pdfPath!);
    fs.rmSync(file);
    const restored = await serve(signPdfLink({ documentId: document.id, audience: "admin" }));
    expect(restored.status).toBe(200);
    expect(fs.existsSync(file)).toBe(true);
    fs.writeFileSync(file, "%PDF-1.7 tampered");
    const again = await serve(signPdfLink({ documentId: document.id, audience: "admin" }));
    expect(again.status).toBe(200);
    const bytes = Buffer.from(await again.arrayBuffer());
    expect(bytes.toString("latin1")).not.toContain("tampered");
    const row = await (await testDb()).document.findUniqueOrThrow({ where: { id: document.id } });
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(row.pdfSha256);
  });
});
