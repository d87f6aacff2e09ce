// Every provider through the whole path: signed webhooks through the real intake, the worker with the real
// handlers, the simulators over HTTP, a real database. Invoices exactly once; refunds as credit notes that
// credit the invoice, exactly once per refund, for exactly what Shopify refunded.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedInvoicExpressShop, seedVismaShop } from "../helpers/provider-shops";
import { seedEconomicShop } from "../helpers/economic-shop";
import { encryptSecret, parseKey } from "../../app/lib/crypto.server";
import { env } from "../../app/lib/env.server";
import { EconomicSimulator } from "../simulators/economic/server";
import type { SeedRefund } from "../simulators/shopify-admin/orders";
import { vismaAccount } from "../helpers/visma-account";
import { webhookRequest } from "../helpers/webhooks";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { VismaSimulator } from "../simulators/visma/server";
import { InvoicExpressSimulator } from "../simulators/invoicexpress/server";
import { webhookAction } from "../../app/webhooks/webhook-route.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { logger } from "../../app/lib/logger.server";

const SHOP = "e2e.myshopify.com";
let shopify: ShopifyAdminSimulator;
let economic: EconomicSimulator;
let visma: VismaSimulator;
let ix: InvoicExpressSimulator;

type Case = {
  name: string;
  currency: string;
  vatRate: string;
  connect(): Promise<void>;
  /** Documents booked in the accounting system, and drafts left there. */
  counts(): { booked: number; drafts: number } | Promise<{ booked: number; drafts: number }>;
  /** Booked credit notes: the amount credited (positive) and the invoice they name. */
  credits(): Array<{ total: number; credits: string }> | Promise<Array<{ total: number; credits: string }>>;
};

const CASES: Case[] = [
  {
    name: "the shop's own invoices",
    currency: "EUR",
    vatRate: "0.25",
    async connect() {
      const db = await testDb();
      await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: "http://127.0.0.1:9", appSecretToken: "-", agreementGrantToken: "-" });
      await db.connection.updateMany({
        data: {
          providerType: "shop",
          encryptedCredentials: encryptSecret("{}", parseKey(env().ENCRYPTION_KEY)),
          settings: JSON.stringify({ seller: { name: "E2E Shop ApS", addressLines: ["Nørregade 1", "1165 København K"], countryCode: "DK", vatId: "DK12345678" }, invoicePrefix: "INV-", creditNotePrefix: "CN-" }),
        },
      });
    },
    async counts() {
      const rows = await (await testDb()).ownDocument.findMany({ where: { series: "invoice" } });
      return { booked: rows.filter((r) => r.state === "final").length, drafts: rows.filter((r) => r.state === "draft").length };
    },
    async credits() {
      const rows = await (await testDb()).ownDocument.findMany({ where: { series: "credit-note", state: "final" } });
      return rows.map((r) => {
        const content = JSON.parse(r.content) as { totals: { gross: string }; credits: Array<{ number: string }> };
        return { total: Number(content.totals.gross) / 100, credits: `Credit note for invoice ${content.credits[0]?.number}` };
      });
    },
  },
  {
    name: "e-conomic",
    currency: "EUR",
    vatRate: "0.25",
    async connect() {
      economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g", baseCurrency: "EUR" });
      await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g" });
    },
    counts() {
      const a = economic.agreements.get("g")!;
      return { booked: [...a.booked.values()].filter((b) => Number(b.grossAmount) >= 0).length, drafts: a.drafts.size };
    },
    credits() {
      return [...economic.agreements.get("g")!.booked.values()]
        .filter((b) => Number(b.grossAmount) < 0)
        .map((b) => ({ total: -Number(b.grossAmount), credits: String((b.notes as { heading?: string } | undefined)?.heading ?? "") }));
    },
  },
  {
    name: "Visma eAccounting",
    currency: "SEK",
    vatRate: "0.25",
    async connect() {
      const account = vismaAccount(visma);
      await seedVismaShop(await testDb(), { shopDomain: SHOP, vismaUrl: visma.url, tokens: account.tokens(), settings: account.settings });
    },
    counts() {
      const company = [...visma.companies.values()][0];
      return { booked: [...company.invoices.values()].filter((i) => !i.IsCreditInvoice).length, drafts: company.drafts.size };
    },
    credits() {
      const company = [...visma.companies.values()][0];
      return [...company.invoices.values()]
        .filter((i) => i.IsCreditInvoice)
        .map((i) => ({ total: -Number(i.TotalAmountInvoiceCurrency), credits: String(((i.Rows as Array<{ IsTextRow: boolean; Text: string }>).find((r) => r.IsTextRow) ?? { Text: "" }).Text) }));
    },
  },
  {
    name: "InvoicExpress",
    currency: "EUR",
    vatRate: "0.23",
    async connect() {
      ix.addAccount({ name: "e2e", apiKey: "ix-api-key-0123456789" });
      await seedInvoicExpressShop(await testDb(), { shopDomain: SHOP, accountUrl: ix.accountUrl("e2e"), accountName: "e2e", apiKey: "ix-api-key-0123456789" });
    },
    counts() {
      const documents = [...ix.accounts.get("e2e")!.documents.values()].filter((d) => d.type === "Invoice");
      return { booked: documents.filter((d) => d.status === "final").length, drafts: documents.filter((d) => d.status === "draft").length };
    },
    credits() {
      const account = ix.accounts.get("e2e")!;
      return [...account.documents.values()]
        .filter((d) => d.type === "CreditNote" && d.status === "final")
        .map((d) => ({ total: Number(d.total), credits: `Credit note for invoice ${String(account.documents.get(Number(d.owner_invoice_id))?.inverted_sequence_number ?? "?")}` }));
    },
  },
];

async function work() {
  const db = await testDb();
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_e2e", apiVersion: "2026-10", timeoutMs: 2000 });
  const worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 });
  await worker.drain();
}

async function deliver(orderId: number, topic: string, eventId: string, body?: unknown) {
  const rawBody = JSON.stringify(body ?? shopify.restOrderPayload(SHOP, orderId));
  return webhookAction({ request: webhookRequest({ rawBody, shop: SHOP, topic, eventId }), params: {}, context: {} });
}

describeWithDb("every provider, end to end", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    economic = new EconomicSimulator();
    visma = new VismaSimulator();
    ix = new InvoicExpressSimulator();
    await Promise.all([shopify.start(), economic.start(), visma.start(), ix.start()]);
  });
  afterAll(async () => {
    await Promise.all([shopify.close(), economic.close(), visma.close(), ix.close()]);
  });

  describe.each(CASES)("$name", (provider) => {
    beforeEach(async () => {
      await resetDb();
      shopify.shops.clear();
      economic.agreements.clear();
      visma.companies.clear();
      ix.accounts.clear();
      shopify.addShop({ domain: SHOP, accessToken: "shpat_e2e", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: provider.currency });
      await provider.connect();
    });

    const order = () =>
      shopify.addOrder(SHOP, {
        taxesIncluded: true,
        email: "buyer@example.com",
        billingAddress: { firstName: "Bo", lastName: "Buyer", address1: "Street 1", city: "City", zip: "1000", countryCode: provider.currency === "SEK" ? "SE" : "PT" },
        lines: [{ sku: "ABC-1", title: "Thing", quantity: 2, price: "100.00", taxRate: provider.vatRate, discount: "10.00" }],
        shipping: [{ title: "Post", price: "5.00", taxRate: provider.vatRate }],
      });

    it("the same event delivered three times at once, then orders/updated: one booked invoice with Shopify's total", async () => {
      const o = order();
      const answers = await Promise.all([1, 2, 3].map(() => deliver(o.id, "orders/paid", "evt-once")));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      await work();
      await deliver(o.id, "orders/updated", "evt-later");
      await work();
      const failures = await (await testDb()).syncLogEntry.findMany({ where: { status: { in: ["failed", "retrying", "skipped", "info"] } } });
      expect(failures.map((f) => f.message)).toEqual([]);
      expect(await provider.counts()).toEqual({ booked: 1, drafts: 0 });
      const db = await testDb();
      expect(await db.job.count()).toBe(2);
      const document = await db.document.findFirstOrThrow();
      expect(document).toMatchObject({ state: "finalized", totalMinor: 19500n });
      const done = await db.syncLogEntry.findMany({ where: { status: "done" }, orderBy: { createdAt: "asc" } });
      expect(done.map((e) => e.message)).toEqual([
        expect.stringMatching(new RegExp(`^Invoice .+ booked in ${provider.name} for order ${o.name} \\(total 195\\.00 ${provider.currency}\\)\\.`)),
        `Order ${o.name} already has invoice ${document.number} in ${provider.name}; nothing new was made.`,
      ]);
    });

    const refund = async (orderId: number, seed: SeedRefund, eventId: string, times = 1) => {
      const made = shopify.addRefund(SHOP, orderId, seed);
      const payload = shopify.refundPayload(SHOP, orderId, made.id);
      await Promise.all(Array.from({ length: times }, () => deliver(orderId, "refunds/create", eventId, payload)));
      await work();
      return made;
    };

    it("refunds become credit notes for exactly what Shopify refunded, crediting the invoice, once per refund", async () => {
      const o = order();
      await deliver(o.id, "orders/paid", "evt-paid");
      await work();
      const db = await testDb();
      const invoice = await db.document.findFirstOrThrow({ where: { kind: "invoice" } });
      // a partial refund of one unit, delivered twice at once; shipping alone; an amount with no line
      const first = await refund(o.id, { lines: [{ index: 0, quantity: 1 }] }, "evt-refund-1", 2);
      const second = await refund(o.id, { shipping: true }, "evt-refund-2");
      const third = await refund(o.id, { amount: "7.50", note: "goodwill" }, "evt-refund-3");
      const failures = await db.syncLogEntry.findMany({ where: { status: { in: ["failed", "retrying"] } } });
      expect(failures.map((f) => f.message)).toEqual([]);
      const refunded = [first, second, third].map((r) => Number(r.total.shop) / 100);
      expect(refunded).toEqual([95, 5, 7.5]);
      expect((await provider.credits()).map((c) => c.total).sort((a, b) => a - b)).toEqual([...refunded].sort((a, b) => a - b));
      expect((await provider.credits()).every((c) => c.credits === `Credit note for invoice ${invoice.number}`)).toBe(true);
      expect(await provider.counts()).toEqual({ booked: 1, drafts: 0 });
      const notes = await db.document.findMany({ where: { kind: "creditNote" }, orderBy: { createdAt: "asc" } });
      expect(notes.map((n) => [n.source, n.state, n.totalMinor])).toEqual([
        [`refund:${first.id}`, "finalized", 9500n],
        [`refund:${second.id}`, "finalized", 500n],
        [`refund:${third.id}`, "finalized", 750n],
      ]);
      const logged = await db.syncLogEntry.findMany({ where: { status: "done", documentId: { in: notes.map((n) => n.id) } } });
      expect(logged.map((e) => e.message)).toContain(
        `Credit note ${notes[0].number} booked in ${provider.name} for the refund on order ${o.name} (95.00 ${provider.currency}), crediting invoice ${invoice.number}.`,
      );
    });

    it("cancellations: before invoicing nothing is made; after, the invoice is taken back once, and a late refund is not credited again", async () => {
      const db = await testDb();
      const early = order();
      shopify.setOrderStatus(SHOP, early.id, { cancelled: true });
      await deliver(early.id, "orders/cancelled", "evt-cancel-early");
      await work();
      expect((await db.syncLogEntry.findFirstOrThrow({ where: { orderId: String(early.id) } })).message).toBe(
        `Order ${early.name} was cancelled before it was invoiced, so nothing was made.`,
      );
      expect(await db.document.count()).toBe(0);

      const late = order();
      await deliver(late.id, "orders/paid", "evt-paid-late");
      await work();
      const invoice = await db.document.findFirstOrThrow({ where: { kind: "invoice" } });
      shopify.setOrderStatus(SHOP, late.id, { cancelled: true });
      await deliver(late.id, "orders/cancelled", "evt-cancel-late");
      await deliver(late.id, "orders/updated", "evt-updated-late");
      await work();
      await refund(late.id, { lines: [{ index: 0, quantity: 1 }] }, "evt-refund-late");
      const failures = await db.syncLogEntry.findMany({ where: { status: { in: ["failed", "retrying"] } } });
      expect(failures.map((f) => f.message)).toEqual([]);
      const messages = (await db.syncLogEntry.findMany({ where: { orderId: String(late.id) }, orderBy: { createdAt: "asc" } })).map((e) => e.message);
      if (provider.name === "InvoicExpress") {
        // InvoicExpress cancels the invoice itself, with a message
        const cancelled = [...ix.accounts.get("e2e")!.documents.values()].find((d) => d.type === "Invoice")!;
        expect(cancelled.status).toBe("canceled");
        expect(await provider.credits()).toEqual([]);
        expect(messages).toContain(`Order ${late.name} was cancelled: invoice ${invoice.number} cancelled in InvoicExpress.`);
        expect((await db.document.findUniqueOrThrow({ where: { id: invoice.id } })).state).toBe("cancelled");
      } else {
        expect(await provider.credits()).toEqual([{ total: 195, credits: `Credit note for invoice ${invoice.number}` }]);
        const note = await db.document.findFirstOrThrow({ where: { kind: "creditNote" } });
        expect(note).toMatchObject({ source: "cancellation", state: "finalized", totalMinor: 19500n });
        expect(messages).toContain(`Order ${late.name} was cancelled: credit note ${note.number} booked in ${provider.name} (195.00 ${provider.currency}), crediting invoice ${invoice.number} in full.`);
        expect(messages).toContain(`Order ${late.name} was cancelled; credit note ${note.number} already credits invoice ${invoice.number} in full.`);
      }
      expect(messages.at(-1)).toBe(`The refund of 95.00 ${provider.currency} on order ${late.name} was not credited: the cancellation already took back invoice ${invoice.number} in full.`);
    });

    it("invoicing per fulfilment: F1 with the units shipped and the shipping, F2 with the rest, each once; together Shopify's total", async () => {
      const db = await testDb();
      const shop = await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } });
      const settings = JSON.parse(shop.settings);
      await db.shop.update({ where: { id: shop.id }, data: { settings: JSON.stringify({ ...settings, rules: { ...settings.rules, perFulfillment: true } }) } });
      const o = order();
      await deliver(o.id, "orders/paid", "evt-paid");
      await work();
      expect(await provider.counts()).toEqual({ booked: 0, drafts: 0 });
      shopify.addFulfillment(SHOP, o.id, { lines: [{ index: 0, quantity: 1 }] });
      await deliver(o.id, "orders/partially_fulfilled", "evt-f1");
      await work();
      shopify.addFulfillment(SHOP, o.id, { lines: [{ index: 0, quantity: 1 }] });
      await deliver(o.id, "orders/fulfilled", "evt-f2");
      await deliver(o.id, "orders/updated", "evt-again");
      await work();
      const failures = await db.syncLogEntry.findMany({ where: { status: { in: ["failed", "retrying"] } } });
      expect(failures.map((f) => f.message)).toEqual([]);
      expect(await provider.counts()).toEqual({ booked: 2, drafts: 0 });
      const invoices = await db.document.findMany({ where: { kind: "invoice" }, orderBy: { createdAt: "asc" } });
      expect(invoices.map((d) => [d.orderName, d.state])).toEqual([
        [`${o.name}-F1`, "finalized"],
        [`${o.name}-F2`, "finalized"],
      ]);
      // one unit of 200.00 less half the 10.00 discount, plus the 5.00 shipping on the first
      expect(invoices.map((d) => d.totalMinor)).toEqual([10000n, 9500n]);
      expect(invoices.reduce((sum, d) => sum + d.totalMinor!, 0n)).toBe(19500n);
      const messages = (await db.syncLogEntry.findMany({ where: { status: "done" }, orderBy: { createdAt: "asc" } })).map((e) => e.message);
      expect(messages).toEqual([
        `Invoice ${invoices[0].number} booked in ${provider.name} for ${o.name}-F1, fulfilment ${o.name}.1 (1 unit(s), total 100.00 ${provider.currency}).`,
        `Invoice ${invoices[1].number} booked in ${provider.name} for ${o.name}-F2, fulfilment ${o.name}.2 (1 unit(s), total 95.00 ${provider.currency}).`,
      ]);
    });

    it("an edit after invoicing: the units taken off are credited, the lines added invoiced, each once; the invoice stays as it was", async () => {
      const db = await testDb();
      const o = order();
      await deliver(o.id, "orders/paid", "evt-paid");
      await work();
      const invoice = await db.document.findFirstOrThrow({ where: { kind: "invoice" } });
      const edit = shopify.editOrder(SHOP, o.id, { remove: [{ index: 0, quantity: 1 }], add: [{ sku: "ABC-2", title: "Other thing", quantity: 3, price: "20.00", taxRate: provider.vatRate }] });
      const payload = shopify.editPayload(SHOP, o.id, edit);
      await Promise.all([deliver(o.id, "orders/edited", "evt-edit", payload), deliver(o.id, "orders/edited", "evt-edit", payload)]);
      await work();
      await deliver(o.id, "orders/edited", "evt-edit-retry-as-new", payload);
      await work();
      const failures = await db.syncLogEntry.findMany({ where: { status: { in: ["failed", "retrying"] } } });
      expect(failures.map((f) => f.message)).toEqual([]);
      // the invoice is unchanged; one credit note for the unit taken off (95.00); one invoice for the 3 added (60.00)
      expect(await db.document.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ state: "finalized", totalMinor: 19500n, number: invoice.number });
      expect(await provider.counts()).toEqual({ booked: 2, drafts: 0 });
      expect(await provider.credits()).toEqual([{ total: 95, credits: `Credit note for invoice ${invoice.number}` }]);
      const documents = await db.document.findMany({ where: { source: `edit:${edit.id}` }, orderBy: { kind: "asc" } });
      expect(documents.map((d) => [d.kind, d.state, d.totalMinor])).toEqual([
        ["creditNote", "finalized", 9500n],
        ["invoice", "finalized", 6000n],
      ]);
      // Shopify's total after the edit is exactly the invoice, less the credit, plus the new invoice
      expect(19500n - 9500n + 6000n).toBe(shopify.order(SHOP, o.id).totals.total.shop);
    });

    it("a refund whose money has not moved waits; an order with no invoice gets no credit note, and the log says why", async () => {
      const o = order();
      await deliver(o.id, "orders/paid", "evt-paid");
      await work();
      await refund(o.id, { lines: [{ index: 0, quantity: 1 }], transactionStatus: "pending" }, "evt-pending");
      const db = await testDb();
      expect(await provider.credits()).toEqual([]);
      const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { topic: "REFUNDS_CREATE" } });
      const waiting = await db.job.findFirstOrThrow({ where: { payload: { contains: delivery.id } } });
      expect(waiting.status).toBe("queued");
      expect(waiting.runAt.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
      expect((await db.syncLogEntry.findFirstOrThrow({ where: { status: "retrying" } })).message).toContain(
        `has not been paid out yet; the credit note follows once the money has moved.`,
      );
      const uninvoiced = shopify.addOrder(SHOP, { taxesIncluded: true, email: "x@example.com", financialStatus: "pending", lines: [{ sku: "ABC-1", title: "Thing", quantity: 1, price: "10.00", taxRate: provider.vatRate }] });
      await refund(uninvoiced.id, { lines: [{ index: 0, quantity: 1 }] }, "evt-early");
      expect((await db.syncLogEntry.findFirstOrThrow({ where: { orderId: String(uninvoiced.id), status: "skipped" } })).message).toBe(
        `Order ${uninvoiced.name} has no invoice yet, so its refund of 10.00 ${provider.currency} was not credited. An invoice made later starts from the order as it is then.`,
      );
    });
  });
});
