// The backend of the admin order-page extensions, called as an extension calls it: a fetch with the admin's ID
// token (signed with the app's secret, audience our app) against the real route, the Shopify Admin simulator
// and the e-conomic simulator over HTTP, and the worker with the real handlers on a real database.
// The environment is read once per process, so the simulator's URL is set before the app's modules load.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { seedInvoicExpressShop } from "../helpers/provider-shops";
import { EconomicSimulator } from "../simulators/economic/server";
import { InvoicExpressSimulator } from "../simulators/invoicexpress/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import type { SeedOrder } from "../simulators/shopify-admin/orders";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const economic = new EconomicSimulator();
const ix = new InvoicExpressSimulator();

const SHOP = "staff-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const { SANDBOX_API_KEY, SANDBOX_API_SECRET } = await import("../../app/lib/env.server");
const route = await import("../../app/routes/api.admin.orders.$orderId");
const bulkRoute = await import("../../app/routes/api.admin.bulk-generate");
const { recentBulkRuns } = await import("../../app/admin/bulk-generate.server");
const { EmbeddedWorker } = await import("../../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../../app/jobs/handlers.server");
const { adminClientFor } = await import("../../app/shopify/admin.server");
const { logger } = await import("../../app/lib/logger.server");

/** An ID token as the admin hands one to an extension's fetch; `change` forges, expires or re-addresses it. */
async function idToken(shop: string, change: { secret?: string; audience?: string; expiresIn?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${shop}`, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${shop}/admin`)
    .setAudience(change.audience ?? SANDBOX_API_KEY)
    .setSubject("42")
    .setIssuedAt(now - 5)
    .setNotBefore(now - 5)
    .setExpirationTime(now + (change.expiresIn ?? 60))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(change.secret ?? SANDBOX_API_SECRET));
}

async function call(orderId: string | number, init: { token: string; body?: unknown }) {
  const request = new Request(`http://127.0.0.1:3000/api/admin/orders/${orderId}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${init.token}`, Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const args = { request, params: { orderId: String(orderId) }, context: {} };
  try {
    const response = init.body === undefined ? await route.loader(args) : await route.action(args);
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> & { [key: string]: unknown } };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, headers: thrown.headers, body: {} as Record<string, unknown> };
    throw thrown;
  }
}

const work = async () => {
  const db = await testDb();
  await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 }).drain();
};

const ORDER: SeedOrder = {
  taxesIncluded: true,
  email: "buyer@example.dk",
  billingAddress: { firstName: "Bo", lastName: "Buyer", address1: "Gade 1", city: "Aarhus", zip: "8000", countryCode: "DK" },
  lines: [
    { sku: "MUG", title: "Mug", quantity: 3, price: "12.49", taxRate: "0.25", discount: "2.50" },
    { sku: "BOOK", title: "Book", quantity: 1, price: "199.00", taxRate: "0.25" },
  ],
  shipping: [{ title: "GLS", price: "39.00", taxRate: "0.25" }],
};

describeWithDb("the admin order extensions' backend (ID tokens, real route)", () => {
  beforeAll(() => Promise.all([economic.start(), ix.start()]));
  afterAll(async () => {
    await Promise.all([shopify.close(), economic.close(), ix.close()]);
  });
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    economic.agreements.clear();
    ix.accounts.clear();
    const db = await testDb();
    for (const [domain, token] of [[SHOP, "shpat_staff"], [OTHER, "shpat_other"]] as const) {
      shopify.addShop({ domain, accessToken: token, appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
      await db.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "x", isOnline: false, accessToken: token, scope: "write_orders,read_customers" } });
    }
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g" });
  });

  it("previews the plan without posting anything, then one click makes that very document, once", async () => {
    const order = shopify.addOrder(SHOP, ORDER);
    const token = await idToken(SHOP);
    // WHEN staff open "Generate invoice": the preview
    const preview = await call(order.id, { token, body: { intent: "preview" } });
    expect(preview.status).toBe(200);
    expect(preview.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(preview.body).toMatchObject({
      kinds: ["draft", "invoice"],
      kind: "invoice",
      willMake: true,
      customer: { email: "buyer@example.dk", match: "matched by e-mail, or created" },
      // VAT-included prices on e-conomic's net document: the rates' VAT rounds once, an explicit rounding line says so
      check: { outcome: "rounded", shopifyTotal: "272.97", documentTotal: "272.98", difference: "-0.01" },
      totals: { gross: "272.97" },
    });
    expect((preview.body.lines as Array<{ description: string }>).map((l) => l.description)).toEqual(["Mug", "Mug", "Discount on Mug", "Book", "Shipping: GLS", "Rounding"]); // 34.97 over 3 mugs: 2 × 11.66 + 1 × 11.65 (net)
    // THEN nothing reached e-conomic
    expect(economic.agreements.get("g")!.drafts.size + economic.agreements.get("g")!.booked.size).toBe(0);

    // WHEN they confirm, and the click arrives twice
    const body = { intent: "generate", kind: "invoice", invoiceDate: "2026-12-06", dueDate: "2026-12-20", requestId: "click-0001" };
    const [first, second] = await Promise.all([call(order.id, { token, body }), call(order.id, { token, body })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.body.queued, second.body.queued].sort()).toEqual([false, true]);
    expect((await call(order.id, { token })).body.generating).toBe(true);
    await work();
    // THEN one booked invoice with the chosen dates, whose lines and total are the preview's
    const booked = [...economic.agreements.get("g")!.booked.values()];
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ date: "2026-12-06", dueDate: "2026-12-20", grossAmount: 272.97 });
    expect((booked[0].lines as Array<{ description: string }>).map((l) => l.description)).toEqual((preview.body.lines as Array<{ description: string }>).map((l) => l.description));
    const state = await call(order.id, { token });
    expect(state.body).toMatchObject({ hasInvoice: true, generating: false, provider: { name: "e-conomic" } });
    expect(state.body.documents).toEqual([
      expect.objectContaining({ kind: "invoice", state: "finalized", total: "272.97 DKK", dueDate: "2026-12-20", provider: "e-conomic", actions: expect.objectContaining({ resend: true }) }),
    ]);
    expect(String((state.body.documents as Array<{ pdf: string }>)[0].pdf)).toMatch(/\/documents\/.+\.pdf\?/);
    expect(state.body.lastLog).toMatchObject({ status: "done", message: expect.stringMatching(/^Invoice \d+ booked in e-conomic for order #\d+ \(total 272\.97 DKK\)\./) });
    // AND a second click later (a new request id) makes nothing new
    await call(order.id, { token, body: { ...body, requestId: "click-0002" } });
    await work();
    expect(economic.agreements.get("g")!.booked.size).toBe(1);
  });

  it("the preview's due date: the order's payment terms where it has them, else the accounting system's terms", async () => {
    const token = await idToken(SHOP);
    const plain = shopify.addOrder(SHOP, ORDER);
    expect((await call(plain.id, { token, body: { intent: "preview" } })).body.dueDate).toEqual({ settable: true, suggested: null, note: "Empty: the payment terms set in e-conomic." });
    const net = shopify.addOrder(SHOP, { ...ORDER, createdAt: "2026-11-20T09:00:00Z", paymentTerms: { name: "Net 30", dueInDays: 30 } });
    expect((await call(net.id, { token, body: { intent: "preview" } })).body.dueDate).toEqual({ settable: true, suggested: "2026-12-20", note: "From the order's payment terms (Net 30)." });
  });

  it("the preview equals the document that is then made, across the plan's cases (VAT included and not, discounts, JPY, two rates)", async () => {
    const token = await idToken(SHOP);
    const cases: SeedOrder[] = [
      ORDER,
      { ...ORDER, taxesIncluded: false, lines: [{ sku: "A", title: "A", quantity: 7, price: "3.33", taxRate: "0.25", discount: "1.01" }, { sku: "B", title: "B", quantity: 1, price: "10.00", taxRate: "0" }] },
      { ...ORDER, lines: [{ sku: "C", title: "C", quantity: 2, price: "1.01", taxRate: "0.25" }], shipping: [] },
    ];
    for (const [i, seed] of cases.entries()) {
      const order = shopify.addOrder(SHOP, seed);
      const preview = await call(order.id, { token, body: { intent: "preview" } });
      await call(order.id, { token, body: { intent: "generate", kind: "invoice", invoiceDate: "2026-12-06", requestId: `corpus-${i}-click` } });
      await work();
      const state = await call(order.id, { token });
      expect((state.body.documents as Array<{ total: string }>)[0].total).toBe(`${(preview.body.totals as { gross: string }).gross} DKK`);
    }
  });

  it("another shop's order is not found (404); a bad request is refused in words (400)", async () => {
    const theirs = shopify.addOrder(OTHER, ORDER);
    const token = await idToken(SHOP);
    const preview = await call(theirs.id, { token, body: { intent: "preview" } });
    expect(preview).toMatchObject({ status: 404, body: { ok: false, message: "This order does not exist in this shop." } });
    expect((await call(theirs.id, { token })).body).toMatchObject({ documents: [], hasInvoice: false });
    const mine = shopify.addOrder(SHOP, ORDER);
    expect(await call(mine.id, { token, body: { intent: "generate", kind: "invoice", invoiceDate: "06/12/2026", requestId: "click-0003" } })).toMatchObject({ status: 400, body: { message: "The invoice date is not a date." } });
    expect(await call(mine.id, { token, body: { intent: "generate", kind: "invoice", invoiceDate: "2026-12-06", dueDate: "2026-12-01", requestId: "click-0004" } })).toMatchObject({ status: 400, body: { message: "The due date cannot be before the invoice date." } });
    expect(await call(mine.id, { token, body: { intent: "delete-everything" } })).toMatchObject({ status: 400 });
    expect(await (await testDb()).job.count()).toBe(0);
  });

  it.each([
    ["forged (another secret)", () => idToken(SHOP, { secret: "not-the-app-secret" })],
    ["expired", () => idToken(SHOP, { expiresIn: -120 })],
    ["for another app (wrong audience)", () => idToken(SHOP, { audience: "someone-elses-app" })],
    ["not a token at all", async () => "garbage.token.value"],
  ])("a %s ID token gets 401 and nothing is queued", async (_name, token) => {
    const order = shopify.addOrder(SHOP, ORDER);
    const answer = await call(order.id, { token: await token(), body: { intent: "generate", kind: "invoice", invoiceDate: "2026-12-06", requestId: "click-0005" } });
    expect(answer.status).toBe(401);
    expect(await (await testDb()).job.count()).toBe(0);
  });

  /** An order of SHOP with its invoice booked through Generate invoice. */
  async function invoicedOrder(seed: SeedOrder = ORDER) {
    const order = shopify.addOrder(SHOP, seed);
    const token = await idToken(SHOP);
    await call(order.id, { token, body: { intent: "generate", kind: "invoice", invoiceDate: "2026-12-06", dueDate: "2026-12-20", requestId: `click-${order.id}` } });
    await work();
    const state = await call(order.id, { token });
    return { order, token, invoice: (state.body.documents as Array<{ id: string; number: string; actions: Record<string, unknown> }>)[0] };
  }

  it("Credit in full (e-conomic has no cancel): one credit note for the whole invoice, however often it is asked for", async () => {
    const { order, token, invoice } = await invoicedOrder();
    expect(invoice.actions).toMatchObject({ takeBack: "credit", extendDueDate: false, partActivate: false });
    const body = { intent: "credit", documentId: invoice.id, requestId: "click-credit-1" };
    const answers = await Promise.all([call(order.id, { token, body }), call(order.id, { token, body: { ...body, requestId: "click-credit-2" } })]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.queued).sort()).toEqual([false, true]);
    await work();
    const booked = [...economic.agreements.get("g")!.booked.values()];
    expect(booked.map((b) => Number(b.grossAmount)).sort((a, b) => a - b)).toEqual([-272.97, 272.97]);
    const db = await testDb();
    const note = await db.document.findFirstOrThrow({ where: { kind: "creditNote" } });
    expect(note).toMatchObject({ source: "cancellation", state: "finalized", totalMinor: 27297n });
    const state = await call(order.id, { token });
    expect(state.body.lastLog).toMatchObject({
      status: "done",
      message: `At a staff member's request: credit note ${note.number} booked in e-conomic (272.97 DKK), crediting invoice ${invoice.number} in full.`,
    });
    // Nothing more to take back; asked again with a new click, the job of that document already ran
    expect((state.body.documents as Array<{ actions: Record<string, unknown> }>).map((d) => d.actions.takeBack)).toEqual([null, null]);
    await call(order.id, { token, body: { ...body, requestId: "click-credit-3" } });
    await work();
    expect(economic.agreements.get("g")!.booked.size).toBe(2);
  });

  it("Cancel invoice where the system cancels (InvoicExpress): the invoice is cancelled there, not credited", async () => {
    const db = await testDb();
    await db.connection.deleteMany({ where: { shopDomain: SHOP } });
    await db.shop.deleteMany({ where: { shopDomain: SHOP } });
    ix.addAccount({ name: "staff", apiKey: "ix-api-key-0123456789" });
    await seedInvoicExpressShop(db, { shopDomain: SHOP, accountUrl: ix.accountUrl("staff"), accountName: "staff", apiKey: "ix-api-key-0123456789" });
    const { order, token, invoice } = await invoicedOrder({ ...ORDER, currency: "EUR", lines: [{ sku: "MUG", title: "Mug", quantity: 2, price: "12.30", taxRate: "0.23" }], shipping: [] });
    expect(invoice.actions).toMatchObject({ takeBack: "cancel" });
    expect((await call(order.id, { token, body: { intent: "credit", documentId: invoice.id, requestId: "click-cancel-1" } })).status).toBe(200);
    await work();
    const documents = [...ix.accounts.get("staff")!.documents.values()];
    expect(documents.map((d) => [d.type, d.status])).toEqual([["Invoice", "canceled"]]);
    expect((await db.document.findUniqueOrThrow({ where: { id: invoice.id } })).state).toBe("cancelled");
    expect((await call(order.id, { token })).body.lastLog).toMatchObject({ message: `At a staff member's request: invoice ${invoice.number} cancelled in InvoicExpress.` });
  });

  it("refuses to credit in full an invoice that refunds already credit in part, in words", async () => {
    const { order, token, invoice } = await invoicedOrder();
    const db = await testDb();
    await db.document.create({ data: { shopDomain: SHOP, orderId: String(order.id), kind: "creditNote", source: "refund:1", idempotencyKey: "cn-1", providerType: "economic", state: "finalized", number: "9001", totalMinor: 1249n, currency: "DKK" } });
    expect(((await call(order.id, { token })).body.documents as Array<{ actions: { takeBack: unknown } }>)[0].actions.takeBack).toBeNull();
    await call(order.id, { token, body: { intent: "credit", documentId: invoice.id, requestId: "click-credit-4" } });
    await work();
    expect(economic.agreements.get("g")!.booked.size).toBe(1);
    expect((await call(order.id, { token })).body.lastLog).toMatchObject({
      status: "skipped",
      message: `invoice ${invoice.number} is already partly credited by 1 credit note(s) for refunds, so it was not credited in full (that would credit those amounts twice). Credit the rest in the accounting system, or refund it in Shopify.`,
    });
  });

  it("Retry runs the order's failed task again; a document of another order or shop is not found", async () => {
    const order = shopify.addOrder(SHOP, ORDER);
    const token = await idToken(SHOP);
    economic.faults.add({ kind: "status", status: 500, times: 1000 });
    await call(order.id, { token, body: { intent: "generate", kind: "invoice", invoiceDate: "2026-12-06", requestId: "click-retry-1" } });
    const db = await testDb();
    // The job gives up (its attempts used up), and the block offers Retry
    await db.job.updateMany({ data: { maxAttempts: 1 } });
    await work();
    const failed = await call(order.id, { token });
    expect(failed.body.lastLog).toMatchObject({ status: "failed", retry: true });
    economic.faults.clear();
    expect((await call(order.id, { token, body: { intent: "retry" } })).body).toMatchObject({ ok: true, queued: 1 });
    await work();
    expect(economic.agreements.get("g")!.booked.size).toBe(1);
    expect((await call(order.id, { token })).body).toMatchObject({ hasInvoice: true, lastLog: { status: "done" } });
    // Another order's document, another shop's token: 404, nothing queued
    const other = shopify.addOrder(SHOP, ORDER);
    const documentId = (await db.document.findFirstOrThrow()).id;
    const before = await db.job.count();
    expect(await call(other.id, { token, body: { intent: "credit", documentId, requestId: "click-credit-5" } })).toMatchObject({ status: 404, body: { message: "This document does not exist on this order." } });
    expect(await call(order.id, { token: await idToken(OTHER), body: { intent: "credit", documentId, requestId: "click-credit-6" } })).toMatchObject({ status: 404 });
    expect(await db.job.count()).toBe(before);
  });

  async function bulk(token: string, body: unknown) {
    const request = new Request("http://127.0.0.1:3000/api/admin/bulk-generate", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    try {
      const response = await bulkRoute.action({ request, params: {}, context: {} });
      return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, headers: thrown.headers, body: {} };
      throw thrown;
    }
  }

  it("Generate invoices on the order list: a summary first (queued, already invoiced, not eligible and why), then one job per eligible order, once per click, with progress", async () => {
    const { order: invoiced, token, invoice } = await invoicedOrder();
    const cancelled = shopify.addOrder(SHOP, ORDER);
    shopify.setOrderStatus(SHOP, cancelled.id, { cancelled: true });
    const theirs = shopify.addOrder(OTHER, ORDER);
    // the second on B2B net terms: its invoice falls due when the terms say
    const fresh = [shopify.addOrder(SHOP, ORDER), shopify.addOrder(SHOP, { ...ORDER, email: "other@example.dk", createdAt: "2026-12-01T10:00:00Z", paymentTerms: { name: "Net 30", dueInDays: 30 } })];
    const orderIds = [invoiced, cancelled, theirs, ...fresh].map((o) => `gid://shopify/Order/${o.id}`);
    const db = await testDb();
    const jobsBefore = await db.job.count();

    const summary = await bulk(token, { intent: "summary", orderIds });
    expect(summary.status).toBe(200);
    expect(summary.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(summary.body).toMatchObject({ kind: "invoice", counts: { selected: 5, queued: 2, invoiced: 1, notEligible: 2 } });
    expect(summary.body.rows).toEqual([
      { orderId: String(invoiced.id), orderName: invoiced.name, outcome: "invoiced", reason: `Already has invoice ${invoice.number}.` },
      { orderId: String(cancelled.id), orderName: cancelled.name, outcome: "not-eligible", reason: `Skipped: order ${cancelled.name} is cancelled.` },
      { orderId: String(theirs.id), orderName: String(theirs.id), outcome: "not-eligible", reason: "This order does not exist in this shop." },
      { orderId: String(fresh[0].id), orderName: fresh[0].name, outcome: "queued" },
      { orderId: String(fresh[1].id), orderName: fresh[1].name, outcome: "queued" },
    ]);
    expect(await db.job.count()).toBe(jobsBefore);

    // The click, arriving twice at once
    const click = { intent: "generate", orderIds, invoiceDate: "2026-12-06", requestId: "bulk-click-0001" };
    const answers = await Promise.all([bulk(token, click), bulk(token, click)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0].body).toMatchObject({ ok: true, queued: 2, invoiced: 1, notEligible: 2 });
    expect(await db.job.count()).toBe(jobsBefore + 2);
    expect(await db.bulkRun.count()).toBe(1);
    expect((await recentBulkRuns(db, SHOP))[0]).toMatchObject({ selected: 5, queued: 2, finished: 0, waiting: 2, percent: 0 });

    await work();
    expect([...economic.agreements.get("g")!.booked.values()]).toHaveLength(3);
    const netTerms = await db.document.findFirstOrThrow({ where: { orderId: String(fresh[1].id) } });
    expect(netTerms.dueDate?.toISOString().slice(0, 10)).toBe("2026-12-31");
    const [run] = await recentBulkRuns(db, SHOP);
    expect(run).toMatchObject({ queued: 2, finished: 2, failed: 0, waiting: 0, percent: 100, invoiced: 1 });
    expect(run.notEligible).toEqual([
      { orderName: cancelled.name, reason: `Skipped: order ${cancelled.name} is cancelled.` },
      { orderName: String(theirs.id), reason: "This order does not exist in this shop." },
    ]);
    // Another shop sees none of it
    expect(await recentBulkRuns(db, OTHER)).toEqual([]);
  });

  it("Generate invoices refuses an empty, an oversized or a malformed selection in words, and a foreign token", async () => {
    const token = await idToken(SHOP);
    expect(await bulk(token, { intent: "summary", orderIds: [] })).toMatchObject({ status: 400, body: { message: "Select at least one order." } });
    const many = Array.from({ length: 251 }, (_, i) => String(1000 + i));
    expect(await bulk(token, { intent: "summary", orderIds: many })).toMatchObject({ status: 400, body: { message: "Select at most 250 orders at a time (251 selected)." } });
    expect(await bulk(token, { intent: "summary", orderIds: ["1; DROP TABLE Job"] })).toMatchObject({ status: 400, body: { message: "The selection holds something that is not an order." } });
    expect(await bulk(token, { intent: "generate", orderIds: ["1"] })).toMatchObject({ status: 400 });
    expect((await bulk(await idToken(SHOP, { secret: "forged" }), { intent: "summary", orderIds: ["1"] })).status).toBe(401);
    expect(await (await testDb()).job.count()).toBe(0);
  });
});
