import { beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { orderPayload, SHOP, webhookRequest } from "../helpers/webhooks";
import { webhookAction } from "../../app/webhooks/webhook-route.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { logger } from "../../app/lib/logger.server";
import { RetryableError } from "../../app/lib/errors";

const OTHER_SHOP = "other-shop.myshopify.com";

async function deliver(topic: string, body: unknown, shop = SHOP) {
  const group = topic.startsWith("orders/") ? "orders" : topic.startsWith("refunds/") ? "refunds" : topic.startsWith("app/") ? "app" : "compliance";
  const response = await webhookAction({ request: webhookRequest({ topic, body, shop, path: `/webhooks/${group}` }), params: {}, context: {} });
  expect(response.status).toBe(200);
}

async function runJobs() {
  const db = await testDb();
  // No Shopify here: the order sync falls back to the notification's copy of each order.
  const adminClientFor = async () => {
    throw new RetryableError("shopify_unreachable", "Shopify cannot be reached.");
  };
  const worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 });
  await worker.drain();
}

/** Every row of every table of ours, as one text: what a redaction must leave no trace in. */
async function everything(shop?: string) {
  const db = await testDb();
  const where = shop ? { shopDomain: shop } : {};
  const rows = await Promise.all([
    db.webhookDelivery.findMany({ where }),
    db.job.findMany({ where }),
    db.syncLogEntry.findMany({ where }),
    db.document.findMany({ where }),
    db.customerLink.findMany({ where }),
    db.dataRequest.findMany({ where }),
    db.session.findMany({ where: shop ? { shop } : {} }),
  ]);
  return JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

const alice = {
  id: 9001,
  email: "alice.hansen@example.dk",
  first_name: "Alice",
  last_name: "Hansen",
  phone: "+4512345678",
};
const aliceAddress = { first_name: "Alice", last_name: "Hansen", address1: "Nørregade 7", city: "København", zip: "1165", country_code: "DK", phone: "+4512345678" };
const aliceOrder = orderPayload({
  id: 5001,
  name: "#5001",
  email: alice.email,
  customer: alice,
  billing_address: aliceAddress,
  shipping_address: aliceAddress,
  note: "Ring på hos Alice Hansen",
});
const bobOrder = orderPayload({
  id: 5002,
  name: "#5002",
  email: "bob@example.com",
  customer: { id: 9002, email: "bob@example.com", first_name: "Bob", last_name: "Builder" },
  billing_address: { first_name: "Bob", last_name: "Builder", address1: "Main St 1", city: "Springfield", zip: "99999", country_code: "US" },
});

describeWithDb("uninstall and the compliance topics", () => {
  beforeEach(async () => {
    await resetDb();
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: SHOP } });
    await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", accessToken: "shpat_secret" } });
    await deliver("orders/paid", aliceOrder);
    await deliver("orders/paid", bobOrder);
    await runJobs();
    await db.document.create({
      data: {
        shopDomain: SHOP, orderId: "5001", orderName: "#5001", kind: "invoice", source: "order", idempotencyKey: "k-5001",
        providerType: "economic", number: "20001", state: "finalized", currency: "EUR", totalMinor: 12500n,
        buyerEmail: alice.email, buyerName: "Alice Hansen",
      },
    });
    await db.customerLink.create({ data: { shopDomain: SHOP, providerType: "economic", shopifyCustomerId: "9001", matchKey: alice.email, externalId: "C-17" } });
    await db.syncLogEntry.create({ data: { shopDomain: SHOP, orderId: "5001", status: "done", message: "Invoice 20001 e-mailed to alice.hansen@example.dk (Alice Hansen)." } });
  });

  it("app/uninstalled stops the shop's jobs, marks it uninstalled, deletes its sessions, and keeps its documents", async () => {
    const db = await testDb();
    // GIVEN a job still waiting for this shop
    await db.job.create({ data: { type: "order.event", shopDomain: SHOP, uniqueKey: "waiting", payload: "{}", runAt: new Date(Date.now() + 60_000) } });
    // WHEN Shopify says the app was uninstalled
    await deliver("app/uninstalled", { id: 1, domain: SHOP, myshopify_domain: SHOP });
    await runJobs();
    // THEN
    expect(await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).toMatchObject({ status: "uninstalled" });
    expect((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).uninstalledAt).not.toBeNull();
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.job.findUniqueOrThrow({ where: { uniqueKey: "waiting" } })).toMatchObject({ status: "cancelled" });
    expect(await db.document.count({ where: { shopDomain: SHOP } })).toBe(1);
    const last = await db.syncLogEntry.findFirstOrThrow({ where: { shopDomain: SHOP }, orderBy: { createdAt: "desc" } });
    expect(last.message).toContain("uninstalled");
    // AND an order event arriving afterwards is skipped, not processed
    await deliver("orders/updated", aliceOrder);
    await runJobs();
    const skipped = await db.syncLogEntry.findFirstOrThrow({ where: { shopDomain: SHOP, status: "skipped" } });
    expect(skipped.message).toContain("uninstalled");
  });

  it("customers/redact erases that customer's personal data from every table, and only theirs", async () => {
    const before = await everything(SHOP);
    for (const trace of [alice.email, "Alice", "Hansen", "Nørregade 7", "+4512345678"]) expect(before).toContain(trace);

    await deliver("customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: alice.id, email: alice.email, phone: alice.phone },
      orders_to_redact: [5001],
    });
    await runJobs();

    const db = await testDb();
    const after = await everything(SHOP);
    for (const trace of [alice.email, "Alice", "Hansen", "Nørregade 7", "+4512345678"]) {
      expect(after, `"${trace}" is still stored`).not.toContain(trace);
    }
    // Bob is untouched, the order's non-personal facts stay, and the document (an accounting record) stays.
    expect(after).toContain("bob@example.com");
    expect(after).toContain("Builder");
    const aliceDelivery = JSON.parse((await db.webhookDelivery.findFirstOrThrow({ where: { payload: { contains: '"id":5001' } } })).payload);
    expect(aliceDelivery).toMatchObject({ id: 5001, name: "#5001", total_price: "125.00", email: "[redacted]" });
    expect(aliceDelivery.billing_address.country_code).toBe("DK");
    expect(await db.document.findFirstOrThrow({ where: { orderId: "5001" } })).toMatchObject({ number: "20001", buyerEmail: null, buyerName: null });
    expect(await db.customerLink.count()).toBe(0);
    const done = await db.syncLogEntry.findFirstOrThrow({ where: { message: { contains: "erase a customer's personal data" } } });
    expect(done.status).toBe("done");
  });

  it("customers/data_request records the request and makes an export of that customer's data", async () => {
    await deliver("customers/data_request", {
      shop_id: 1,
      shop_domain: SHOP,
      orders_requested: [5001],
      customer: { id: alice.id, email: alice.email, phone: alice.phone },
      data_request: { id: 777 },
    });
    await runJobs();
    const db = await testDb();
    const request = await db.dataRequest.findFirstOrThrow({ where: { shopDomain: SHOP } });
    expect(request).toMatchObject({ shopifyCustomerId: "9001", email: alice.email });
    const exported = JSON.parse(request.export);
    expect(exported.requestId).toBe("777");
    expect(exported.orders).toEqual(["5001"]);
    expect(exported.notifications).toHaveLength(1);
    expect(exported.notifications[0].payload.billing_address.address1).toBe("Nørregade 7");
    expect(exported.documents).toEqual([expect.objectContaining({ number: "20001", buyerEmail: alice.email, totalMinor: "12500" })]);
    expect(exported.customerMatches).toEqual([{ provider: "economic", externalId: "C-17", matchedOn: alice.email }]);
    expect(JSON.stringify(exported)).not.toContain("bob@example.com");
    const entry = await db.syncLogEntry.findFirstOrThrow({ where: { message: { contains: "request for their data" } } });
    expect(entry.detail).toContain(request.id);
  });

  it("shop/redact erases everything of that shop and nothing of another", async () => {
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: OTHER_SHOP } });
    await deliver("orders/paid", bobOrder, OTHER_SHOP);
    await runJobs();
    const otherBefore = await everything(OTHER_SHOP);
    // a historical import the shop ran (its error may name orders)
    await db.importRun.create({ data: { shopDomain: SHOP, createdFrom: new Date("2026-01-01"), createdTo: new Date("2026-01-31"), criteria: "{}", status: "done", lastError: "order #5001" } });
    // and a "Generate invoices" run from the order list (its summary names orders)
    await db.bulkRun.create({ data: { shopDomain: SHOP, requestId: "bulk-click-1", kind: "invoice", selected: 1, queued: 1, summary: '[{"orderId":"5001","orderName":"#5001","outcome":"queued"}]' } });

    await deliver("shop/redact", { shop_id: 1, shop_domain: SHOP });
    await runJobs();

    expect(await everything(SHOP)).toBe("[[],[],[],[],[],[],[]]");
    expect(await db.shop.count({ where: { shopDomain: SHOP } })).toBe(0);
    expect(await db.jobGroupLock.count({ where: { groupKey: { startsWith: SHOP } } })).toBe(0);
    expect(await db.importRun.count({ where: { shopDomain: SHOP } })).toBe(0);
    expect(await db.bulkRun.count({ where: { shopDomain: SHOP } })).toBe(0);
    expect(await everything(OTHER_SHOP)).toBe(otherBefore);
    expect(await db.shop.count({ where: { shopDomain: OTHER_SHOP } })).toBe(1);
  });

  it("app/scopes_update records the new scopes on the shop's session", async () => {
    await deliver("app/scopes_update", { id: 1, previous: ["write_orders"], current: ["write_orders", "read_customers"] });
    await runJobs();
    const db = await testDb();
    expect(await db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } })).toMatchObject({ scope: "write_orders,read_customers" });
  });

  it("plans the order from the notification's copy when Shopify cannot be reached, and says so", async () => {
    const db = await testDb();
    const entries = await db.syncLogEntry.findMany({ where: { orderId: "5002" }, orderBy: { createdAt: "asc" } });
    expect(entries.map((e) => e.message)).toEqual([
      "Shopify could not be reached, so the copy of the order in Shopify's notification was used.",
      expect.stringContaining("Order #5002: ready for an invoice draft of 2 line(s), total 125.00 EUR (VAT 20.00 EUR). A draft only: the verification period runs until"),
    ]);
  });
});
