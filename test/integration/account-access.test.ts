// Who sees which invoice in customer accounts: the customer-account endpoints called as the extension calls
// them (a Bearer session token signed with the app's secret, audience our app), against the real routes, the
// Shopify Admin simulator (customers, a B2B company with two locations and role assignments) and the e-conomic
// simulator, with documents made by the real order sync on a real database. Each row of the table is one
// buyer asking for one thing; the answer is the status, and for a 200 what the buyer is shown.
// The environment is read once per process, so the simulator's URL is set before the app's modules load.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { customerToken, type TokenChange } from "../helpers/customer-token";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { orderSync } from "../helpers/sync";
import { EconomicSimulator } from "../simulators/economic/server";
import type { SeedOrder } from "../simulators/shopify-admin/orders";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const economic = new EconomicSimulator();

const SHOP = "buyers-shop.myshopify.com";
const OTHER_SHOP = "other-shop.myshopify.com";
const { SANDBOX_API_KEY, SANDBOX_API_SECRET } = await import("../../app/lib/env.server");
const orderRoute = await import("../../app/routes/api.account.orders.$orderId");
const invoicesRoute = await import("../../app/routes/api.account.invoices");
const pdfRoute = await import("../../app/routes/documents.$documentId[.pdf]");
const erpPdfRoute = await import("../../app/routes/account.erp-invoices.$key[.pdf]");
const { forgetAccess } = await import("../../app/account/access.server");
const { signPdfLink } = await import("../../app/documents/pdf-links.server");
const { syncRefund } = await import("../../app/invoicing/sync-refund.use-case");
const { providerForShop } = await import("../../app/providers/connections.server");
const { adminClientFor } = await import("../../app/shopify/admin.server");
const { logger } = await import("../../app/lib/logger.server");

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };

const token = (customerId: number | null, change: TokenChange = {}, shop = SHOP) => customerToken(SANDBOX_API_KEY, SANDBOX_API_SECRET, shop, customerId, change);

async function get(path: string, authorization: string | null, method = "GET"): Promise<Answer> {
  const headers: Record<string, string> = { Origin: "https://extensions.shopifycdn.com" };
  if (authorization !== null) headers.Authorization = authorization;
  const request = new Request(`http://127.0.0.1:3000${path}`, { method, headers });
  const url = new URL(request.url);
  const orderId = /^\/api\/account\/orders\/([^/]+)$/.exec(url.pathname)?.[1];
  const route = orderId !== undefined ? orderRoute : invoicesRoute;
  const args = { request, params: { orderId }, context: {} };
  const response = method === "GET" ? await route.loader(args) : await route.action(args);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Opens a signed download link as the browser does: no session, just the link. */
async function open(link: string) {
  const url = new URL(link, "http://127.0.0.1:3000");
  const request = new Request(url);
  const pdf = /^\/documents\/(.+)\.pdf$/.exec(url.pathname);
  const erp = /^\/account\/erp-invoices\/(.+)\.pdf$/.exec(url.pathname);
  const response = pdf
    ? await pdfRoute.loader({ request, params: { documentId: decodeURIComponent(pdf[1]) }, context: {} })
    : await erpPdfRoute.loader({ request, params: { key: decodeURIComponent(erp![1]) }, context: {} });
  return { status: response.status, type: response.headers.get("Content-Type"), bytes: Buffer.from(await response.arrayBuffer()) };
}

type Doc = { id: string; kind: string; number: string | null; orderId: string | null; status: string | null; download: string; total: string | null; dueDate: string | null };

const LINES: SeedOrder["lines"] = [{ sku: "MUG", title: "Mug", quantity: 2, price: "125.00", taxRate: "0.25" }];
const address = (city: string) => ({ firstName: "A", lastName: "Buyer", address1: "Gade 1", city, zip: "8000", countryCode: "DK" });

// The cast: two private buyers, a company with two locations and three contacts, and a guest.
const people = {} as Record<"alice" | "bob" | "carol" | "dan" | "erik" | "fiona", number>;
const orders = {} as Record<"a1" | "a2" | "a3" | "b1" | "c1" | "e1" | "guest", number>;
let company = { id: 0, aarhus: 0, odense: 0 };

describeWithDb("customer-account access (real session tokens, real routes, the Admin API deciding)", () => {
  const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_buyers" });

  beforeAll(async () => {
    await economic.start();
    await resetDb();
    const db = await testDb();
    for (const [domain, accessToken] of [[SHOP, "shpat_buyers"], [OTHER_SHOP, "shpat_other"]] as const) {
      shopify.addShop({ domain, accessToken, appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
      await db.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "x", isOnline: false, accessToken, scope: "write_orders,read_customers" } });
    }
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g" });

    for (const name of ["alice", "bob", "carol", "dan", "erik", "fiona"] as const) {
      people[name] = shopify.addCustomer(SHOP, { email: `${name}@example.dk`, firstName: name, lastName: "Buyer" }).id;
    }
    // Nordic Trade ApS: Carol and Dan at Aarhus (Dan as its admin), Erik at Odense; Fiona is a contact with no role.
    const made = shopify.shop(SHOP).companies.add(
      {
        name: "Nordic Trade ApS",
        locations: [{ name: "Aarhus" }, { name: "Odense" }],
        contacts: [
          { customerId: people.carol, roles: [{ location: 0 }] },
          { customerId: people.dan, roles: [{ location: 0, role: "Location admin" }] },
          { customerId: people.erik, roles: [{ location: 1 }] },
          { customerId: people.fiona },
        ],
      },
      () => true,
    );
    company = { id: made.id, aarhus: made.locations[0].id, odense: made.locations[1].id };
    const b2b = (locationId: number, locationName: string) => ({ id: company.id, name: "Nordic Trade ApS", locationId, locationName });

    const order = (customer: number | null, extra: Partial<SeedOrder> = {}) =>
      shopify.addOrder(SHOP, { customerId: customer, email: customer ? null : "guest@example.dk", financialStatus: "paid", taxesIncluded: true, billingAddress: address("Aarhus"), lines: LINES, ...extra }).id;
    orders.a1 = order(people.alice, { createdAt: "2026-11-01T10:00:00Z" });
    orders.a2 = order(people.alice, { createdAt: "2026-11-02T10:00:00Z" });
    orders.a3 = order(people.alice, { createdAt: "2026-11-03T10:00:00Z", financialStatus: "pending" });
    orders.b1 = order(people.bob);
    orders.c1 = order(people.carol, { company: b2b(company.aarhus, "Aarhus") });
    orders.e1 = order(people.erik, { company: b2b(company.odense, "Odense") });
    orders.guest = order(null);
    for (const id of [orders.a1, orders.a2, orders.b1, orders.c1, orders.e1, orders.guest]) await sync(id);
    // Alice's second order is refunded in part: a credit note under its invoice.
    const refund = shopify.addRefund(SHOP, orders.a2, { amount: "50.00" });
    await syncRefund(
      { shopDomain: SHOP, orderId: String(orders.a2), refundId: String(refund.id), jobId: "job", deliveryId: null },
      { db, logger, adminClientFor, providerFor: providerForShop(db), dataDir: process.env.DATA_DIR!, now: () => new Date() },
    );
    const made2 = await db.document.findMany({ where: { shopDomain: SHOP, state: "finalized" } });
    expect(made2.map((d) => d.kind).sort()).toEqual(["creditNote", "invoice", "invoice", "invoice", "invoice", "invoice", "invoice"]);
  });
  afterAll(async () => {
    await Promise.all([shopify.close(), economic.close()]);
  });
  beforeEach(() => forgetAccess());

  // ---------------------------------------------------------------- one order: who may see it
  const orderCases: Array<[string, () => Promise<string | null>, () => number | string, 200 | 404, number?]> = [
    ["a buyer's own invoiced order", () => token(people.alice), () => orders.a1, 200, 1],
    ["a buyer's own order with a credit note", () => token(people.alice), () => orders.a2, 200, 1],
    ["a buyer's own order not invoiced yet", () => token(people.alice), () => orders.a3, 200, 0],
    ["the order named by its gid", () => token(people.alice), () => `gid://shopify/Order/${orders.a1}`, 200, 1],
    ["another buyer's order", () => token(people.alice), () => orders.b1, 404],
    ["the other way round", () => token(people.bob), () => orders.a1, 404],
    ["a guest order", () => token(people.alice), () => orders.guest, 404],
    ["an order that does not exist", () => token(people.alice), () => 999999999, 404],
    ["an order id that is not a number", () => token(people.alice), () => "1;DROP TABLE", 404],
    ["a B2B order the buyer placed", () => token(people.carol), () => orders.c1, 200, 1],
    ["a colleague's order at the same location", () => token(people.dan), () => orders.c1, 200, 1],
    ["another location of the same company, no role there", () => token(people.erik), () => orders.c1, 404],
    ["the Odense buyer's own order", () => token(people.erik), () => orders.e1, 200, 1],
    ["the Aarhus buyer asks for Odense's order", () => token(people.carol), () => orders.e1, 404],
    ["the Aarhus admin asks for Odense's order", () => token(people.dan), () => orders.e1, 404],
    ["a contact of the company with no role", () => token(people.fiona), () => orders.c1, 404],
    ["a private buyer asks for a company's order", () => token(people.alice), () => orders.c1, 404],
    ["a B2B buyer asks for a private buyer's order", () => token(people.carol), () => orders.a1, 404],
    ["a buyer of another shop, same customer id", () => token(people.alice, {}, OTHER_SHOP), () => orders.a1, 404],
  ];

  it.each(orderCases)("order: %s", async (_name, makeToken, orderOf, status, invoices) => {
    const answer = await get(`/api/account/orders/${encodeURIComponent(String(orderOf()))}`, `Bearer ${await makeToken()}`);
    expect(answer.status).toBe(status);
    expect(answer.headers.get("Access-Control-Allow-Origin")).toBe("*");
    if (status === 404) {
      // The same words whatever the reason: nothing about another buyer's order leaks.
      expect(answer.body).toEqual({ ok: false, message: "There is no such order in your account." });
      return;
    }
    expect((answer.body.invoices as Doc[]).length).toBe(invoices);
    for (const invoice of answer.body.invoices as Doc[]) {
      const pdf = await open(invoice.download);
      expect(pdf.status).toBe(200);
      expect(pdf.type).toBe("application/pdf");
      expect(pdf.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    }
  });

  it("order: a credit note is listed under its invoice, with its own PDF", async () => {
    const answer = await get(`/api/account/orders/${orders.a2}`, `Bearer ${await token(people.alice)}`);
    const [invoice] = answer.body.invoices as Doc[];
    const [credit] = answer.body.creditNotes as Doc[];
    // Paid in Shopify, and credited in part: still an invoice that was paid.
    expect(invoice).toMatchObject({ kind: "invoice", total: "250.00 DKK", status: "paid" });
    expect(credit).toMatchObject({ kind: "creditNote", total: "50.00 DKK", status: null });
    expect((await open(credit.download)).bytes.subarray(0, 5).toString()).toBe("%PDF-");
  });

  // ---------------------------------------------------------------- the token itself
  const tokenCases: Array<[string, () => Promise<string | null>, RegExp]> = [
    ["no Authorization header", async () => null, /Sign in/],
    ["a Bearer that is not a token", async () => "Bearer not-a-token", /could not be verified/],
    ["a scheme other than Bearer", async () => `Basic ${Buffer.from("a:b").toString("base64")}`, /Sign in/],
    ["a token without sub (buyer not signed in)", async () => `Bearer ${await token(null)}`, /Sign in/],
    ["an expired token", async () => `Bearer ${await token(people.alice, { expiresIn: -60 })}`, /expired/],
    ["a forged token (another secret)", async () => `Bearer ${await token(people.alice, { secret: "not-our-secret" })}`, /could not be verified/],
    ["another app's token (wrong audience)", async () => `Bearer ${await token(people.alice, { audience: "another-app" })}`, /not for Invoice Bridge/],
    ["another algorithm (HS512)", async () => `Bearer ${await token(people.alice, { alg: "HS512" })}`, /could not be verified/],
    ["sub that is not a customer", async () => `Bearer ${await token(people.alice, { sub: "gid://shopify/StaffMember/1" })}`, /Sign in/],
    ["sub that is an order id", async () => `Bearer ${await token(people.alice, { sub: String(orders.a1) })}`, /Sign in/],
    ["no shop in the token", async () => `Bearer ${await token(people.alice, { dest: null })}`, /names no shop/],
    ["a shop that is not a myshopify domain", async () => `Bearer ${await token(people.alice, { dest: "evil.example.com" })}`, /names no shop/],
  ];

  for (const [path, name] of [["orders", "order"], ["invoices", "Invoices page"]] as const) {
    it.each(tokenCases)(`${name}: %s → 401 with the reason and CORS`, async (_case, makeToken, reason) => {
      const header = await makeToken();
      const answer = await get(path === "orders" ? `/api/account/orders/${orders.a1}` : "/api/account/invoices", header);
      expect(answer.status).toBe(401);
      expect(answer.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(answer.body.ok).toBe(false);
      expect(String(answer.body.message)).toMatch(reason);
      // Never a fallback to the order: nothing of it is in the answer.
      expect(JSON.stringify(answer.body)).not.toContain(String(orders.a1));
    });
  }

  it("the browser's preflight gets CORS and no body; other methods get 405 with CORS", async () => {
    for (const path of [`/api/account/orders/${orders.a1}`, "/api/account/invoices"]) {
      const preflight = await get(path, null, "OPTIONS");
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(preflight.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
      const post = await get(path, `Bearer ${await token(people.alice)}`, "POST");
      expect(post.status).toBe(405);
      expect(post.headers.get("Access-Control-Allow-Origin")).toBe("*");
    }
  });

  // ---------------------------------------------------------------- the Invoices page: what each buyer sees
  const numbersOf = async (customer: number) => {
    const answer = await get("/api/account/invoices", `Bearer ${await token(customer)}`);
    expect(answer.status).toBe(200);
    return { ...answer.body, documents: answer.body.documents as Doc[] } as { company: { name: string; locations: string[] } | null; documents: Doc[]; total: number };
  };

  it.each([
    ["alice", () => people.alice, () => [orders.a1, orders.a2, orders.a2], null],
    ["bob", () => people.bob, () => [orders.b1], null],
    ["carol (Aarhus)", () => people.carol, () => [orders.c1], { name: "Nordic Trade ApS", locations: ["Aarhus"] }],
    ["dan (Aarhus admin, placed no order)", () => people.dan, () => [orders.c1], { name: "Nordic Trade ApS", locations: ["Aarhus"] }],
    ["erik (Odense)", () => people.erik, () => [orders.e1], { name: "Nordic Trade ApS", locations: ["Odense"] }],
    ["fiona (a contact with no role)", () => people.fiona, () => [], null],
  ] as const)("Invoices page: %s sees exactly their documents", async (_name, who, expected, companyShown) => {
    const page = await numbersOf(who());
    expect(page.documents.map((d) => d.orderId).sort()).toEqual(expected().map(String).sort());
    expect(page.company).toEqual(companyShown);
    for (const document of page.documents) expect((await open(document.download)).status).toBe(200);
  });

  it("Invoices page: a role given at Odense shows Odense's invoices at once (after the short cache); a role taken away hides them", async () => {
    const companies = shopify.shop(SHOP).companies;
    companies.assign(company.id, people.dan, company.odense);
    forgetAccess();
    expect((await numbersOf(people.dan)).documents.map((d) => d.orderId).sort()).toEqual([String(orders.c1), String(orders.e1)].sort());
    expect((await get(`/api/account/orders/${orders.e1}`, `Bearer ${await token(people.dan)}`)).status).toBe(200);
    companies.revoke(company.id, people.dan, company.odense);
    companies.revoke(company.id, people.dan, company.aarhus);
    forgetAccess();
    expect((await numbersOf(people.dan)).documents).toEqual([]);
    expect((await get(`/api/account/orders/${orders.c1}`, `Bearer ${await token(people.dan)}`)).status).toBe(404);
    companies.assign(company.id, people.dan, company.aarhus, "Location admin");
  });

  // ---------------------------------------------------------------- the links themselves
  describe("signed download links", () => {
    const aliceInvoice = async () => ((await get(`/api/account/orders/${orders.a1}`, `Bearer ${await token(people.alice)}`)).body.invoices as Doc[])[0];
    const bobInvoiceId = async () => (await (await testDb()).document.findFirstOrThrow({ where: { orderId: String(orders.b1), kind: "invoice" } })).id;

    it.each([
      ["its signature altered", 403, (u: URL) => u.searchParams.set("signature", u.searchParams.get("signature")!.replace(/^./, (c) => (c === "A" ? "B" : "A")))],
      ["its expiry moved later", 403, (u: URL) => u.searchParams.set("expires", String(Number(u.searchParams.get("expires")) + 3600))],
      ["its audience changed to admin", 403, (u: URL) => u.searchParams.set("for", "admin")],
      ["its signature removed", 403, (u: URL) => u.searchParams.delete("signature")],
    ] as const)("a buyer's link with %s → %i", async (_name, status, alter) => {
      const url = new URL((await aliceInvoice()).download);
      alter(url);
      const answer = await open(url.toString());
      expect(answer.status).toBe(status);
      expect(answer.bytes.toString()).toMatch(/not valid/);
    });

    it("a buyer's link pointed at another buyer's document → 403", async () => {
      const url = new URL((await aliceInvoice()).download);
      url.pathname = `/documents/${await bobInvoiceId()}.pdf`;
      expect((await open(url.toString())).status).toBe(403);
    });

    it("an expired link → 410 with how to get a new one", async () => {
      const link = signPdfLink({ documentId: (await aliceInvoice()).id, audience: "buyer", now: new Date(Date.now() - 6 * 60_000) });
      const answer = await open(link);
      expect(answer.status).toBe(410);
      expect(answer.bytes.toString()).toMatch(/expired.*get a new one/);
    });
  });
});
