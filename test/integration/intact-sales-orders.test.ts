// Intact iQ sales orders through the whole path: signed webhooks through the real intake, the worker with the
// real handlers, the Shopify simulator and the Intact SOAP simulator over HTTP, a real database. A Shopify
// order is pushed as one sales order on the company's Intact account, however often Shopify delivers it and
// even when Intact's answer is lost; Intact invoices it itself, and the invoice then shows on the buyer's
// Invoices page. The amounts equal Shopify's to the cent (tax included and excluded, discounts, shipping, 0-
// and 2-decimal currencies; 3 decimals refused in words), and a missing account says what to set where.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { customerToken } from "../helpers/customer-token";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedIntactShop } from "../helpers/provider-shops";
import { webhookRequest } from "../helpers/webhooks";
import { IntactSimulator } from "../simulators/intact/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import type { SeedOrder } from "../simulators/shopify-admin/orders";
import { formatMinor, toMinor } from "../../app/lib/money";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const intact = new IntactSimulator();
await intact.start();

const SHOP = "intact-orders.myshopify.com";
const { SANDBOX_API_KEY, SANDBOX_API_SECRET } = await import("../../app/lib/env.server");
const { webhookAction } = await import("../../app/webhooks/webhook-route.server");
const { EmbeddedWorker } = await import("../../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../../app/jobs/handlers.server");
const { retryJob } = await import("../../app/jobs/retry.server");
const { httpAdminClient } = await import("../../app/shopify/admin-client.server");
const { logger } = await import("../../app/lib/logger.server");
const invoicesRoute = await import("../../app/routes/api.account.invoices");
const { forgetAccess } = await import("../../app/account/access.server");
const { previewOrderInvoice, requestGenerateInvoice } = await import("../../app/admin/order-invoice.server");
const { providerForShop } = await import("../../app/providers/connections.server");

async function work() {
  const db = await testDb();
  const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_intact", apiVersion: "2026-10", timeoutMs: 2000 });
  await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 }).drain();
}
async function later() {
  await (await testDb()).job.updateMany({ where: { status: "queued" }, data: { runAt: new Date() } });
}
async function deliver(orderId: number, topic: string, eventId: string) {
  const rawBody = JSON.stringify(shopify.restOrderPayload(SHOP, orderId));
  return webhookAction({ request: webhookRequest({ rawBody, shop: SHOP, topic, eventId }), params: {}, context: {} });
}
const messages = async (orderId: number) => (await (await testDb()).syncLogEntry.findMany({ where: { orderId: String(orderId) }, orderBy: { createdAt: "asc" } })).map((e) => e.message);
const cents = (amount: string) => Math.round(Number(amount) * 100);
/** What Shopify charged, in minor units. */
const shopifyTotal = (orderId: number) => toMinor(String(shopify.restOrderPayload(SHOP, orderId).total_price), shopify.shop(SHOP).currency);

let buyer: number;
let companyId: number;
let locationId: number;

function order(overrides: Partial<SeedOrder> = {}) {
  return shopify.addOrder(SHOP, {
    customerId: buyer,
    email: "ida@nordic.example",
    taxesIncluded: false,
    financialStatus: "pending",
    company: { id: companyId, name: "Nordic Cafés ApS", locationId, locationName: "Aarhus", externalId: "NORDIC01" },
    billingAddress: { firstName: "Ida", lastName: "Holm", company: "Nordic Cafés ApS", address1: "Åboulevarden 1", city: "Aarhus", zip: "8000", countryCode: "DK" },
    lines: [
      { sku: "KOP-HVID", title: "Kop, hvid", quantity: 3, price: "100.00", taxRate: "0.25", discount: "10.00" },
      { sku: "FAD", title: "Fad", quantity: 1, price: "50.00", taxRate: "0.25" },
    ],
    shipping: [{ title: "GLS", price: "49.00", taxRate: "0.25" }],
    ...overrides,
  });
}

afterAll(() => Promise.all([shopify.close(), intact.close()]));

describeWithDb("Intact iQ sales orders, end to end through webhooks", () => {
  beforeAll(() => resetDb());
  beforeEach(async () => {
    await resetDb();
    forgetAccess();
    shopify.shops.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_intact", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
    await (await testDb()).session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", isOnline: false, accessToken: "shpat_intact", scope: "write_orders,read_customers" } });
    buyer = shopify.addCustomer(SHOP, { email: "ida@nordic.example", firstName: "Ida", lastName: "Holm" }).id;
    const company = shopify.shop(SHOP).companies.add({ name: "Nordic Cafés ApS", externalId: "NORDIC01", locations: [{ name: "Aarhus" }], contacts: [{ customerId: buyer, roles: [{ location: 0 }] }] }, () => true);
    companyId = company.id;
    locationId = company.locations[0].id;
    await fetch(`${intact.url}/_control/reset`, { method: "POST" });
    intact.addUser("webshop", "iq-secret");
    intact.addAccount({ code: "NORDIC01", name: "Nordic Cafés ApS" });
    await seedIntactShop(await testDb(), { shopDomain: SHOP, endpoint: intact.endpoint, username: "webshop", password: "iq-secret", settings: { salesOrders: true } });
  });

  it("orders/create three times at once and orders/updated push one sales order on the company's account, for Shopify's total", async () => {
    const o = order();
    const answers = await Promise.all([1, 2, 3].map(() => deliver(o.id, "orders/create", "evt-create")));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await deliver(o.id, "orders/updated", "evt-updated");
    await work();
    expect(intact.salesOrders).toHaveLength(1);
    const [pushed] = intact.salesOrders;
    expect(pushed).toMatchObject({ account: "NORDIC01", currency: "DKK" });
    expect(pushed.reference).toMatch(new RegExp(`^Shopify ${o.id} [0-9a-f]{10}$`));
    // Net prices, the discount as its own line, shipping as a line; Intact totals it per VAT rate.
    expect(pushed.lines.map((l) => [l.ProductCode, l.Quantity, l.UnitPrice, l.TaxRate])).toEqual([
      ["KOP-HVID", 3, 100, 25],
      ["KOP-HVID", 1, -10, 25],
      ["FAD", 1, 50, 25],
      ["SHIPPING", 1, 49, 25],
    ]);
    // 389.00 net + 97.25 VAT
    expect(pushed.gross).toBe("486.25");
    expect(shopifyTotal(o.id)).toBe(48625n);
    const db = await testDb();
    const document = await db.document.findFirstOrThrow();
    expect(document).toMatchObject({ state: "created", number: pushed.number, providerRef: `order:${pushed.number}`, providerType: "intact", totalMinor: BigInt(cents(pushed.gross)) });
    expect(await messages(o.id)).toContain(
      `Sales order ${pushed.number} made in Intact iQ for order ${o.name} (total ${pushed.gross} DKK). Intact iQ makes the invoice from it; the buyer then finds it on their Invoices page.`,
    );
    // Intact invoices it in its own time; the buyer sees that invoice on their Invoices page.
    const invoice = intact.invoiceSalesOrder(pushed.number, "2026-12-07");
    const token = await customerToken(SANDBOX_API_KEY, SANDBOX_API_SECRET, SHOP, buyer);
    const page = await (await invoicesRoute.loader({ request: new Request("http://127.0.0.1:3000/api/account/invoices", { headers: { Authorization: `Bearer ${token}` } }), params: {}, context: {} })).json();
    expect(page.documents.map((d: { number: string; total: string; status: string }) => [d.number, d.total, d.status])).toEqual([[invoice.number, `${pushed.gross} DKK`, "open"]]);
  });

  it("CreateSalesOrder committed but its answer lost: the retry finds it by its reference; one sales order", async () => {
    const o = order();
    intact.faults.add({ kind: "lost-response", match: "CreateSalesOrder" });
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    expect(intact.salesOrders).toHaveLength(1);
    await later();
    await work();
    await deliver(o.id, "orders/updated", "evt-updated");
    await work();
    expect(intact.salesOrders).toHaveLength(1);
    const db = await testDb();
    expect(await db.document.findFirstOrThrow()).toMatchObject({ state: "created", number: intact.salesOrders[0].number });
    expect(await db.syncLogEntry.count({ where: { status: "failed" } })).toBe(0);
    expect(await messages(o.id)).toContain(`Order ${o.name} already has sales order ${intact.salesOrders[0].number} in Intact iQ; nothing new was made.`);
  });

  it("no account code for the company: nothing is pushed, the log says what to set where; once set in Shopify, Retry pushes it", async () => {
    shopify.shop(SHOP).companies.update(companyId, { externalId: null });
    const o = order({ company: { id: companyId, name: "Nordic Cafés ApS", locationId, locationName: "Aarhus", externalId: null } });
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    expect(intact.salesOrders).toHaveLength(0);
    const db = await testDb();
    const failed = await db.syncLogEntry.findFirstOrThrow({ where: { status: "failed" } });
    expect(failed.message).toBe(
      "No Intact account is set for company Nordic Cafés ApS: its external ID in Shopify is empty. Set it to the company's Intact account code (Customers → Companies → Nordic Cafés ApS → Edit), " +
        "or add it to the account table under Settings → Connection. It will not be retried automatically. Fix the cause, then use Retry.",
    );
    shopify.shop(SHOP).companies.update(companyId, { externalId: "NORDIC01" });
    const job = await db.job.findFirstOrThrow({ where: { status: "failed" } });
    expect(await retryJob(db, { shopDomain: SHOP, jobId: job.id })).toBe("queued");
    await work();
    expect(intact.salesOrders.map((s) => s.account)).toEqual(["NORDIC01"]);
  });

  it("the order page: staff preview names the Intact account (or what to set), and Generate invoice pushes the sales order", async () => {
    const db = await testDb();
    const deps = { db, providerFor: providerForShop(db), adminClientFor: async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_intact", apiVersion: "2026-10", timeoutMs: 2000 }) };
    const o = order();
    const preview = await previewOrderInvoice(deps, { shopDomain: SHOP, orderId: String(o.id) });
    expect(preview).toMatchObject({ kinds: ["invoice"], customer: { match: "account NORDIC01 (by the account-code mapping)" }, dueDate: { settable: false } });
    shopify.shop(SHOP).companies.update(companyId, { externalId: null });
    const missing = await previewOrderInvoice(deps, { shopDomain: SHOP, orderId: String(o.id) });
    expect(missing.customer.match).toBe("no account: see the reasons");
    expect(missing.reasons).toContain(
      "No Intact account is set for company Nordic Cafés ApS: its external ID in Shopify is empty. Set it to the company's Intact account code (Customers → Companies → Nordic Cafés ApS → Edit), or add it to the account table under Settings → Connection.",
    );
    shopify.shop(SHOP).companies.update(companyId, { externalId: "NORDIC01" });
    await requestGenerateInvoice(db, { shopDomain: SHOP, orderId: String(o.id), kind: "invoice", invoiceDate: "2026-12-07", requestId: "click-00000001" });
    await work();
    expect(intact.salesOrders.map((s) => [s.account, s.orderDate])).toEqual([["NORDIC01", "2026-12-07"]]);
  });

  it("sales orders turned off: nothing is pushed, and the log says where to turn them on", async () => {
    const db = await testDb();
    await db.connection.updateMany({ data: { settings: JSON.stringify({ wsdlUrl: `${intact.endpoint}?wsdl`, endpoint: intact.endpoint, salesOrders: false }) } });
    const o = order();
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    expect(intact.salesOrders).toHaveLength(0);
    expect(await messages(o.id)).toContain(
      `Order ${o.name} was not sent to Intact iQ: sending orders there is turned off in the connection's settings (Settings → Connection). Its invoice is made in Intact iQ itself.`,
    );
  });

  it("a refund is credited in Intact, not by the app, and the log says so", async () => {
    const o = order({ financialStatus: "paid" });
    await deliver(o.id, "orders/create", "evt-create");
    await work();
    const refund = shopify.addRefund(SHOP, o.id, { lines: [{ index: 1, quantity: 1 }] });
    await webhookAction({ request: webhookRequest({ rawBody: JSON.stringify(shopify.refundPayload(SHOP, o.id, refund.id)), shop: SHOP, topic: "refunds/create", eventId: "evt-refund" }), params: {}, context: {} });
    await work();
    expect(intact.salesOrders).toHaveLength(1);
    expect(await messages(o.id)).toContain(`The refund of 62.50 DKK on order ${o.name} was not credited by the app: Intact iQ invoiced the order itself, so credit its invoice in Intact iQ.`);
  });

  // Each sales order Intact totals (net per rate, its VAT rounded once) equals Shopify's total to the minor unit.
  const cases: Array<{ name: string; currency: string; order: Partial<SeedOrder>; refused?: string }> = [
    {
      name: "tax included, two rates, a line discount that does not divide, discounted shipping",
      currency: "EUR",
      order: {
        taxesIncluded: true,
        lines: [
          { sku: "BOOK", title: "Bog", quantity: 3, price: "19.99", taxRate: "0.07", discount: "1.00" },
          { sku: "MUG", title: "Krus", quantity: 7, price: "12.95", taxRate: "0.19", discount: "3.33" },
        ],
        shipping: [{ title: "DHL", price: "5.90", taxRate: "0.19", discount: "1.00" }],
      },
    },
    {
      name: "tax excluded, a 100% discount line, shipping",
      currency: "DKK",
      order: {
        taxesIncluded: false,
        lines: [
          { sku: "GIFT", title: "Gave", quantity: 1, price: "80.00", taxRate: "0.25", discount: "80.00" },
          { sku: "TEA", title: "Te", quantity: 4, price: "33.33", taxRate: "0.25" },
        ],
        shipping: [{ title: "GLS", price: "39.00", taxRate: "0.25" }],
      },
    },
    { name: "JPY (no decimals)", currency: "JPY", order: { taxesIncluded: true, lines: [{ sku: "CHA", title: "お茶", quantity: 3, price: "1080", taxRate: "0.08", discount: "100" }], shipping: [] } },
    {
      name: "KWD (3 decimals) is refused in words",
      currency: "KWD",
      order: { taxesIncluded: false, lines: [{ sku: "DATES", title: "Dates", quantity: 1, price: "2.125", taxRate: "0" }], shipping: [] },
      refused: "Intact's sales orders take amounts with at most 2 decimals, so an order in KWD cannot be pushed. Enter it in Intact by hand.",
    },
  ];
  for (const c of cases) {
    it(`amounts: ${c.name}`, async () => {
      shopify.shop(SHOP).currency = c.currency;
      const o = order(c.order);
      await deliver(o.id, "orders/create", `evt-${c.currency}`);
      await work();
      const db = await testDb();
      if (c.refused) {
        expect(intact.salesOrders).toHaveLength(0);
        expect((await db.syncLogEntry.findFirstOrThrow({ where: { status: "failed" } })).message).toContain(c.refused);
        return;
      }
      expect(await db.syncLogEntry.count({ where: { status: "failed" } })).toBe(0);
      const [pushed] = intact.salesOrders;
      expect(pushed.currency).toBe(c.currency);
      const document = await db.document.findFirstOrThrow();
      // The shop's total in minor units, as Shopify charged it, against Intact's own total.
      const charged = shopifyTotal(o.id);
      expect(document.totalMinor).toBe(charged);
      expect(pushed.gross).toBe(formatMinor(charged, c.currency));
    });
  }
});
