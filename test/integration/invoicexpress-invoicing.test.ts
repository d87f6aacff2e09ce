// Order to finalized, e-mailed invoice on InvoicExpress: both simulators over HTTP, a real database.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { orderSync } from "../helpers/sync";
import { seedInvoicExpressShop } from "../helpers/provider-shops";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { InvoicExpressSimulator } from "../simulators/invoicexpress/server";
import { idempotencyKey } from "../../app/invoicing/issue-document.use-case";
import { shortReference } from "../../app/providers/provider";
import { RetryableError } from "../../app/lib/errors";

const SHOP = "loja.myshopify.com";
const ACCOUNT = "loja";
const API_KEY = "ix-api-key-0123456789";
let shopify: ShopifyAdminSimulator;
let ix: InvoicExpressSimulator;

const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_loja" });

const account = () => ix.accounts.get(ACCOUNT)!;
const documents = () => [...account().documents.values()].filter((d) => d.status !== "deleted");

describeWithDb("order to invoice on InvoicExpress", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    ix = new InvoicExpressSimulator();
    await shopify.start();
    await ix.start();
  });
  afterAll(async () => {
    await shopify.close();
    await ix.close();
  });
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    shopify.faults.clear();
    ix.accounts.clear();
    ix.faults.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_loja", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "EUR" });
    ix.addAccount({ name: ACCOUNT, apiKey: API_KEY });
    await seedInvoicExpressShop(await testDb(), { shopDomain: SHOP, accountUrl: ix.accountUrl(ACCOUNT), accountName: ACCOUNT, apiKey: API_KEY });
  });

  const newOrder = (overrides: { lines?: Parameters<ShopifyAdminSimulator["addOrder"]>[1]["lines"] } = {}) => {
    const customer = shopify.addCustomer(SHOP, { email: "ana.sousa@example.pt", firstName: "Ana", lastName: "Sousa" });
    return shopify.addOrder(SHOP, {
      customerId: customer.id,
      taxesIncluded: true,
      billingAddress: { firstName: "Ana", lastName: "Sousa", address1: "Rua Augusta 12", city: "Lisboa", zip: "1100-053", countryCode: "PT" },
      lines: overrides.lines ?? [
        { sku: "AZUL-01", title: "Azulejo, azul", quantity: 3, price: "12.90", taxRate: "0.23", discount: "3.00" },
        { sku: "LIVRO", title: "Livro de receitas", quantity: 1, price: "18.50", taxRate: "0.06" },
      ],
      shipping: [{ title: "CTT", price: "4.95", taxRate: "0.23" }],
    });
  };

  it("finalizes one invoice with Shopify's total, dated DD/MM/YYYY and due in 30 days, and InvoicExpress e-mails it", async () => {
    const order = newOrder();
    await sync(order.id);
    const db = await testDb();
    const [invoice] = documents();
    expect(documents()).toHaveLength(1);
    // the document as InvoicExpress holds it
    expect(invoice).toMatchObject({ type: "Invoice", status: "final", date: "21/11/2026", due_date: "21/12/2026" });
    expect(invoice.reference).toBe(shortReference(idempotencyKey(SHOP, String(order.id))));
    const total = shopify.restOrderPayload(SHOP, order.id).total_price;
    expect(total).toBe("59.15");
    expect(Number(invoice.total)).toBe(59.15);
    // Portuguese invoices carry no negative lines: the discount is inside the azulejo's price, and named
    const items = invoice.items as Array<{ name: string; description: string; unit_price: string | number; tax: { name: string } }>;
    expect(items.every((item) => Number(item.unit_price) >= 0)).toBe(true);
    // (the azulejos' discounted net does not divide by 3: two lines, 2 + 1 units, keep it exact)
    expect(items.map((i) => i.tax.name).sort()).toEqual(["IVA23", "IVA23", "IVA23", "IVA6"]);
    expect(items.find((i) => i.name === "AZUL-01")!.description).toBe("Azulejo, azul (after a discount of 3.00 EUR)");
    // the client, created with the buyer's e-mail
    expect([...account().clients.values()]).toEqual([expect.objectContaining({ name: "Ana Sousa", email: "ana.sousa@example.pt", code: String(order.seed.customerId) })]);
    // e-mailed by InvoicExpress, once, with the template's words
    expect(account().emails).toHaveLength(1);
    const email = account().emails[0] as { document_id: number; client: { email: string }; subject: string; body: string };
    expect(email.document_id).toBe(invoice.id);
    expect(email.client.email).toBe("ana.sousa@example.pt");
    expect(email.subject).toBe(`Invoice ${invoice.inverted_sequence_number ?? invoice.sequence_number} for your order ${order.name}`);
    expect(email.body).toContain("it is due on 2026-12-21");
    // our row, the PDF (polled through 202) with its hash, the log in words
    const document = await db.document.findFirstOrThrow();
    expect(document).toMatchObject({ state: "finalized", totalMinor: 5915n, emailedTo: "ana.sousa@example.pt" });
    expect(document.dueDate?.toISOString().slice(0, 10)).toBe("2026-12-21");
    const pdf = fs.readFileSync(path.join(process.env.DATA_DIR!, document.pdfPath!));
    expect(createHash("sha256").update(pdf).digest("hex")).toBe(document.pdfSha256);
    await PDFDocument.load(pdf);
    const entry = await db.syncLogEntry.findFirstOrThrow({ where: { status: "done" } });
    expect(entry.message).toBe(`Invoice ${document.number} booked in InvoicExpress for order ${order.name} (total 59.15 EUR). InvoicExpress e-mailed it to ana.sousa@example.pt.`);
  });

  it("a VAT rate without a tax name stops with a clear message, and InvoicExpress gets nothing (never its default tax)", async () => {
    const db = await testDb();
    const connection = await db.connection.findFirstOrThrow();
    await db.connection.update({ where: { id: connection.id }, data: { settings: JSON.stringify({ ...JSON.parse(connection.settings), taxNames: { "0.23": "IVA23" } }) } });
    const order = newOrder();
    const error = await sync(order.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "permanent", code: "invoicexpress_tax_unmapped" });
    expect((error as { merchantMessage: string }).merchantMessage).toBe(
      "VAT 6% has no InvoicExpress tax name in the app's settings, so the invoice was not made (InvoicExpress would apply its default tax instead). Map the rate to a tax name, then press Retry.",
    );
    expect(documents()).toHaveLength(0);
  });

  it("a 0% line needs the exemption reason: without one in the settings, a clear message and nothing made", async () => {
    const db = await testDb();
    const connection = await db.connection.findFirstOrThrow();
    const { exemptionReason: _reason, ...rest } = JSON.parse(connection.settings);
    await db.connection.update({ where: { id: connection.id }, data: { settings: JSON.stringify(rest) } });
    const order = newOrder({ lines: [{ sku: "LIVRO-ISENTO", title: "Livro escolar", quantity: 1, price: "10.00", taxRate: "0" }] });
    const error = await sync(order.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "permanent", code: "invoicexpress_exemption_missing" });
    expect(documents()).toHaveLength(0);
  });

  it("the create is committed but its answer lost: the retry finds the document by its reference, and one invoice is finalized and e-mailed once", async () => {
    const order = newOrder();
    ix.faults.add({ kind: "lost-response", match: `POST /${ACCOUNT}/invoices.json` });
    await expect(sync(order.id)).rejects.toBeInstanceOf(RetryableError);
    expect(documents()).toHaveLength(1);
    await sync(order.id);
    expect(documents()).toHaveLength(1);
    expect(documents()[0].status).toBe("final");
    expect(account().emails).toHaveLength(1);
  });

  it("finalizing is committed but its answer lost: the retry sees the final document and goes on", async () => {
    const order = newOrder();
    ix.faults.add({ kind: "lost-response", match: "/change-state.json" });
    await expect(sync(order.id)).rejects.toBeInstanceOf(RetryableError);
    await sync(order.id);
    expect(documents()).toHaveLength(1);
    expect(documents()[0].status).toBe("final");
    expect(await (await testDb()).document.findFirstOrThrow()).toMatchObject({ state: "finalized" });
  });

  it("orders/paid then orders/updated: one invoice, one e-mail", async () => {
    const order = newOrder();
    await sync(order.id, "ORDERS_PAID");
    await sync(order.id, "ORDERS_UPDATED");
    expect(documents()).toHaveLength(1);
    expect(account().emails).toHaveLength(1);
  });

  it("clients matched by code (the Shopify customer id): a renamed buyer is found again, not created twice", async () => {
    const db = await testDb();
    const connection = await db.connection.findFirstOrThrow();
    await db.connection.update({ where: { id: connection.id }, data: { settings: JSON.stringify({ ...JSON.parse(connection.settings), clientMatch: "code" }) } });
    const first = newOrder();
    await sync(first.id);
    await db.customerLink.deleteMany();
    const customerId = first.seed.customerId!;
    const second = shopify.addOrder(SHOP, { ...first.seed, billingAddress: { ...first.seed.billingAddress!, lastName: "Sousa Lima" } });
    shopify.addCustomer(SHOP, { id: customerId, email: "ana.lima@example.pt", firstName: "Ana", lastName: "Sousa Lima" });
    await sync(second.id);
    expect([...account().clients.values()].map((c) => c.code)).toEqual([String(customerId)]);
    expect(documents().map((d) => (d.client as { id: number }).id)).toEqual([...account().clients.keys(), ...account().clients.keys()]);
  });

  it("invoice receipts: the answer comes wrapped as 'invoice_receipt', and is read all the same", async () => {
    const db = await testDb();
    const connection = await db.connection.findFirstOrThrow();
    await db.connection.update({ where: { id: connection.id }, data: { settings: JSON.stringify({ ...JSON.parse(connection.settings), documentType: "invoice_receipts" }) } });
    const order = newOrder();
    await sync(order.id);
    await sync(order.id, "ORDERS_UPDATED");
    expect(documents()).toEqual([expect.objectContaining({ type: "InvoiceReceipt", total: 59.15 })]);
    expect(await db.document.findFirstOrThrow()).toMatchObject({ state: "finalized", totalMinor: 5915n, providerRef: `invoice_receipts:${documents()[0].id}` });
  });

  it("an order in another currency stops with words instead of an invoice at a guessed exchange rate", async () => {
    shopify.shops.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_loja", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "USD" });
    const order = newOrder();
    const error = await sync(order.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invoicexpress_currency" });
    expect(documents()).toHaveLength(0);
  });
});
