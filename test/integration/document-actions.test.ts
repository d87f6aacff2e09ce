// The order block's lifecycle actions that only a provider with an invoice lifecycle offers (extend the due
// date, part-activate a preliminary invoice): the request through the real route, the job through the real
// handlers and database, the order and its fulfilments from the Shopify Admin simulator. No provider here has
// that lifecycle yet (Collector's comes with the SOAP providers), so the provider is a stand-in of the port,
// typed against it, recording what it is asked to do.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeEach, expect, it } from "vitest";
import type { AccountingProvider, DocumentRef, ShippedUnits } from "../../app/providers/provider";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;

const SHOP = "lifecycle-shop.myshopify.com";
const { SANDBOX_API_KEY, SANDBOX_API_SECRET } = await import("../../app/lib/env.server");
const route = await import("../../app/routes/api.admin.orders.$orderId");
const { EmbeddedWorker } = await import("../../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../../app/jobs/handlers.server");
const { adminClientFor } = await import("../../app/shopify/admin.server");
const { logger } = await import("../../app/lib/logger.server");
const { orderInvoiceState } = await import("../../app/admin/order-invoice.server");

/** What the stand-in provider was asked, and how it answers. */
const asked: { extend: Array<{ document: DocumentRef; dueDate: string }>; partActivate: Array<{ document: DocumentRef; shipped: ShippedUnits[] }> } = { extend: [], partActivate: [] };

const lifecycleProvider = {
  type: "collector",
  capabilities: {
    documentKinds: ["invoice"],
    priceBasis: "gross",
    maxAmountDecimals: 2,
    productCatalog: false,
    negativeLines: true,
    lifecycle: { send: true, extendDueDate: true, cancel: true, partActivate: true, replace: false, cancelPreliminary: false },
    staffDueDate: true,
    listCustomerInvoices: false,
  },
  verifyConnection: async () => {},
  findOrCreateCustomer: async () => ({ externalId: "c", matchedBy: "created" }),
  findOrCreateProducts: async () => new Map(),
  createDocument: async () => ({ providerRef: "x", number: "x", state: "draft", totalMinor: 0n }),
  finalizeDocument: async ({ document }) => document,
  findDocumentByReference: async () => null,
  getPdf: async () => new Uint8Array(),
  cancelDocument: async () => {},
  extendDueDate: async (input) => {
    asked.extend.push(input);
    return { ...input.document, dueDate: input.dueDate };
  },
  partActivateDocument: async (input) => {
    asked.partActivate.push(input);
    const all = input.shipped.reduce((n, s) => n + s.quantity, 0) === 4;
    // A new reference for each activation (the same one back would mean nothing new had shipped).
    return { ...input.document, providerRef: `${input.document.providerRef}+${input.shipped.map((u) => u.quantity).join(",")}`, state: all ? "booked" : "draft" };
  },
} satisfies AccountingProvider;

const providerFor = async () => ({ provider: lifecycleProvider, type: "collector", name: "Collector", missingProducts: "halt" as const, connectionId: "conn-1", settings: {} });

async function idToken(shop: string) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${shop}`, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${shop}/admin`)
    .setAudience(SANDBOX_API_KEY)
    .setSubject("42")
    .setIssuedAt(now - 5)
    .setExpirationTime(now + 60)
    .sign(new TextEncoder().encode(SANDBOX_API_SECRET));
}

async function post(orderId: number, body: unknown) {
  const request = new Request(`http://127.0.0.1:3000/api/admin/orders/${orderId}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await idToken(SHOP)}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const response = await route.action({ request, params: { orderId: String(orderId) }, context: {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const work = async () => {
  const db = await testDb();
  await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor, providerFor }), pollMs: 10 }).drain();
};

async function seedDocument(orderId: number, state: "created" | "finalized", dueDate = "2026-12-20") {
  const db = await testDb();
  return db.document.create({
    data: {
      shopDomain: SHOP,
      orderId: String(orderId),
      orderName: "#1001",
      kind: "invoice",
      source: "order",
      idempotencyKey: `doc:${SHOP}:${orderId}`,
      providerType: "collector",
      providerRef: "INV-77",
      number: "77",
      state,
      currency: "SEK",
      totalMinor: 50000n,
      dueDate: new Date(`${dueDate}T00:00:00Z`),
    },
  });
}

const lastLog = async () => (await (await testDb()).syncLogEntry.findFirstOrThrow({ orderBy: { createdAt: "desc" } })).message;

describeWithDb("lifecycle actions of the order block (extend the due date, part-activate)", () => {
  afterAll(() => shopify.close());
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    asked.extend.length = 0;
    asked.partActivate.length = 0;
    shopify.addShop({ domain: SHOP, accessToken: "shpat_life", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "SEK" });
    const db = await testDb();
    await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", isOnline: false, accessToken: "shpat_life", scope: "write_orders" } });
  });

  const ORDER = {
    email: "buyer@example.se",
    lines: [
      { sku: "CHAIR", title: "Chair", quantity: 3, price: "100.00", taxRate: "0.25" },
      { sku: "LAMP", title: "Lamp", quantity: 1, price: "200.00", taxRate: "0.25" },
    ],
  };

  it("offers the actions the provider's lifecycle has, on the documents they apply to", async () => {
    const order = shopify.addOrder(SHOP, ORDER);
    await seedDocument(order.id, "created");
    const state = await orderInvoiceState({ db: await testDb(), providerFor }, { shopDomain: SHOP, orderId: String(order.id) });
    expect(state.documents[0].actions).toEqual({ send: false, resend: false, takeBack: null, extendDueDate: false, partActivate: true });
    await (await testDb()).document.updateMany({ data: { state: "finalized" } });
    const booked = await orderInvoiceState({ db: await testDb(), providerFor }, { shopDomain: SHOP, orderId: String(order.id) });
    expect(booked.documents[0].actions).toEqual({ send: false, resend: true, takeBack: "cancel", extendDueDate: true, partActivate: false });
  });

  it("extends the due date in the provider and in our copy; an earlier date is refused in words", async () => {
    const order = shopify.addOrder(SHOP, ORDER);
    const document = await seedDocument(order.id, "finalized");
    expect(await post(order.id, { intent: "extendDueDate", documentId: document.id, dueDate: "2026-12-10", requestId: "click-extend-0" })).toMatchObject({
      status: 400,
      body: { message: "The new due date must be after the current one (2026-12-20)." },
    });
    expect(await post(order.id, { intent: "extendDueDate", documentId: document.id, dueDate: "2027-01-19", requestId: "click-extend-1" })).toMatchObject({ status: 200, body: { queued: true } });
    await work();
    expect(asked.extend).toEqual([{ document: expect.objectContaining({ providerRef: "INV-77", dueDate: "2026-12-20" }), dueDate: "2027-01-19" }]);
    expect((await (await testDb()).document.findUniqueOrThrow({ where: { id: document.id } })).dueDate?.toISOString()).toBe("2027-01-19T00:00:00.000Z");
    expect(await lastLog()).toBe("At a staff member's request: the due date of invoice 77 moved from 2026-12-20 to 2027-01-19 in Collector.");
  });

  it("part-activates what has shipped, then the rest; nothing shipped activates nothing", async () => {
    const order = shopify.addOrder(SHOP, ORDER);
    const document = await seedDocument(order.id, "created");
    await post(order.id, { intent: "partActivate", documentId: document.id, requestId: "click-part-0" });
    await work();
    expect(asked.partActivate).toEqual([]);
    expect(await lastLog()).toBe("Nothing of order #1001 has shipped yet, so nothing of invoice 77 was activated.");

    shopify.addFulfillment(SHOP, order.id, { lines: [{ index: 0, quantity: 2 }] });
    await post(order.id, { intent: "partActivate", documentId: document.id, requestId: "click-part-1" });
    await work();
    expect(asked.partActivate.at(-1)!.shipped).toEqual([{ lineId: expect.any(String), sku: "CHAIR", description: "Chair", quantity: 2 }]);
    expect(await lastLog()).toBe("At a staff member's request: invoice 77 part-activated in Collector for the 2 of 4 unit(s) shipped so far.");
    expect((await (await testDb()).document.findUniqueOrThrow({ where: { id: document.id } })).state).toBe("created");

    shopify.addFulfillment(SHOP, order.id, { lines: [{ index: 0, quantity: 1 }, { index: 1, quantity: 1 }] });
    await post(order.id, { intent: "partActivate", documentId: document.id, requestId: "click-part-2" });
    await work();
    expect(asked.partActivate.at(-1)!.shipped.map((s) => [s.sku, s.quantity])).toEqual([["CHAIR", 3], ["LAMP", 1]]);
    expect(await lastLog()).toBe("At a staff member's request: invoice 77 part-activated in Collector for the 4 of 4 unit(s) shipped so far; it is now activated in full.");
    expect((await (await testDb()).document.findUniqueOrThrow({ where: { id: document.id } })).state).toBe("finalized");
  });

  it("an action the document is past is refused in words, once, without calling the provider", async () => {
    const order = shopify.addOrder(SHOP, ORDER);
    const document = await seedDocument(order.id, "finalized");
    await post(order.id, { intent: "partActivate", documentId: document.id, requestId: "click-part-3" });
    await work();
    expect(asked.partActivate).toEqual([]);
    const entry = await (await testDb()).syncLogEntry.findFirstOrThrow({ where: { status: "failed" } });
    expect(entry.message).toMatch(/^Only a preliminary invoice can be part-activated; invoice 77 is already activated\./);
  });
});
