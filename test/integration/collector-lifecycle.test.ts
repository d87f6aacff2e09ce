// Walley (Collector) through the whole path: signed webhooks through the real intake, the worker with the real
// handlers, the Shopify simulator and the Collector SOAP simulator over HTTP, a real database. Every lifecycle
// step once, however often Shopify delivers it: added on creation (preliminary), part-activated for what has
// shipped, activated on fulfilment, cancelled before activation, replaced after an edit, credited by article
// for exactly what Shopify refunded; and a lost answer never makes a second invoice.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedCollectorShop } from "../helpers/provider-shops";
import { webhookRequest } from "../helpers/webhooks";
import { pdfText } from "../helpers/pdf-text";
import { CollectorSimulator } from "../simulators/collector/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { webhookAction } from "../../app/webhooks/webhook-route.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { retryJob } from "../../app/jobs/retry.server";
import { orderInvoiceState, requestDocumentAction } from "../../app/admin/order-invoice.server";
import { providerForShop } from "../../app/providers/connections.server";
import { listDocuments } from "../../app/admin/invoices.server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { logger } from "../../app/lib/logger.server";
import fs from "node:fs/promises";
import path from "node:path";

const SHOP = "walley.myshopify.com";
let shopify: ShopifyAdminSimulator;
let collector: CollectorSimulator;

async function work() {
  const db = await testDb();
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_walley", apiVersion: "2026-10", timeoutMs: 2000 });
  const worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 });
  await worker.drain();
}

/** Time passes: jobs waiting for their next attempt are due now. */
async function later() {
  await (await testDb()).job.updateMany({ where: { status: "queued" }, data: { runAt: new Date() } });
}

async function deliver(orderId: number, topic: string, eventId: string, body?: unknown) {
  const rawBody = JSON.stringify(body ?? shopify.restOrderPayload(SHOP, orderId));
  return webhookAction({ request: webhookRequest({ rawBody, shop: SHOP, topic, eventId }), params: {}, context: {} });
}

const invoices = () => [...collector.invoices.values()];
const failures = async () => (await (await testDb()).syncLogEntry.findMany({ where: { status: { in: ["failed", "retrying"] } } })).map((e) => e.message);
const messages = async (orderId: number) => (await (await testDb()).syncLogEntry.findMany({ where: { orderId: String(orderId) }, orderBy: { createdAt: "asc" } })).map((e) => e.message);
/** What Collector invoices for the rows, in öre. */
const total = (rows: Array<{ Quantity: number; UnitPrice: number }>) => rows.reduce((sum, r) => sum + Math.round(r.UnitPrice * 100) * r.Quantity, 0);

// Three cups at 100.00 less 10.00 off (folded: 96.67, 96.67, 96.66), a saucer at 50.00, shipping 49.00: 389.00 SEK.
const order = (overrides: { countryCode?: string } = {}) =>
  shopify.addOrder(SHOP, {
    taxesIncluded: true,
    financialStatus: "pending",
    email: "astrid@example.se",
    billingAddress: { firstName: "Astrid", lastName: "Lindgren", address1: "Storgatan 1", city: "Malmö", zip: "21122", countryCode: overrides.countryCode ?? "SE" },
    lines: [
      { sku: "KOPP", title: "Kopp", quantity: 3, price: "100.00", taxRate: "0.25", discount: "10.00" },
      { sku: "FAT", title: "Fat", quantity: 1, price: "50.00", taxRate: "0.25" },
    ],
    shipping: [{ title: "Postnord", price: "49.00", taxRate: "0.25" }],
  });

describeWithDb("Walley (Collector), end to end through webhooks", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    collector = new CollectorSimulator();
    await Promise.all([shopify.start(), collector.start()]);
  });
  afterAll(async () => {
    await Promise.all([shopify.close(), collector.close()]);
  });
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    collector.stores.clear();
    collector.invoices.clear();
    collector.faults.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_walley", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "SEK" });
    collector.addStore({ storeId: 701, countryCode: "SE", username: "walley-user", password: "walley-secret-pw" });
    await seedCollectorShop(await testDb(), { shopDomain: SHOP, endpoint: collector.endpoint, username: "walley-user", password: "walley-secret-pw", stores: [{ countryCode: "SE", buyers: "b2c", storeId: 701 }] });
  });

  it("orders/create three times at once adds one preliminary invoice; orders/fulfilled twice activates it once, for Shopify's total, with its PDF", async () => {
    const o = order();
    const answers = await Promise.all([1, 2, 3].map(() => deliver(o.id, "orders/create", "evt-create")));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await deliver(o.id, "orders/updated", "evt-updated");
    await work();
    expect(invoices()).toHaveLength(1);
    const [added] = invoices();
    expect(added).toMatchObject({ status: "preliminary", storeId: 701, currency: "SEK", orderNo: String(o.id), email: "astrid@example.se" });
    expect(added.rows.map((r) => [r.ArticleId, r.Quantity, r.UnitPrice, r.VAT])).toEqual([
      ["KOPP", 1, 96.66, 25],
      ["KOPP#2", 2, 96.67, 25],
      ["FAT", 1, 50, 25],
      ["SHIPPING", 1, 49, 25],
    ]);
    expect(total(added.rows)).toBe(38900);

    shopify.addFulfillment(SHOP, o.id, { lines: [{ index: 0, quantity: 3 }, { index: 1, quantity: 1 }] });
    await Promise.all([deliver(o.id, "orders/fulfilled", "evt-fulfilled"), deliver(o.id, "orders/fulfilled", "evt-fulfilled")]);
    await deliver(o.id, "orders/updated", "evt-updated-2");
    await work();
    expect(await failures()).toEqual([]);
    expect(invoices().map((i) => i.status)).toEqual(["activated"]);
    const db = await testDb();
    const document = await db.document.findFirstOrThrow();
    expect(document).toMatchObject({ state: "finalized", number: added.invoiceNo, totalMinor: 38900n, providerType: "collector", emailedTo: "astrid@example.se" });
    expect(document.dueDate?.toISOString().slice(0, 10)).toBe(added.dueDate);
    const text = await pdfText(await fs.readFile(path.join(process.env.DATA_DIR!, document.pdfPath!)));
    expect(text).toContain(`Invoice ${added.invoiceNo}`);
    expect(text).toContain("Total 389.00 SEK");
    const log = await messages(o.id);
    expect(log).toContain(`Preliminary invoice ${added.invoiceNo} made in Walley for order ${o.name} (total 389.00 SEK). A booked invoice: the order meets your criteria. It becomes an invoice in Walley when the order is fulfilled.`);
    expect(log).toContain(`Invoice ${added.invoiceNo} booked in Walley for order ${o.name} (total 389.00 SEK). Walley e-mailed it to astrid@example.se.`);
    // Walley sent it itself on activation: the app neither sent it again nor asked Walley to.
    expect(added.sent).toEqual([]);
    expect(await db.job.count({ where: { type: "document.email" } })).toBe(0);
  });

  it("partly fulfilled: the shipped units and the shipping are activated at once; the rest when the order is fulfilled; together Shopify's total", async () => {
    const o = order();
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    const number = invoices()[0].invoiceNo;
    shopify.addFulfillment(SHOP, o.id, { lines: [{ index: 0, quantity: 2 }] });
    await Promise.all([deliver(o.id, "orders/partially_fulfilled", "evt-part"), deliver(o.id, "orders/partially_fulfilled", "evt-part")]);
    await deliver(o.id, "orders/updated", "evt-part-updated");
    await work();
    expect(await failures()).toEqual([]);
    const first = collector.invoices.get(number)!;
    expect(first.status).toBe("activated");
    expect(first.rows.map((r) => [r.ArticleId, r.Quantity])).toEqual([
      ["KOPP", 1],
      ["KOPP#2", 1],
      ["SHIPPING", 1],
    ]);
    const rest = invoices().find((i) => i.invoiceNo !== number)!;
    expect(rest.status).toBe("preliminary");
    expect(rest.rows.map((r) => [r.ArticleId, r.Quantity])).toEqual([
      ["KOPP#2", 1],
      ["FAT", 1],
    ]);
    const db = await testDb();
    expect(await db.document.findFirstOrThrow()).toMatchObject({ state: "created", number });
    expect(await messages(o.id)).toContain(`Order ${o.name} is partly fulfilled: invoice ${number} part-activated in Walley for the 2 of 4 unit(s) shipped so far.`);
    expect(await messages(o.id)).toContain(`Order ${o.name} is partly fulfilled: the 2 unit(s) of order ${o.name} shipped so far are already activated on invoice ${number}.`);

    shopify.addFulfillment(SHOP, o.id, { lines: [{ index: 0, quantity: 1 }, { index: 1, quantity: 1 }] });
    await deliver(o.id, "orders/fulfilled", "evt-fulfilled");
    await work();
    expect(await failures()).toEqual([]);
    expect(invoices().map((i) => i.status)).toEqual(["activated", "activated"]);
    expect(total(first.rows) + total(rest.rows)).toBe(38900);
    const document = await db.document.findFirstOrThrow();
    expect(document).toMatchObject({ state: "finalized", number, totalMinor: 38900n });
    // One PDF for the order: both of Walley's invoices, in the order they were activated.
    const text = await pdfText(await fs.readFile(path.join(process.env.DATA_DIR!, document.pdfPath!)));
    expect(text.indexOf(`Invoice ${number}`)).toBeLessThan(text.indexOf(`Invoice ${rest.invoiceNo}`));
    expect(text.indexOf(`Invoice ${rest.invoiceNo}`)).toBeGreaterThan(-1);
  });

  it("cancelled before activation: the preliminary invoice is cancelled in Walley, once", async () => {
    const o = order();
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    shopify.setOrderStatus(SHOP, o.id, { cancelled: true });
    await Promise.all([deliver(o.id, "orders/cancelled", "evt-cancel"), deliver(o.id, "orders/cancelled", "evt-cancel")]);
    await deliver(o.id, "orders/updated", "evt-cancel-updated");
    await work();
    expect(await failures()).toEqual([]);
    expect(invoices().map((i) => i.status)).toEqual(["cancelled"]);
    const db = await testDb();
    const document = await db.document.findFirstOrThrow();
    expect(document.state).toBe("cancelled");
    const log = await messages(o.id);
    expect(log).toContain(`Order ${o.name} was cancelled: invoice ${document.number} cancelled in Walley before it was activated; the buyer owes nothing.`);
    expect(log.at(-1)).toBe(`Order ${o.name} was cancelled; invoice ${document.number} is already cancelled.`);
  });

  it("cancelled after activation: the invoice is credited in full (CreditInvoice), once, and a later refund is not credited again", async () => {
    const o = order();
    await deliver(o.id, "orders/create", "evt-create");
    shopify.addFulfillment(SHOP, o.id, { lines: [{ index: 0, quantity: 3 }, { index: 1, quantity: 1 }] });
    await deliver(o.id, "orders/fulfilled", "evt-fulfilled");
    await work();
    shopify.setOrderStatus(SHOP, o.id, { cancelled: true });
    await Promise.all([deliver(o.id, "orders/cancelled", "evt-cancel"), deliver(o.id, "orders/cancelled", "evt-cancel")]);
    await deliver(o.id, "orders/updated", "evt-cancel-updated");
    await work();
    expect(await failures()).toEqual([]);
    const [invoice] = invoices();
    expect(invoice.status).toBe("credited");
    expect(invoice.credits).toHaveLength(1);
    expect(total(invoice.credits[0].rows)).toBe(38900);
    const note = await (await testDb()).document.findFirstOrThrow({ where: { kind: "creditNote" } });
    expect(note).toMatchObject({ source: "cancellation", state: "finalized", totalMinor: 38900n, number: `${invoice.invoiceNo}-C1` });
    expect(await messages(o.id)).toContain(`Order ${o.name} was cancelled: credit note ${note.number} booked in Walley (389.00 SEK), crediting invoice ${invoice.invoiceNo} in full.`);
  });

  it("edited before activation: the preliminary invoice takes the order's new lines (ReplaceInvoice), for the edited total", async () => {
    const o = order();
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    const edit = shopify.editOrder(SHOP, o.id, { remove: [{ index: 1, quantity: 1 }], add: [{ sku: "SKED", title: "Sked", quantity: 2, price: "25.00", taxRate: "0.25" }] });
    const payload = shopify.editPayload(SHOP, o.id, edit);
    await Promise.all([deliver(o.id, "orders/edited", "evt-edit", payload), deliver(o.id, "orders/edited", "evt-edit", payload)]);
    await work();
    expect(await failures()).toEqual([]);
    const [invoice] = invoices();
    expect(invoices()).toHaveLength(1);
    expect(invoice.status).toBe("preliminary");
    expect(invoice.rows.map((r) => [r.ArticleId, r.Quantity])).toEqual([
      ["KOPP", 1],
      ["KOPP#2", 2],
      ["SKED", 2],
      ["SHIPPING", 1],
    ]);
    const edited = shopify.order(SHOP, o.id).totals.total.shop;
    expect(BigInt(total(invoice.rows))).toBe(edited);
    expect(await (await testDb()).document.findFirstOrThrow()).toMatchObject({ state: "created", totalMinor: edited });
    expect(await messages(o.id)).toContain(`Order ${o.name} was edited before its invoice was activated: invoice ${invoice.invoiceNo} in Walley now has the order's 4 line(s), total ${(Number(edited) / 100).toFixed(2)} SEK.`);
  });

  it("refunds after activation are credited by article for exactly what Shopify refunded, once per refund; a refund with no article is not, in words", async () => {
    const o = order();
    await deliver(o.id, "orders/create", "evt-create");
    shopify.addFulfillment(SHOP, o.id, { lines: [{ index: 0, quantity: 3 }, { index: 1, quantity: 1 }] });
    await deliver(o.id, "orders/fulfilled", "evt-fulfilled");
    await work();
    const [invoice] = invoices();
    const refund = async (seed: Parameters<ShopifyAdminSimulator["addRefund"]>[2], eventId: string, times = 1) => {
      const made = shopify.addRefund(SHOP, o.id, seed);
      const body = shopify.refundPayload(SHOP, o.id, made.id);
      await Promise.all(Array.from({ length: times }, () => deliver(o.id, "refunds/create", eventId, body)));
      await work();
      return made;
    };
    const cup = await refund({ lines: [{ index: 0, quantity: 1 }] }, "evt-refund-1", 2);
    const shipping = await refund({ shipping: true }, "evt-refund-2");
    const goodwill = await refund({ amount: "7.50", note: "goodwill" }, "evt-refund-3");
    expect(invoice.credits.map((c) => [c.rows.map((r) => [r.ArticleId, r.Quantity]), total(c.rows)])).toEqual([
      // Shopify refunded 96.67 for the cup: one of the two invoiced at 96.67.
      [[["KOPP#2", 1]], Number(cup.total.shop)],
      [[["SHIPPING", 1]], 4900],
    ]);
    expect(shipping.total.shop).toBe(4900n);
    const db = await testDb();
    const notes = await db.document.findMany({ where: { kind: "creditNote" }, orderBy: { createdAt: "asc" } });
    expect(notes.map((n) => [n.source, n.state, n.totalMinor, n.number])).toEqual([
      [`refund:${cup.id}`, "finalized", cup.total.shop, `${invoice.invoiceNo}-C1`],
      [`refund:${shipping.id}`, "finalized", 4900n, `${invoice.invoiceNo}-C2`],
      // nothing credited for the goodwill amount
      [`refund:${goodwill.id}`, "claimed", 750n, null],
    ]);
    // The credit notes' PDFs are Walley's.
    expect(await pdfText(await fs.readFile(path.join(process.env.DATA_DIR!, notes[0].pdfPath!)))).toContain(`Credit note ${invoice.invoiceNo}-1`);
    const failed = await db.syncLogEntry.findFirstOrThrow({ where: { status: "failed" } });
    expect(failed.message).toBe(
      `Walley cannot credit the refund of invoice ${invoice.invoiceNo} exactly: the refund includes 7.50 SEK that is not an invoiced article ("Refund: goodwill"), and Walley credits articles only. Credit it in Walley's Partner Portal instead; nothing was credited. ` +
        "It will not be retried automatically. Fix the cause, then use Retry.",
    );
    expect(goodwill.total.shop).toBe(750n);
  });

  it("AddInvoice committed but its answer lost: no second invoice; the log asks the merchant to look, and their Retry adds it again", async () => {
    const o = order();
    collector.faults.add({ kind: "lost-response", match: "AddInvoice" });
    await Promise.all([deliver(o.id, "orders/create", "evt-create"), deliver(o.id, "orders/create", "evt-create")]);
    await work();
    expect(invoices()).toHaveLength(1);
    await later();
    await deliver(o.id, "orders/updated", "evt-updated");
    await work();
    // Still one: the app cannot ask Walley whether it has the invoice, so it stops and says so.
    expect(invoices()).toHaveLength(1);
    const db = await testDb();
    expect(await db.document.findFirstOrThrow()).toMatchObject({ state: "submitting", providerRef: null });
    // The Invoices page says so too, and filters by it.
    const listed = await listDocuments(db, SHOP, { state: "submitting" });
    expect(JSON.stringify(listed)).toContain("Answer lost: check");
    const stopped = await db.syncLogEntry.findMany({ where: { status: "failed" } });
    expect(stopped.length).toBeGreaterThan(0);
    expect(stopped[0].message).toBe(
      `An earlier attempt to make the invoice for order ${o.name} got no answer from Walley, which cannot be asked afterwards whether it has it. ` +
        `Look for it there (search for order number ${o.id} in Walley's Partner Portal). If it is there, cancel it there first: Retry then makes it again, and the app follows it from then on. ` +
        "It will not be retried automatically. Fix the cause, then use Retry.",
    );
    // The merchant finds it in the portal and cancels it, then presses Retry.
    invoices()[0].status = "cancelled";
    const job = await db.job.findFirstOrThrow({ where: { status: "failed" }, orderBy: { createdAt: "asc" } });
    expect(await retryJob(db, { shopDomain: SHOP, jobId: job.id })).toBe("queued");
    await work();
    expect(invoices().map((i) => i.status)).toEqual(["cancelled", "preliminary"]);
    expect(await db.document.findFirstOrThrow()).toMatchObject({ state: "created", number: invoices()[1].invoiceNo });
  });

  it("a refusal or a 503 before AddInvoice ran is retried as usual: one invoice", async () => {
    const o = order();
    collector.faults.add({ kind: "status", status: 503, match: "AddInvoice" });
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    expect(invoices()).toHaveLength(0);
    expect(await (await testDb()).document.findFirstOrThrow()).toMatchObject({ state: "claimed" });
    await later();
    await work();
    expect(await failures()).toEqual([expect.stringContaining("Collector did not answer properly (HTTP 503) while adding the invoice")]);
    expect(invoices().map((i) => i.status)).toEqual(["preliminary"]);
  });

  it("ActivateInvoice committed but its answer lost: never activated twice, and the log says what to check", async () => {
    const o = order();
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    collector.faults.add({ kind: "lost-response", match: "ActivateInvoice" });
    shopify.addFulfillment(SHOP, o.id, { lines: [{ index: 0, quantity: 3 }, { index: 1, quantity: 1 }] });
    await deliver(o.id, "orders/fulfilled", "evt-fulfilled");
    await work();
    await later();
    await work();
    expect(invoices().map((i) => i.status)).toEqual(["activated"]);
    const db = await testDb();
    expect((await db.document.findFirstOrThrow()).state).toBe("created");
    const stopped = await db.syncLogEntry.findFirstOrThrow({ where: { status: "failed" } });
    expect(stopped.message).toMatch(/^Collector refused activating invoice \d+ \(the order is fulfilled\): the invoice's status does not allow it \(it may already be activated, cancelled or credited\)\./);
  });

  it("a buyer in a country without a Walley store: nothing is sent, and the log says which store to add", async () => {
    const o = order({ countryCode: "NO" });
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    expect(invoices()).toHaveLength(0);
    const failed = await (await testDb()).syncLogEntry.findFirstOrThrow({ where: { status: "failed" } });
    expect(failed.message).toBe("No Walley store is set for private buyers in NO. Add the store id Walley gave you for them under Connection → Walley stores, then press Retry. It will not be retried automatically. Fix the cause, then use Retry.");
  });

  it("staff actions in the order block: Send from Walley and Extend due date (by Walley's period), once per click", async () => {
    const o = order();
    await deliver(o.id, "orders/create", "evt-create");
    shopify.addFulfillment(SHOP, o.id, { lines: [{ index: 0, quantity: 3 }, { index: 1, quantity: 1 }] });
    await deliver(o.id, "orders/fulfilled", "evt-fulfilled");
    await work();
    const db = await testDb();
    const state = await orderInvoiceState({ db, providerFor: providerForShop(db) }, { shopDomain: SHOP, orderId: String(o.id) });
    expect(state.provider).toMatchObject({ name: "Walley", staffDueDate: false });
    expect(state.documents[0].actions).toEqual({ send: true, resend: false, takeBack: "credit", extendDueDate: true, partActivate: false });
    const document = await db.document.findFirstOrThrow();
    const before = document.dueDate!.toISOString().slice(0, 10);
    const base = { shopDomain: SHOP, orderId: String(o.id), documentId: document.id };
    await requestDocumentAction(db, { ...base, requestId: "click-send-1", action: "send" });
    await requestDocumentAction(db, { ...base, requestId: "click-send-1", action: "send" });
    await requestDocumentAction(db, { ...base, requestId: "click-extend-1", action: "extendDueDate" });
    await work();
    expect(await failures()).toEqual([]);
    const [invoice] = invoices();
    expect(invoice.sent).toEqual([{ method: 2, email: "astrid@example.se" }]);
    const after = new Date(Date.parse(before) + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(invoice.dueDate).toBe(after);
    expect((await db.document.findFirstOrThrow()).dueDate?.toISOString().slice(0, 10)).toBe(after);
    const log = await messages(o.id);
    expect(log).toContain(`At a staff member's request: Walley sent invoice ${invoice.invoiceNo} to astrid@example.se again.`);
    expect(log).toContain(`At a staff member's request: the due date of invoice ${invoice.invoiceNo} moved from ${before} to ${after} in Walley.`);
  });
});
