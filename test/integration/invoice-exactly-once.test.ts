// Order to booked invoice on e-conomic, exactly once: both simulators over HTTP, a real database, the
// connection's credentials encrypted at rest.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { orderSync } from "../helpers/sync";
import { seedEconomicShop } from "../helpers/economic-shop";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { EconomicSimulator } from "../simulators/economic/server";
import { RetryableError } from "../../app/lib/errors";
import { withLeaseCheck } from "../../app/jobs/lease";

const SHOP = "once.myshopify.com";
let shopify: ShopifyAdminSimulator;
let economic: EconomicSimulator;

const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_once" });

const booked = () => [...economic.agreements.get("grant-1")!.booked.values()];
const drafts = () => [...economic.agreements.get("grant-1")!.drafts.values()];

describeWithDb("order to booked invoice on e-conomic, exactly once", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    economic = new EconomicSimulator();
    await shopify.start();
    await economic.start();
  });
  afterAll(async () => {
    await shopify.close();
    await economic.close();
  });
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    shopify.faults.clear();
    economic.agreements.clear();
    economic.faults.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_once", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    economic.addAgreement({ appSecretToken: "app-secret", agreementGrantToken: "grant-1" });
    await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "app-secret", agreementGrantToken: "grant-1" });
  });

  const newOrder = () => {
    const customer = shopify.addCustomer(SHOP, { email: "mette@example.dk", firstName: "Mette", lastName: "Jensen" });
    return shopify.addOrder(SHOP, {
      customerId: customer.id,
      taxesIncluded: true,
      billingAddress: { firstName: "Mette", lastName: "Jensen", address1: "Nørregade 7", city: "København", zip: "1165", countryCode: "DK" },
      lines: [
        { sku: "MUG-BLUE", title: "Mug, blue", quantity: 3, price: "149.00", taxRate: "0.25", discount: "20.00" },
        { sku: "TEA", title: "Tea", quantity: 1, price: "89.95", taxRate: "0.25" },
      ],
      shipping: [{ title: "PostNord", price: "49.00", taxRate: "0.25" }],
    });
  };

  it("books one invoice: customer and products created, PDF stored, status written back, logged in words", async () => {
    const order = newOrder();
    await sync(order.id);
    const db = await testDb();
    // e-conomic holds one booked invoice, carrying our key, with Shopify's total
    expect(booked()).toHaveLength(1);
    expect(booked()[0]).toMatchObject({ bookedInvoiceNumber: 10001, references: { other: `ib:${SHOP}:${order.id}:invoice:order` }, grossAmount: 565.95 });
    expect(shopify.restOrderPayload(SHOP, order.id).total_price).toBe("565.95");
    expect(drafts()).toHaveLength(0);
    // our row, the PDF on disk with its hash, the customer link
    const document = await db.document.findFirstOrThrow();
    expect(document).toMatchObject({ state: "finalized", number: "10001", providerRef: "booked:10001", totalMinor: 56595n });
    const pdf = fs.readFileSync(path.join(process.env.DATA_DIR!, document.pdfPath!));
    expect(createHash("sha256").update(pdf).digest("hex")).toBe(document.pdfSha256);
    expect((await PDFDocument.load(pdf)).getTitle()).toBe("Invoice 10001");
    // the customer is remembered by Shopify id and by e-mail, so the next order asks e-conomic nothing
    expect((await db.customerLink.findMany({ orderBy: { matchKey: "asc" } })).map((l) => [l.matchKey.split(":")[0], l.externalId])).toEqual([
      ["email", "1"],
      ["shopify", "1"],
    ]);
    // the order in Shopify carries the status
    const metafield = shopify.order(SHOP, order.id).metafields.get("$app.invoice");
    expect(JSON.parse(metafield!.value)).toMatchObject({ provider: "economic", number: "10001", status: "booked", documentId: document.id, total: "565.95", currency: "DKK" });
    const entry = await db.syncLogEntry.findFirstOrThrow({ where: { status: "done" } });
    expect(entry.message).toBe(`Invoice 10001 booked in e-conomic for order ${order.name} (total 565.95 DKK).`);
  });

  it("orders/paid then orders/updated: still one invoice", async () => {
    const order = newOrder();
    await sync(order.id, "ORDERS_PAID");
    await sync(order.id, "ORDERS_UPDATED");
    expect(booked()).toHaveLength(1);
    const db = await testDb();
    expect(await db.document.count()).toBe(1);
    const last = await db.syncLogEntry.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(last.message).toBe(`Order ${order.name} already has invoice 10001 in e-conomic; nothing new was made.`);
  });

  it("the draft is committed but its answer lost: the retry finds it, and one invoice is booked", async () => {
    const order = newOrder();
    economic.faults.add({ kind: "lost-response", match: "POST /invoices/drafts" });
    await expect(sync(order.id)).rejects.toBeInstanceOf(RetryableError);
    expect(drafts()).toHaveLength(1);
    await sync(order.id);
    expect(booked()).toHaveLength(1);
    expect(drafts()).toHaveLength(0);
  });

  it("booking committed in e-conomic but our record of it lost (a crash in between): the retry finds the booked invoice", async () => {
    const order = newOrder();
    economic.faults.add({ kind: "lost-response", match: "POST /invoices/booked" });
    await expect(sync(order.id)).rejects.toBeInstanceOf(RetryableError);
    const db = await testDb();
    expect(await db.document.findFirstOrThrow()).toMatchObject({ state: "created" });
    expect(booked()).toHaveLength(1);
    await sync(order.id);
    expect(booked()).toHaveLength(1);
    expect(await db.document.findFirstOrThrow()).toMatchObject({ state: "finalized", number: "10001" });
  });

  it("books nothing whose total differs from Shopify's: a product in a 0% VAT group leaves an unbooked draft and a failure in words", async () => {
    // GIVEN the merchant's existing TEA product sits in the VAT-free product group
    economic.agreements.get("grant-1")!.products.set("TEA", { productNumber: "TEA", name: "Tea", productGroup: { productGroupNumber: 2 } });
    const order = newOrder();
    const error = await sync(order.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "permanent", code: "document_total_differs" });
    expect((error as { merchantMessage: string }).merchantMessage).toBe(
      "The draft in the accounting system totals 547.96 DKK, but the order's total is 565.95 DKK, so it was not booked. " +
        "Check the VAT of the products on the draft (and the VAT settings of the connection), correct the draft or the settings, then press Retry.",
    );
    expect(booked()).toHaveLength(0);
    expect(drafts()).toHaveLength(1);
    expect(await (await testDb()).document.findFirstOrThrow()).toMatchObject({ state: "created" });
  });

  it("two orders of one new customer at the same moment make one customer in e-conomic", async () => {
    const first = newOrder();
    const second = shopify.addOrder(SHOP, { ...first.seed, lines: [{ sku: "TEA", title: "Tea", quantity: 1, price: "89.95", taxRate: "0.25" }], shipping: [] });
    const results = await Promise.allSettled([sync(first.id), sync(second.id)]);
    // one of them waits for the other (retryable), and gets its turn on the retry
    const waiting = results.filter((r) => r.status === "rejected");
    expect(waiting.length).toBeLessThanOrEqual(1);
    for (const r of waiting) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "customer_in_progress" });
    if (waiting.length) await sync(results[0].status === "rejected" ? first.id : second.id);
    const agreement = economic.agreements.get("grant-1")!;
    expect(agreement.customers.size).toBe(1);
    expect(agreement.booked.size).toBe(2);
  });

  it("a customer claim left by an attempt that stopped midway is taken over after a minute", async () => {
    const order = newOrder();
    const db = await testDb();
    await db.customerLink.create({
      data: { shopDomain: SHOP, providerType: "economic", matchKey: "email:mette@example.dk", externalId: "(pending)", createdAt: new Date(Date.now() - 120_000) },
    });
    await sync(order.id);
    expect(economic.agreements.get("grant-1")!.booked.size).toBe(1);
    expect(await db.customerLink.findFirstOrThrow({ where: { matchKey: "email:mette@example.dk" } })).toMatchObject({ externalId: "1" });
  });

  // A claim made inside a job names the run (job id and attempt); what counts is whether that run still holds its job.
  const claimBy = async (job: { id: string; status: string; attempts: number; leaseUntil: Date | null }, claimAttempt: number) => {
    const db = await testDb();
    await db.job.create({ data: { id: job.id, uniqueKey: job.id, shopDomain: SHOP, type: "order.sync", status: job.status, attempts: job.attempts, leaseOwner: "w-1", leaseUntil: job.leaseUntil } });
    await db.customerLink.create({
      data: { shopDomain: SHOP, providerType: "economic", matchKey: "email:mette@example.dk", externalId: "(pending)", claimJobId: job.id, claimAttempt },
    });
  };
  const syncAsRun = (orderId: number, run: { jobId: string; attempt: number }) => withLeaseCheck(run, async () => true, () => sync(orderId));

  it("a fresh claim whose job run died (the job was queued again) is taken over at once, not after a minute", async () => {
    const order = newOrder();
    await claimBy({ id: "job-killed", status: "queued", attempts: 1, leaseUntil: null }, 1);
    await syncAsRun(order.id, { jobId: "job-other", attempt: 1 });
    expect(economic.agreements.get("grant-1")!.booked.size).toBe(1);
    expect(economic.agreements.get("grant-1")!.customers.size).toBe(1);
    expect(await (await testDb()).customerLink.findFirstOrThrow({ where: { matchKey: "email:mette@example.dk" } })).toMatchObject({ externalId: "1" });
  });

  it("the same job's next attempt takes over the claim its killed attempt left", async () => {
    const order = newOrder();
    // attempt 1 claimed and was killed; the job is running again as attempt 2
    await claimBy({ id: "job-1", status: "running", attempts: 2, leaseUntil: new Date(Date.now() + 30_000) }, 1);
    await syncAsRun(order.id, { jobId: "job-1", attempt: 2 });
    expect(economic.agreements.get("grant-1")!.booked.size).toBe(1);
  });

  it("a claim whose run still holds its job is waited for, however old, and the waiting run cannot release it", async () => {
    const order = newOrder();
    await claimBy({ id: "job-live", status: "running", attempts: 1, leaseUntil: new Date(Date.now() + 30_000) }, 1);
    const db = await testDb();
    await db.customerLink.updateMany({ data: { createdAt: new Date(Date.now() - 120_000) } });
    const error = await syncAsRun(order.id, { jobId: "job-other", attempt: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "customer_in_progress" });
    expect(economic.agreements.get("grant-1")!.customers.size).toBe(0);
    expect(await db.customerLink.findFirstOrThrow({ where: { matchKey: "email:mette@example.dk" } })).toMatchObject({ externalId: "(pending)", claimJobId: "job-live" });
  });

  it("a claim whose run's lease ran out (its worker died while running) is taken over", async () => {
    const order = newOrder();
    await claimBy({ id: "job-stale", status: "running", attempts: 1, leaseUntil: new Date(Date.now() - 1_000) }, 1);
    await syncAsRun(order.id, { jobId: "job-other", attempt: 1 });
    expect(economic.agreements.get("grant-1")!.booked.size).toBe(1);
  });
});
