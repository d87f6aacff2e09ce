// Visma eAccounting and InvoicExpress through the whole path: signed webhooks through the real intake,
// the worker with the real handlers, the simulators over HTTP, a real database. Exactly once, both.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedInvoicExpressShop, seedVismaShop } from "../helpers/provider-shops";
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
let visma: VismaSimulator;
let ix: InvoicExpressSimulator;

type Case = {
  name: string;
  currency: string;
  vatRate: string;
  connect(): Promise<void>;
  /** Documents booked in the accounting system, and drafts left there. */
  counts(): { booked: number; drafts: number };
};

const CASES: Case[] = [
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
      return { booked: company.invoices.size, drafts: company.drafts.size };
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
      const documents = [...ix.accounts.get("e2e")!.documents.values()];
      return { booked: documents.filter((d) => d.status === "final").length, drafts: documents.filter((d) => d.status === "draft").length };
    },
  },
];

async function work() {
  const db = await testDb();
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_e2e", apiVersion: "2026-10", timeoutMs: 2000 });
  const worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 });
  await worker.drain();
}

async function deliver(orderId: number, topic: string, eventId: string) {
  const rawBody = JSON.stringify(shopify.restOrderPayload(SHOP, orderId));
  return webhookAction({ request: webhookRequest({ rawBody, shop: SHOP, topic, eventId }), params: {}, context: {} });
}

describeWithDb("Visma and InvoicExpress, end to end", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    visma = new VismaSimulator();
    ix = new InvoicExpressSimulator();
    await Promise.all([shopify.start(), visma.start(), ix.start()]);
  });
  afterAll(async () => {
    await Promise.all([shopify.close(), visma.close(), ix.close()]);
  });

  describe.each(CASES)("$name", (provider) => {
    beforeEach(async () => {
      await resetDb();
      shopify.shops.clear();
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
      expect(provider.counts()).toEqual({ booked: 1, drafts: 0 });
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
  });
});
