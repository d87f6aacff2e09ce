// Hostile and broken input, as a table: every case gets a defined answer and a line in words (the process log
// for what is refused before a shop is known, the sync log for what reaches a shop), and nothing crashes, is
// stored twice or is lost.
//   A. webhooks: signatures (bad, missing, another secret's, another body's, hex, empty) and bodies (empty,
//      truncated, not an object, deeply nested) for eight topics; 5 MB, 50 MB and unannounced 9 MB bodies; wrong,
//      missing and odd topics; unknown and malformed shop domains; replays, and a used event id with other
//      content; other methods; odd headers.
//   B. the customer-account and admin endpoints with hostile ids and parameters (SQL, HTML, traversal, huge
//      numbers, another buyer's or shop's ids), forged and expired admin tokens, altered PDF links.
//   C. order data through the order sync: no e-mail, no SKU, 250 lines, RTL and emoji names, zero and negative
//      amounts, a quantity of 10^9.
//   D. provider answers: garbage, an HTML error page, the wrong content type, a cut-off body, the wrong shape,
//      from e-conomic, InvoicExpress, Walley and Intact; after each, one document once the system is well.
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { SignJWT } from "jose";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { customerToken } from "../helpers/customer-token";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { seedCollectorShop, seedIntactShop, seedInvoicExpressShop } from "../helpers/provider-shops";
import { orderSync } from "../helpers/sync";
import { orderPayload, webhookHeaders, webhookRequest } from "../helpers/webhooks";
import { CollectorSimulator } from "../simulators/collector/server";
import { EconomicSimulator } from "../simulators/economic/server";
import type { Fault } from "../simulators/faults";
import { IntactSimulator } from "../simulators/intact/server";
import { InvoicExpressSimulator } from "../simulators/invoicexpress/server";
import { ShopifyAdminSimulator, signWebhook } from "../simulators/shopify-admin/server";
import type { SeedOrder } from "../simulators/shopify-admin/orders";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const economic = new EconomicSimulator();
const ix = new InvoicExpressSimulator();
const collector = new CollectorSimulator();
const intact = new IntactSimulator();
await Promise.all([economic.start(), ix.start(), collector.start(), intact.start()]);

const { SANDBOX_API_KEY, SANDBOX_API_SECRET } = await import("../../app/lib/env.server");
const { receiveWebhook, intakeResponse, MAX_WEBHOOK_BYTES } = await import("../../app/webhooks/intake.server");
const { authenticateWebhook } = await import("../../app/shopify.server");
const { EmbeddedWorker } = await import("../../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../../app/jobs/handlers.server");
const { httpAdminClient } = await import("../../app/shopify/admin-client.server");
const { logger } = await import("../../app/lib/logger.server");
const { signPdfLink } = await import("../../app/documents/pdf-links.server");
const accountOrders = await import("../../app/routes/api.account.orders.$orderId");
const accountInvoices = await import("../../app/routes/api.account.invoices");
const adminOrders = await import("../../app/routes/api.admin.orders.$orderId");
const pdfRoute = await import("../../app/routes/documents.$documentId[.pdf]");
const { forgetAccess } = await import("../../app/account/access.server");

const SHOP = "hostile.myshopify.com";
afterAll(() => Promise.all([shopify.close(), economic.close(), ix.close(), collector.close(), intact.close()]));

/** The intake's process log, kept per case. */
const lines: string[] = [];
const capture = pino({ level: "trace", base: undefined }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
async function intake(request: Request) {
  const outcome = await receiveWebhook(request, { db: await testDb(), logger: capture, authenticateWebhook });
  return intakeResponse(outcome);
}
async function stored() {
  const db = await testDb();
  return { deliveries: await db.webhookDelivery.count(), jobs: await db.job.count(), log: await db.syncLogEntry.count() };
}

// ------------------------------------------------------------------------------------------------ A. webhooks
type Effect = "stored" | "nothing";
type WebhookCase = { name: string; request: () => Request; status: number; effect: Effect; words: RegExp };
const TOPICS = ["orders/create", "orders/updated", "orders/paid", "orders/fulfilled", "orders/cancelled", "refunds/create", "app/uninstalled", "customers/redact"];
const bodyFor = (topic: string) =>
  topic === "refunds/create"
    ? { id: 9001, order_id: 820982911946154, refund_line_items: [], transactions: [] }
    : topic === "customers/redact"
      ? { shop_id: 1, shop_domain: SHOP, customer: { id: 1, email: "a@b.dk" }, orders_to_redact: [] }
      : topic === "app/uninstalled"
        ? { id: 1, domain: SHOP }
        : orderPayload();
const pathFor = (topic: string) => (topic.startsWith("orders/") ? "/webhooks/orders" : topic === "refunds/create" ? "/webhooks/refunds" : topic === "app/uninstalled" ? "/webhooks/app" : "/webhooks/compliance");
function signed(topic: string, rawBody: string, change: { hmac?: string | null; headers?: Record<string, string | null>; method?: string } = {}) {
  const headers = webhookHeaders({ topic, shop: SHOP, rawBody });
  if (change.hmac === null) delete headers["X-Shopify-Hmac-Sha256"];
  else if (change.hmac !== undefined) headers["X-Shopify-Hmac-Sha256"] = change.hmac;
  for (const [name, value] of Object.entries(change.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  const method = change.method ?? "POST";
  return new Request(`http://127.0.0.1:3000${pathFor(topic)}`, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : rawBody });
}

const REFUSED_SIGNATURE = /webhook rejected/;
const NOT_READABLE = /a body that is not JSON|without the expected content/;
const webhookCases: WebhookCase[] = [];
for (const topic of TOPICS) {
  const raw = JSON.stringify(bodyFor(topic));
  webhookCases.push(
    { name: `${topic}: a bad HMAC`, request: () => signed(topic, raw, { hmac: Buffer.from(randomUUID()).toString("base64") }), status: 401, effect: "nothing", words: REFUSED_SIGNATURE },
    { name: `${topic}: no HMAC`, request: () => signed(topic, raw, { hmac: null }), status: 400, effect: "nothing", words: REFUSED_SIGNATURE },
    { name: `${topic}: signed with another secret`, request: () => signed(topic, raw, { hmac: signWebhook(raw, "not-the-app-secret") }), status: 401, effect: "nothing", words: REFUSED_SIGNATURE },
    { name: `${topic}: another body's HMAC`, request: () => signed(topic, raw, { hmac: signWebhook(`${raw} `, SANDBOX_API_SECRET) }), status: 401, effect: "nothing", words: REFUSED_SIGNATURE },
    { name: `${topic}: the HMAC in hex`, request: () => signed(topic, raw, { hmac: Buffer.from(signWebhook(raw, SANDBOX_API_SECRET), "base64").toString("hex") }), status: 401, effect: "nothing", words: REFUSED_SIGNATURE },
    { name: `${topic}: an empty HMAC`, request: () => signed(topic, raw, { hmac: "" }), status: 400, effect: "nothing", words: REFUSED_SIGNATURE },
  );
  const bodies: Array<[string, string, RegExp]> = [
    ["an empty body", "", /webhook rejected|a body that is not JSON/],
    ["a body cut at 10%", raw.slice(0, Math.floor(raw.length * 0.1)), NOT_READABLE],
    ["a body cut at half", raw.slice(0, Math.floor(raw.length / 2)), NOT_READABLE],
    ["a body missing its last byte", raw.slice(0, -1), NOT_READABLE],
    ["a JSON list", "[1,2,3]", NOT_READABLE],
    ["a JSON string", '"order"', NOT_READABLE],
    ["a JSON number", "42", NOT_READABLE],
    ["JSON null", "null", NOT_READABLE],
    ["a list nested 100,000 deep", "[".repeat(100_000) + "]".repeat(100_000), NOT_READABLE],
  ];
  for (const [what, body, words] of bodies) {
    webhookCases.push({ name: `${topic}: ${what}, correctly signed`, request: () => signed(topic, body), status: 400, effect: "nothing", words });
  }
}
const ORDER_RAW = () => JSON.stringify(orderPayload({ id: Math.floor(Math.random() * 1e12) }));
for (const shop of ["evil.example.com", "hostile.myshopify.com.evil.com", "../hostile.myshopify.com", "shop@hostile.myshopify.com", "shöp.myshopify.com", "-lead.myshopify.com", "hostile.myshopify.com/", "hostile.myshopify.com\u0000"]) {
  for (const topic of ["orders/paid", "customers/redact"]) {
    webhookCases.push({
      name: `${topic}: shop domain ${JSON.stringify(shop)}`,
      request: () => {
        const raw = JSON.stringify(bodyFor(topic));
        const headers = webhookHeaders({ topic, shop: "x.myshopify.com", rawBody: raw });
        headers["X-Shopify-Shop-Domain"] = shop.replace("\u0000", "%00");
        return new Request(`http://127.0.0.1:3000${pathFor(topic)}`, { method: "POST", headers, body: raw });
      },
      status: 400,
      effect: "nothing",
      words: /the shop domain is not a Shopify shop's/,
    });
  }
}
webhookCases.push(
  { name: "orders/paid of a shop that never installed the app (valid domain): stored, its task says what it found", request: () => webhookRequest({ shop: "never-installed.myshopify.com", rawBody: ORDER_RAW() }), status: 200, effect: "stored", words: /^$/ },
  { name: "a 5 MB order (a huge note), correctly signed: stored whole", request: () => webhookRequest({ shop: SHOP, rawBody: JSON.stringify(orderPayload({ id: 77001, note: "x".repeat(5 * 1024 * 1024) })) }), status: 200, effect: "stored", words: /^$/ },
  {
    name: "a 50 MB body with its Content-Length: refused before it is read",
    request: () => {
      const raw = "x".repeat(50 * 1024 * 1024);
      return new Request("http://127.0.0.1:3000/webhooks/orders", { method: "POST", headers: { ...webhookHeaders({ shop: SHOP, rawBody: "{}" }), "Content-Length": String(raw.length) }, body: raw });
    },
    status: 413,
    effect: "nothing",
    words: /larger than the intake reads/,
  },
  {
    name: "a 9 MB body without a Content-Length (streamed): refused at the limit",
    request: () => {
      const chunk = new Uint8Array(1024 * 1024).fill(120);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({ pull: (controller) => (sent++ < 9 ? controller.enqueue(chunk) : controller.close()) });
      return new Request("http://127.0.0.1:3000/webhooks/orders", { method: "POST", headers: webhookHeaders({ shop: SHOP, rawBody: "{}" }), body, duplex: "half" } as RequestInit);
    },
    status: 413,
    effect: "nothing",
    words: /larger than the intake reads/,
  },
  { name: "a topic the app has no task for (products/create): acknowledged, nothing queued", request: () => webhookRequest({ shop: SHOP, topic: "products/create", rawBody: ORDER_RAW() }), status: 200, effect: "nothing", words: /topic without a job/ },
  { name: "a topic of dots and slashes: acknowledged, nothing queued", request: () => webhookRequest({ shop: SHOP, topic: "../../etc/passwd", rawBody: ORDER_RAW() }), status: 200, effect: "nothing", words: /topic without a job/ },
  { name: "no topic header", request: () => webhookRequest({ shop: SHOP, rawBody: ORDER_RAW(), omit: ["X-Shopify-Topic"] }), status: 400, effect: "nothing", words: REFUSED_SIGNATURE },
  { name: "no shop header", request: () => webhookRequest({ shop: SHOP, rawBody: ORDER_RAW(), omit: ["X-Shopify-Shop-Domain"] }), status: 400, effect: "nothing", words: REFUSED_SIGNATURE },
  { name: "no webhook id", request: () => webhookRequest({ shop: SHOP, rawBody: ORDER_RAW(), omit: ["X-Shopify-Webhook-Id"] }), status: 400, effect: "nothing", words: REFUSED_SIGNATURE },
  { name: "GET", request: () => webhookRequest({ shop: SHOP, method: "GET" }), status: 405, effect: "nothing", words: REFUSED_SIGNATURE },
  { name: "PUT", request: () => webhookRequest({ shop: SHOP, method: "PUT", rawBody: ORDER_RAW() }), status: 405, effect: "nothing", words: REFUSED_SIGNATURE },
  { name: "DELETE", request: () => webhookRequest({ shop: SHOP, method: "DELETE", rawBody: ORDER_RAW() }), status: 405, effect: "nothing", words: REFUSED_SIGNATURE },
  { name: "Content-Type text/plain over a signed JSON order: stored (the signature decides)", request: () => signed("orders/paid", ORDER_RAW(), { headers: { "Content-Type": "text/plain" } }), status: 200, effect: "stored", words: /^$/ },
  { name: "an API version that is no version: stored as sent", request: () => signed("orders/paid", ORDER_RAW(), { headers: { "X-Shopify-API-Version": "<script>" } }), status: 200, effect: "stored", words: /^$/ },
  { name: "a trigger time that is no time: stored without it", request: () => signed("orders/paid", ORDER_RAW(), { headers: { "X-Shopify-Triggered-At": "yesterday'; DROP TABLE Job;--" } }), status: 200, effect: "stored", words: /^$/ },
  { name: "RTL and emoji in the order, correctly signed: stored byte for byte", request: () => webhookRequest({ shop: SHOP, rawBody: JSON.stringify(orderPayload({ id: 77002, note: "طلب 🎉 הזמנה", customer: { id: 1, first_name: "سارة", last_name: "😀" } })) }), status: 200, effect: "stored", words: /^$/ },
);

// Each case twice: straight into the full intake (the Remix route), and over HTTP into the fast path that
// server.ts puts first, which records the common delivery itself and hands everything else on.
const { serveWebhookRoutes } = await import("../helpers/app-server");
let webhookServer: Awaited<ReturnType<typeof serveWebhookRoutes>> | null = null;
const overFastPath = async (request: Request) => {
  const url = new URL(request.url);
  return fetch(`${webhookServer!.url}${url.pathname}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    duplex: "half",
  } as RequestInit);
};
const ENTRIES = [
  ["the full intake", (request: Request) => intake(request)],
  ["the fast path first, over HTTP", overFastPath],
] as const;

for (const [entry, intake] of ENTRIES) describeWithDb(`A. webhooks (${entry}): every hostile delivery gets a defined answer, and a line in words when refused`, () => {
  beforeAll(async () => {
    await resetDb();
    await (await testDb()).shop.create({ data: { shopDomain: SHOP } });
    webhookServer = await serveWebhookRoutes({ logger: capture, fullIntake: async (request) => intakeResponse(await receiveWebhook(request, { db: await testDb(), logger: capture, authenticateWebhook })) });
  });
  afterAll(async () => {
    await webhookServer?.close();
    webhookServer = null;
  });
  beforeEach(() => {
    lines.length = 0;
  });

  it.each(webhookCases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const before = await stored();
    const handedOn = webhookServer!.handedOn();
    const response = await intake(c.request());
    expect(response.status).toBe(c.status);
    const after = await stored();
    // The fast path records what it stores itself, and hands every refusal on to the full intake's words.
    if (intake === overFastPath && c.effect === "stored") expect(webhookServer!.handedOn()).toBe(handedOn);
    if (c.effect === "stored") expect([after.deliveries - before.deliveries, after.jobs - before.jobs]).toEqual([1, 1]);
    else expect([after.deliveries - before.deliveries, after.jobs - before.jobs]).toEqual([0, 0]);
    // Refused: said in the process log, or in the shop's sync log when the signature held.
    if (c.status !== 200) expect(lines.some((l) => c.words.test(l)) || after.log > before.log).toBe(true);
    if (c.status === 200 && c.effect === "nothing") expect(lines.some((l) => c.words.test(l))).toBe(true);
  });

  it.each(["orders/create", "orders/paid", "refunds/create"])("%s replayed: the same event id again stores nothing more; other content under it is kept out and said", async (topic) => {
    const eventId = randomUUID();
    const raw = JSON.stringify(bodyFor(topic));
    const first = await intake(signed(topic, raw, { headers: { "X-Shopify-Event-Id": eventId } }));
    const before = await stored();
    const again = await intake(signed(topic, raw, { headers: { "X-Shopify-Event-Id": eventId } }));
    const other = await intake(signed(topic, raw.replace(/}$/, ',"tampered":true}'), { headers: { "X-Shopify-Event-Id": eventId } }));
    expect([first.status, again.status, other.status]).toEqual([200, 200, 200]);
    expect(await stored()).toEqual(before);
    expect(lines.some((l) => /used event id but other content/.test(l))).toBe(true);
  });

  it("a webhook id seen before, with no event id: stored once", async () => {
    const webhookId = randomUUID();
    const raw = ORDER_RAW();
    const request = () => webhookRequest({ shop: SHOP, rawBody: raw, eventId: null, webhookId });
    expect((await intake(request())).status).toBe(200);
    const before = await stored();
    expect((await intake(request())).status).toBe(200);
    expect(await stored()).toEqual(before);
  });

  it("the cases cover what the table says", () => {
    expect(webhookCases.length).toBeGreaterThanOrEqual(150);
    expect(MAX_WEBHOOK_BYTES).toBe(8 * 1024 * 1024);
  });
});

// ------------------------------------------------------------------ B. customer-account and admin endpoints
const HOSTILE_IDS = ["1 OR 1=1", "<script>alert(1)</script>", "../../etc/passwd", "'; DROP TABLE Document;--", "9".repeat(40), "-1", "😀", "%00", "1e309", "0x10"];

describeWithDb("B. endpoints: hostile ids, parameters and tokens get a defined answer, and nothing of another buyer or shop", () => {
  let buyer: number;
  let stranger: number;
  let ownOrder: number;
  let strangersOrder: number;
  let documentId: string;
  beforeAll(async () => {
    await resetDb();
    shopify.shops.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_hostile", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
    shopify.addShop({ domain: "other.myshopify.com", accessToken: "shpat_other", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
    const db = await testDb();
    for (const [shop, token] of [[SHOP, "shpat_hostile"], ["other.myshopify.com", "shpat_other"]]) {
      await db.session.create({ data: { id: `offline_${shop}`, shop, state: "x", isOnline: false, accessToken: token, scope: "write_orders,read_customers" } });
    }
    economic.agreements.clear();
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: "create" });
    buyer = shopify.addCustomer(SHOP, { email: "ida@example.dk", firstName: "Ida", lastName: "Holm" }).id;
    stranger = shopify.addCustomer(SHOP, { email: "eve@example.dk", firstName: "Eve", lastName: "Other" }).id;
    const paid = (customerId: number) =>
      shopify.addOrder(SHOP, { customerId, financialStatus: "paid", taxesIncluded: true, email: "x@example.dk", lines: [{ sku: "MUG", title: "Krus", quantity: 1, price: "100.00", taxRate: "0.25" }] }).id;
    ownOrder = paid(buyer);
    strangersOrder = paid(stranger);
    const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_hostile", now: new Date() });
    await sync(ownOrder);
    await sync(strangersOrder);
    documentId = (await db.document.findFirstOrThrow({ where: { orderId: String(ownOrder) } })).id;
  });
  beforeEach(() => forgetAccess());

  const asBuyer = async (path: string, customerId: number, route: { loader: (args: never) => Promise<Response> }, params: Record<string, string> = {}) => {
    const token = await customerToken(SANDBOX_API_KEY, SANDBOX_API_SECRET, SHOP, customerId);
    const response = await route.loader({ request: new Request(`http://127.0.0.1:3000${path}`, { headers: { Authorization: `Bearer ${token}` } }), params, context: {} } as never);
    return { status: response.status, type: response.headers.get("Content-Type") ?? "", body: await response.text() };
  };

  it.each([...HOSTILE_IDS, "another buyer's order"])("customer account, order id %j → 404 in words, JSON, and nothing of it echoed", async (id) => {
    const orderId = id === "another buyer's order" ? String(strangersOrder) : id;
    const answer = await asBuyer(`/api/account/orders/${encodeURIComponent(orderId)}`, buyer, accountOrders, { orderId });
    expect(answer.status).toBe(404);
    expect(answer.type).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ ok: false, message: "There is no such order in your account." });
  });

  it.each(["abc", "-5", "1e309", "<b>x</b>", "999999", "1; DROP TABLE Document", ""])("customer account, Invoices page %j → 200, a page in range", async (page) => {
    const answer = await asBuyer(`/api/account/invoices?page=${encodeURIComponent(page)}`, buyer, accountInvoices);
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { data?: { page: number; pages: number }; page?: number; pages?: number };
    const data = (body.data ?? body) as { page: number; pages: number };
    expect(data.page).toBeGreaterThanOrEqual(1);
    expect(data.page).toBeLessThanOrEqual(data.pages);
    expect(answer.body).not.toContain(String(strangersOrder));
  });

  const idToken = (shop: string, change: { secret?: string; audience?: string; expiresIn?: number; dest?: string } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ dest: change.dest ?? `https://${shop}`, sid: randomUUID() })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(`https://${shop}/admin`)
      .setAudience(change.audience ?? SANDBOX_API_KEY)
      .setSubject("42")
      .setIssuedAt(now - 5)
      .setNotBefore(now - 5)
      .setExpirationTime(now + (change.expiresIn ?? 60))
      .setJti(randomUUID())
      .sign(new TextEncoder().encode(change.secret ?? SANDBOX_API_SECRET));
  };
  const asStaff = async (orderId: string, authorization: string | null) => {
    const headers: Record<string, string> = { Origin: "https://extensions.shopifycdn.com" };
    if (authorization !== null) headers.Authorization = authorization;
    try {
      const response = await adminOrders.loader({ request: new Request(`http://127.0.0.1:3000/api/admin/orders/${encodeURIComponent(orderId)}`, { headers }), params: { orderId }, context: {} });
      return { status: response.status, body: await response.text() };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, body: await thrown.text() };
      throw thrown;
    }
  };
  const staffTokens: Array<[string, () => Promise<string | null>]> = [
    ["a Bearer that is not a token", async () => "Bearer garbage"],
    ["signed with another secret", async () => `Bearer ${await idToken(SHOP, { secret: "forged" })}`],
    ["expired", async () => `Bearer ${await idToken(SHOP, { expiresIn: -120 })}`],
    ["another app's", async () => `Bearer ${await idToken(SHOP, { audience: "another-app" })}`],
  ];
  it("admin order endpoint without a token → the library's bounce to re-authenticate (302), nothing of the order", async () => {
    const answer = await asStaff(String(ownOrder), null);
    expect(answer.status).toBe(302);
    expect(answer.body).not.toContain("Krus");
  });

  it.each(staffTokens)("admin order endpoint, %s → 401, nothing of the order", async (_what, authorization) => {
    const answer = await asStaff(String(ownOrder), await authorization());
    expect(answer.status).toBe(401);
    expect(answer.body).not.toContain("Krus");
  });

  it.each(HOSTILE_IDS)("admin order endpoint, order id %j → 404 in words, nothing echoed", async (id) => {
    const answer = await asStaff(id, `Bearer ${await idToken(SHOP)}`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ ok: false, message: "This order does not exist in this shop." });
  });

  it("admin order endpoint, this shop's order asked with another shop's token → that shop's (empty) view, nothing of this one", async () => {
    const answer = await asStaff(String(ownOrder), `Bearer ${await idToken("other.myshopify.com")}`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ documents: [], hasInvoice: false });
  });

  const openPdf = async (link: string) => {
    const url = new URL(link, "http://127.0.0.1:3000");
    const id = decodeURIComponent(/^\/documents\/(.+)\.pdf$/.exec(url.pathname)?.[1] ?? "");
    const response = await pdfRoute.loader({ request: new Request(url), params: { documentId: id }, context: {} });
    return { status: response.status, type: response.headers.get("Content-Type") ?? "", body: Buffer.from(await response.arrayBuffer()).toString("latin1") };
  };
  it.each([
    // Its first character changed to another one (always another: "A" where it was not, else "B").
    ["its signature altered", () => signPdfLink({ documentId, audience: "buyer" }).replace(/signature=(.)/, (_m, c: string) => `signature=${c === "A" ? "B" : "A"}`), 403],
    ["expired", () => signPdfLink({ documentId, audience: "buyer", now: new Date(Date.now() - 3_600_000) }), 410],
    ["another document's id under this signature", () => signPdfLink({ documentId, audience: "buyer" }).replace(encodeURIComponent(documentId), "other-document"), 403],
    ["a traversal as the id", () => signPdfLink({ documentId, audience: "buyer" }).replace(encodeURIComponent(documentId), encodeURIComponent("../../etc/passwd")), 403],
    ["no signature", () => signPdfLink({ documentId, audience: "buyer" }).replace(/&signature=[^&]+/, ""), 403],
  ] as const)("a PDF link %s → refused in words, no PDF", async (_what, link, status) => {
    const answer = await openPdf(link());
    expect(answer.status).toBe(status);
    expect(answer.type).toMatch(/^text\/plain/);
    expect(answer.body).not.toContain("%PDF");
  });
});

// --------------------------------------------------------------------------- C. order data through the sync
type OrderCase = { name: string; order: Partial<SeedOrder>; expect: "booked" | "skipped" | "failed"; words?: RegExp };
const many = Array.from({ length: 250 }, (_, i) => ({ sku: `SKU-${i}`, title: `Item ${i}`, quantity: 1 + (i % 3), price: `${(i % 40) + 1}.95`, taxRate: "0.25" }));
const orderCases: OrderCase[] = [
  {
    name: "no e-mail (a guest), and the collective customer of the settings missing in e-conomic: stopped in words",
    order: { email: null },
    expect: "failed",
    words: /^e-conomic refused creating the invoice draft: customer: Customer not found\. Correct this in e-conomic or in the app's settings, then press Retry\.$/,
  },
  {
    name: "a line without a SKU, and the default product missing in e-conomic: stopped in words",
    order: { lines: [{ sku: null, title: "Gift wrap", quantity: 1, price: "20.00", taxRate: "0.25" }] },
    expect: "failed",
    words: /^The default product 'SHOPIFY' does not exist in e-conomic\. Create it there or change the default product in the settings, then press Retry\.$/,
  },
  { name: "250 lines", order: { lines: many }, expect: "booked" },
  { name: "an Arabic name and title (RTL)", order: { billingAddress: { firstName: "سارة", lastName: "الحسن", countryCode: "DK" }, lines: [{ sku: "AR-1", title: "قهوة عربية", quantity: 1, price: "80.00", taxRate: "0.25" }] }, expect: "booked" },
  { name: "a Hebrew name (RTL) and emoji", order: { billingAddress: { firstName: "שרה", lastName: "😀🎉", countryCode: "DK" }, lines: [{ sku: "EMO-1", title: "Mug ☕️ with 👍🏽", quantity: 2, price: "99.00", taxRate: "0.25" }] }, expect: "booked" },
  { name: "a total of zero (a 100% discount): an invoice of 0.00, for the books", order: { lines: [{ sku: "FREE", title: "Free sample", quantity: 1, price: "50.00", taxRate: "0.25", discount: "50.00" }] }, expect: "booked" },
  { name: "a line at price 0 beside a paid one", order: { lines: [{ sku: "ZERO", title: "Free", quantity: 1, price: "0.00", taxRate: "0.25" }, { sku: "MUG", title: "Mug", quantity: 1, price: "100.00", taxRate: "0.25" }] }, expect: "booked" },
  { name: "a quantity of 10^9", order: { lines: [{ sku: "BOLT", title: "Bolt", quantity: 1_000_000_000, price: "0.01", taxRate: "0.25" }] }, expect: "booked" },
  { name: "a title of 5,000 characters", order: { lines: [{ sku: "LONG", title: "Ø".repeat(5000), quantity: 1, price: "10.00", taxRate: "0.25" }] }, expect: "booked" },
  { name: "HTML and SQL in the title and name", order: { billingAddress: { firstName: "<img src=x onerror=alert(1)>", lastName: "'; DROP TABLE Document;--", countryCode: "DK" }, lines: [{ sku: "<b>", title: "<script>alert(1)</script>", quantity: 1, price: "10.00", taxRate: "0.25" }] }, expect: "booked" },
];

describeWithDb("C. order data: each order gets one document or a log line that says why not", () => {
  beforeAll(async () => {
    await resetDb();
    shopify.shops.clear();
    const shop = shopify.addShop({ domain: SHOP, accessToken: "shpat_hostile", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
    shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e9;
    economic.agreements.clear();
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: "create" });
  });

  it.each(orderCases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const o = shopify.addOrder(SHOP, { financialStatus: "paid", taxesIncluded: true, email: "buyer@example.dk", billingAddress: { firstName: "Buyer", lastName: "One", countryCode: "DK" }, lines: [{ sku: "MUG", title: "Mug", quantity: 1, price: "100.00", taxRate: "0.25" }], ...c.order });
    const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_hostile", now: new Date() });
    const attempt = await sync(o.id).then(() => null, (error: unknown) => error as { merchantMessage?: string });
    await sync(o.id).catch(() => null); // the same event again changes nothing
    const db = await testDb();
    const documents = await db.document.findMany({ where: { orderId: String(o.id) } });
    const log = await db.syncLogEntry.findMany({ where: { orderId: String(o.id) } });
    expect(documents.length).toBeLessThanOrEqual(1);
    if (c.expect === "booked") {
      expect(attempt).toBeNull();
      expect(documents[0]?.state).toBe("finalized");
      const invoice = [...economic.agreements.get("g")!.booked.values()].filter((b) => String((b.references as { other?: string }).other).includes(String(o.id)));
      expect(invoice).toHaveLength(1);
    } else if (c.expect === "failed") {
      expect(documents.every((d) => d.state !== "finalized")).toBe(true);
      expect(attempt?.merchantMessage).toMatch(c.words!);
    } else if (c.expect === "skipped") {
      expect(documents).toHaveLength(0);
      expect(log.some((e) => e.status === "skipped" && (!c.words || c.words.test(e.message)))).toBe(true);
    }
    expect(log.length + (attempt?.merchantMessage ? 1 : 0)).toBeGreaterThan(0);
  });
});

// -------------------------------------------------------------------------------------- D. provider answers
const FAULTS: Array<[string, Fault]> = [
  ["garbage where JSON was due", { kind: "garbage" }],
  ["an HTML error page", { kind: "html" }],
  ["the wrong content type", { kind: "wrong-type" }],
  ["a body cut off midway", { kind: "partial" }],
  ["JSON of the wrong shape", { kind: "wrong-shape", body: [] }],
];
type ProviderCase = {
  name: string;
  connect(): Promise<void>;
  fault(f: Fault): void;
  documents(): number;
  topic: string;
  order: Partial<SeedOrder>;
  /** What the merchant does before pressing Retry, as the log asked (Walley: cancel in the portal what may be there). */
  beforeRetry?(): void;
};
const providerCases: ProviderCase[] = [
  {
    name: "e-conomic",
    topic: "orders/paid",
    order: {},
    async connect() {
      economic.agreements.clear();
      economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
      await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: "create" });
    },
    fault: (f) => economic.faults.add({ ...f, match: "/invoices/drafts", times: 1 }),
    documents: () => economic.agreements.get("g")!.booked.size,
  },
  {
    name: "InvoicExpress",
    topic: "orders/paid",
    order: { billingAddress: { firstName: "João", lastName: "Silva", address1: "Rua 1", city: "Lisboa", zip: "1000-001", countryCode: "PT" }, lines: [{ sku: "CAN", title: "Caneca", quantity: 1, price: "12.30", taxRate: "0.23" }] },
    async connect() {
      ix.accounts.clear();
      ix.addAccount({ name: "hostile", apiKey: "ix-hostile" });
      await seedInvoicExpressShop(await testDb(), { shopDomain: SHOP, accountUrl: ix.accountUrl("hostile"), accountName: "hostile", apiKey: "ix-hostile" });
    },
    fault: (f) => ix.faults.add({ ...f, match: "invoices.json", times: 1 }),
    documents: () => [...ix.accounts.get("hostile")!.documents.values()].filter((d) => d.status !== "draft" && d.status !== "deleted").length,
  },
  {
    name: "Walley",
    topic: "orders/create",
    order: { financialStatus: "pending", billingAddress: { firstName: "Astrid", lastName: "L", address1: "Gatan 1", city: "Malmö", zip: "21122", countryCode: "SE" } },
    async connect() {
      collector.stores.clear();
      collector.invoices.clear();
      collector.addStore({ storeId: 701, countryCode: "SE", username: "u", password: "p" });
      await seedCollectorShop(await testDb(), { shopDomain: SHOP, endpoint: collector.endpoint, username: "u", password: "p", stores: [{ countryCode: "SE", buyers: "b2c", storeId: 701 }] });
    },
    fault: (f) => collector.faults.add({ ...f, match: "AddInvoice", times: 1 }),
    documents: () => [...collector.invoices.values()].filter((i) => i.status !== "cancelled").length,
    beforeRetry() {
      for (const invoice of collector.invoices.values()) invoice.status = "cancelled";
    },
  },
  {
    name: "Intact iQ",
    topic: "orders/create",
    order: {},
    async connect() {
      await fetch(`${intact.url}/_control/reset`, { method: "POST" });
      intact.addUser("u", "p");
      intact.addAccount({ code: "HOST01", name: "Hostile Buyer" });
      await seedIntactShop(await testDb(), { shopDomain: SHOP, endpoint: intact.endpoint, username: "u", password: "p", settings: { salesOrders: true, accounts: { from: "table", table: [{ shopify: "buyer@example.dk", account: "HOST01" }] } } });
    },
    fault: (f) => intact.faults.add({ ...f, match: "CreateSalesOrder", times: 1 }),
    documents: () => intact.salesOrders.length,
  },
];

describeWithDb("D. provider answers: a broken answer is a clear retry or stop in words; once the system is well, one document", () => {
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    const shop = shopify.addShop({ domain: SHOP, accessToken: "shpat_hostile", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
    shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e9;
  });

  const cases = providerCases.flatMap((p) => FAULTS.map(([what, fault]) => [`${p.name}: ${what}`, p, fault] as const));
  it.each(cases)("%s", async (_name, p, fault) => {
    await p.connect();
    if (p.name === "Walley" || p.name === "InvoicExpress") shopify.shop(SHOP).currency = p.name === "Walley" ? "SEK" : "EUR";
    const o = shopify.addOrder(SHOP, { financialStatus: "paid", taxesIncluded: true, email: "buyer@example.dk", billingAddress: { firstName: "Buyer", lastName: "One", countryCode: "DK" }, lines: [{ sku: "MUG", title: "Mug", quantity: 1, price: "100.00", taxRate: "0.25" }], ...p.order });
    p.fault(fault);
    const db = await testDb();
    const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_hostile", apiVersion: "2026-10", timeoutMs: 3000 });
    const worker = () => new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 }).drain({ timeoutMs: 60_000 });
    expect((await intake(webhookRequest({ shop: SHOP, topic: p.topic, rawBody: JSON.stringify(shopify.restOrderPayload(SHOP, o.id)) }))).status).toBe(200);
    await worker();
    // The broken answer: a retry or a stop, in words, never a crash.
    const first = await db.syncLogEntry.findMany({ where: { status: { in: ["retrying", "failed"] } } });
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((e) => e.message.length > 20 && !/undefined|\[object Object\]|TypeError/.test(e.message))).toBe(true);
    // Once the system is well: the retry, or the merchant's Retry after a stop (having looked, as the log asked),
    // makes one document.
    const { retryJob } = await import("../../app/jobs/retry.server");
    for (let round = 0; round < 3 && p.documents() === 0; round++) {
      await db.job.updateMany({ where: { status: "queued" }, data: { runAt: new Date() } });
      const failed = await db.job.findMany({ where: { status: "failed" } });
      if (failed.length) p.beforeRetry?.();
      for (const job of failed) await retryJob(db, { shopDomain: SHOP, jobId: job.id });
      await worker();
    }
    expect(p.documents()).toBe(1);
    expect(await db.document.count({ where: { orderId: String(o.id) } })).toBe(1);
  });
});
