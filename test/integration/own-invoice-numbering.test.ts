// The shop's own invoices on a real database (SQLite, and PostgreSQL in the postgresql project):
// numbers are gap-free and unique under concurrency and failure, each series counts on its own, and
// creating and finalizing are idempotent.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { beforeAll, beforeEach, expect, it } from "vitest";
import type { Db } from "../../app/db.server";
import { issueDocument } from "../../app/invoicing/issue-document.use-case";
import type { NormalizedOrder } from "../../app/invoicing/order";
import { DEFAULT_PLAN_OPTIONS, planDocument, type DocumentPlan } from "../../app/invoicing/plan";
import { PermanentError } from "../../app/lib/errors";
import { parseRatio } from "../../app/lib/money";
import type { AccountingProvider, DocumentRef } from "../../app/providers/provider";
import { createProvider } from "../../app/providers/registry";
import { peekNumber, takeNumber } from "../../app/providers/shop/numbering.server";
import { createShopProvider, shopSettingsSchema, type ShopProviderHooks } from "../../app/providers/shop/shop-provider";
import type { ShopifyAdminClient } from "../../app/shopify/admin-client.server";
import { describeWithDb, resetDb, testDb } from "../helpers/db";

const SHOP = "aeroe-kaffe.myshopify.com";
const SETTINGS = {
  seller: { name: "Ærøskøbing Kaffe ApS", addressLines: ["Vestergade 12", "5970 Ærøskøbing"], countryCode: "DK", vatId: "DK12345678" },
  invoicePrefix: "INV-2026-",
  creditNotePrefix: "CN-2026-",
  defaultLanguage: "da",
};

/** An order of `quantity` × 100.00 DKK at 25% VAT (taxes excluded). */
function order(id: string, quantity = 1): NormalizedOrder {
  const net = 10000n * BigInt(quantity);
  const tax = net / 4n;
  return {
    source: "admin-api", id, name: `#${id}`, currency: "DKK", shopCurrency: "DKK", presentmentCurrency: "DKK", taxesIncluded: false,
    createdAt: "2026-11-21T10:00:00Z", cancelledAt: null, financialStatus: "paid", fulfillmentStatus: "unfulfilled", tags: [], channel: "web",
    gateways: [], locale: "da-DK", email: "kunde@example.dk", customer: { id: "c1", email: "kunde@example.dk", firstName: "Søren", lastName: "Ærø" }, company: null,
    billingAddress: { name: "Søren Ærø", company: null, address1: "Havnegade 1", address2: null, city: "Svendborg", zip: "5700", province: null, countryCode: "DK", phone: null },
    shippingAddress: null,
    lines: [{ id: "1", sku: "KAFFE-1", variantId: null, title: "Kaffe Ærø blend", quantity, unitPrice: 10000n, discount: 0n, taxes: [{ title: "Moms", rate: parseRatio("0.25"), amount: tax }], isGiftCard: false, requiresShipping: true }],
    shipping: [], tip: 0n, duties: 0n, giftCardPaid: 0n, total: net + tax, totalTax: tax, paymentTerms: null,
  };
}

const plan = (id: string, quantity = 1): DocumentPlan => planDocument(order(id, quantity), { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" });

let db: Db;
const provider = (hooks?: ShopProviderHooks, shopDomain = SHOP): AccountingProvider =>
  hooks
    ? createShopProvider({ settings: shopSettingsSchema.parse(SETTINGS), runtime: { db, shopDomain }, hooks })
    : createProvider({ type: "shop", credentials: {}, settings: SETTINGS, runtime: { db, shopDomain } });

async function draft(p: AccountingProvider, key: string, options: { kind?: "invoice" | "creditNote"; credits?: DocumentRef; quantity?: number } = {}) {
  const customer = await p.findOrCreateCustomer({
    customer: { shopifyCustomerId: "c1", email: "kunde@example.dk", name: "Søren Ærø", companyName: null, address: { address1: "Havnegade 1", city: "Svendborg", zip: "5700", countryCode: "DK" }, currency: "DKK", isB2B: false },
    linkedExternalId: null,
  });
  return p.createDocument({
    kind: options.kind ?? "invoice",
    plan: plan(key, options.quantity),
    customer: { ...customer, name: "Søren Ærø", countryCode: "DK", isB2B: false },
    products: new Map(),
    idempotencyKey: key,
    dates: { issueDate: "2026-11-21" },
    credits: options.credits,
    language: "da-DK",
  });
}

const issue = async (key: string, p = provider()) => p.finalizeDocument({ document: await draft(p, key) });

async function counter(series: "invoice" | "credit-note", shopDomain = SHOP) {
  return (await db.documentSequence.findUnique({ where: { shopDomain_series: { shopDomain, series } } }))?.next ?? 1;
}

describeWithDb("the shop's own invoices: numbering", () => {
  beforeAll(async () => {
    db = await testDb();
  });
  beforeEach(() => resetDb());

  it("GIVEN 20 invoices issued at once, each by its own provider instance THEN they are numbered 1..20: no duplicate, no gap", async () => {
    // WHEN 20 orders are drafted and finalized concurrently
    const issued = await Promise.all(Array.from({ length: 20 }, (_, i) => issue(`ib:${SHOP}:${1000 + i}:invoice:order`)));
    // THEN the numbers are exactly INV-2026-1 … INV-2026-20
    const numbers = issued.map((d) => d.number!);
    expect(new Set(numbers).size).toBe(20);
    expect(numbers.map((n) => Number(n.replace("INV-2026-", ""))).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // …the rows say the same, all final, and the counter stands at 21
    const rows = await db.ownDocument.findMany({ where: { shopDomain: SHOP } });
    expect(rows.every((r) => r.state === "final" && r.issuedAt !== null)).toBe(true);
    expect(rows.map((r) => r.number).sort()).toEqual([...numbers].sort());
    expect(await counter("invoice")).toBe(21);
  });

  it("GIVEN two shops issuing at once THEN each counts from 1 on its own", async () => {
    const other = "other.myshopify.com";
    const [a, b] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, (_, i) => issue(`ib:${SHOP}:${i}:invoice:order`))),
      Promise.all(Array.from({ length: 5 }, (_, i) => issue(`ib:${other}:${i}:invoice:order`, provider(undefined, other)))),
    ]);
    expect(a.map((d) => d.number).sort()).toEqual(["INV-2026-1", "INV-2026-2", "INV-2026-3", "INV-2026-4", "INV-2026-5"]);
    expect(b.map((d) => d.number).sort()).toEqual(["INV-2026-1", "INV-2026-2", "INV-2026-3", "INV-2026-4", "INV-2026-5"]);
  });

  it("GIVEN a step that fails inside the finalizing transaction, after the number was taken THEN the number is given back: no gap", async () => {
    // GIVEN INV-2026-1 issued, and a second invoice whose finalization fails right after taking INV-2026-2
    await issue(`ib:${SHOP}:1:invoice:order`);
    const failing = provider({
      afterNumberTaken: (number) => {
        throw new Error(`the disk filled up after ${number} was taken`);
      },
    });
    const second = await draft(failing, `ib:${SHOP}:2:invoice:order`);
    // WHEN it is finalized
    const error = await failing.finalizeDocument({ document: second }).catch((e: unknown) => e);
    // THEN it failed, the document is still an unnumbered draft, and the counter did not move
    expect((error as Error).message).toBe("the disk filled up after INV-2026-2 was taken");
    expect(await db.ownDocument.findUniqueOrThrow({ where: { idempotencyKey: `ib:${SHOP}:2:invoice:order` } })).toMatchObject({ state: "draft", number: null, issuedAt: null });
    expect(await counter("invoice")).toBe(2);
    // …and the retry, and the next invoice, take the very next numbers
    expect((await provider().finalizeDocument({ document: second })).number).toBe("INV-2026-2");
    expect((await issue(`ib:${SHOP}:3:invoice:order`)).number).toBe("INV-2026-3");
  });

  it("GIVEN a number already used on another document (the counter was reset outside the app) THEN finalizing is refused in words and the counter stays", async () => {
    // GIVEN a stored final invoice INV-2026-1 and a counter that was reset to 1
    await issue(`ib:${SHOP}:1:invoice:order`);
    await db.documentSequence.update({ where: { shopDomain_series: { shopDomain: SHOP, series: "invoice" } }, data: { next: 1 } });
    const second = await draft(provider(), `ib:${SHOP}:2:invoice:order`);
    // WHEN the next invoice is finalized
    const error = await provider().finalizeDocument({ document: second }).catch((e: unknown) => e);
    // THEN the unique number wins: a permanent error naming the number, nothing numbered, nothing counted
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe("shop_number_in_use");
    expect((error as PermanentError).merchantMessage).toContain("The next number, INV-2026-1, is already on another document of this shop");
    expect(await db.ownDocument.findUniqueOrThrow({ where: { idempotencyKey: `ib:${SHOP}:2:invoice:order` } })).toMatchObject({ state: "draft", number: null });
    expect(await counter("invoice")).toBe(1);
  });

  it("GIVEN invoices and credit notes THEN credit notes count in their own series, and each names the invoice it corrects", async () => {
    const first = await issue(`ib:${SHOP}:1:invoice:order`);
    await issue(`ib:${SHOP}:2:invoice:order`);
    // WHEN the first invoice is credited, then a third invoice is issued
    const p = provider();
    const credit = await p.finalizeDocument({ document: await draft(p, `ib:${SHOP}:1:creditNote:refund-1`, { kind: "creditNote", credits: first }) });
    const third = await issue(`ib:${SHOP}:3:invoice:order`);
    // THEN the credit note is CN-2026-1, crediting INV-2026-1, and the invoices go on at INV-2026-3
    expect(credit).toMatchObject({ number: "CN-2026-1", state: "booked", totalMinor: 12500n, dueDate: null });
    expect(third.number).toBe("INV-2026-3");
    const row = await db.ownDocument.findUniqueOrThrow({ where: { idempotencyKey: `ib:${SHOP}:1:creditNote:refund-1` } });
    expect(row.series).toBe("credit-note");
    expect(JSON.parse(row.content)).toMatchObject({ kind: "credit-note", credits: [{ number: "INV-2026-1", issueDate: "2026-11-21" }], dueDate: null });
    expect(await counter("credit-note")).toBe(2);
    expect(await counter("invoice")).toBe(4);
    expect(await peekNumber(db, { shopDomain: SHOP, series: "credit-note", prefix: "CN-2026-" })).toBe("CN-2026-2");
  });

  it("GIVEN a credit note for an invoice still in draft THEN it is refused in words", async () => {
    const invoice = await draft(provider(), `ib:${SHOP}:1:invoice:order`);
    const error = await draft(provider(), `ib:${SHOP}:1:creditNote:refund-1`, { kind: "creditNote", credits: invoice }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).merchantMessage).toContain("the invoice of this order is still a draft");
    expect(await db.ownDocument.count({ where: { series: "credit-note" } })).toBe(0);
  });

  it("GIVEN a final invoice THEN finalizing it again, even five times at once, returns it unchanged and takes no number", async () => {
    const invoice = await issue(`ib:${SHOP}:1:invoice:order`);
    expect(await provider().finalizeDocument({ document: invoice })).toEqual(invoice);
    // a draft finalized by five instances at once gets one number
    const second = await draft(provider(), `ib:${SHOP}:2:invoice:order`);
    const results = await Promise.all(Array.from({ length: 5 }, () => provider().finalizeDocument({ document: second })));
    expect(new Set(results.map((r) => r.number))).toEqual(new Set(["INV-2026-2"]));
    expect(await counter("invoice")).toBe(3);
    expect((await issue(`ib:${SHOP}:3:invoice:order`)).number).toBe("INV-2026-3");
  });

  it("GIVEN one idempotency key THEN createDocument makes one document, also when called at once, and finds it by the key", async () => {
    const key = `ib:${SHOP}:1:invoice:order`;
    const refs = await Promise.all(Array.from({ length: 5 }, () => draft(provider(), key)));
    expect(new Set(refs.map((r) => r.providerRef)).size).toBe(1);
    expect(refs[0]).toEqual({ providerRef: refs[0].providerRef, number: null, state: "draft", totalMinor: 12500n, dueDate: "2026-12-05" });
    expect(await db.ownDocument.count()).toBe(1);
    // a second call with another plan still returns the first document, as it was
    expect(await draft(provider(), key, { quantity: 3 })).toEqual(refs[0]);
    expect(await provider().findDocumentByReference!({ idempotencyKey: key })).toEqual(refs[0]);
    // another shop's provider does not see it
    expect(await provider(undefined, "other.myshopify.com").findDocumentByReference!({ idempotencyKey: key })).toBeNull();
  });

  it("GIVEN takeNumber in a transaction that rolls back THEN the counter is as before", async () => {
    await expect(
      db.$transaction(async (tx) => {
        expect(await takeNumber(tx, { shopDomain: SHOP, series: "invoice", prefix: "X-" })).toBe("X-1");
        expect(await takeNumber(tx, { shopDomain: SHOP, series: "invoice", prefix: "X-" })).toBe("X-2");
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await counter("invoice")).toBe(1);
    expect(await db.$transaction((tx) => takeNumber(tx, { shopDomain: SHOP, series: "invoice", prefix: "X-" }))).toBe("X-1");
  });

  it("GIVEN a draft THEN it has no PDF; GIVEN it final THEN its PDF is the invoice with its number, in the order's language", async () => {
    const p = provider();
    const document = await draft(p, `ib:${SHOP}:1:invoice:order`);
    expect(await p.getPdf({ document }).catch((e: unknown) => (e as PermanentError).code)).toBe("pdf_draft");
    const final = await p.finalizeDocument({ document });
    const bytes = await p.getPdf({ document: final });
    expect((await PDFDocument.load(bytes)).getTitle()).toBe("Faktura INV-2026-1");
    // made again from the stored row, byte for byte
    expect(Buffer.from(await provider().getPdf({ document: final })).equals(Buffer.from(bytes))).toBe(true);
  });

  it("GIVEN an order issued through the use case THEN the shop's invoice is booked, numbered, and its PDF stored with its hash", async () => {
    // GIVEN the use case's own dependencies, with an Admin client that accepts the status write-back
    const admin = { request: async <T>() => ({ metafieldsSet: { userErrors: [] } }) as T } satisfies ShopifyAdminClient;
    const dataDir = process.env.DATA_DIR!;
    // WHEN the order is issued and booked
    const outcome = await issueDocument(
      { shopDomain: SHOP, order: order("5001", 2), plan: plan("5001", 2), book: true, providerType: "shop", missingProducts: "halt", issueDate: "2026-11-21" },
      { db, provider: provider(), admin, dataDir },
    );
    // THEN the document is booked as INV-2026-1 for the order's total
    expect(outcome.document).toMatchObject({ number: "INV-2026-1", state: "booked", totalMinor: 25000n });
    const row = await db.document.findUniqueOrThrow({ where: { id: outcome.documentId } });
    expect(row).toMatchObject({ state: "finalized", number: "INV-2026-1", providerType: "shop" });
    // …its PDF is on disk with the hash stored beside it
    const stored = fs.readFileSync(path.join(dataDir, row.pdfPath!));
    expect(createHash("sha256").update(stored).digest("hex")).toBe(row.pdfSha256);
    expect((await PDFDocument.load(stored)).getTitle()).toBe("Faktura INV-2026-1");
    // …and the buyer was not remembered as a customer (each invoice names the buyer of its own order)
    expect(await db.customerLink.count({ where: { externalId: { not: "(pending)" } } })).toBe(0);
  });
});
