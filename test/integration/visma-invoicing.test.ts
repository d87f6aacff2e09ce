// Order to invoice on Visma eAccounting: both simulators over HTTP, a real database, the OAuth tokens
// encrypted at rest and refreshed as they expire. Both workflows: invoice drafts and orders.
import fs from "node:fs";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { orderSync } from "../helpers/sync";
import { seedVismaShop } from "../helpers/provider-shops";
import { VISMA_CLIENT, vismaAccount } from "../helpers/visma-account";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { VismaSimulator, type VismaCompany } from "../simulators/visma/server";

// The sandbox's Visma endpoints and the app's OAuth client, read by the app when it first needs them.
const visma = new VismaSimulator();
await visma.start();
process.env.VISMA_ENDPOINT = visma.url;
const shopify = new ShopifyAdminSimulator();
await shopify.start();

const { idempotencyKey } = await import("../../app/invoicing/issue-document.use-case");
const { providerForShop } = await import("../../app/providers/connections.server");
const { shortReference } = await import("../../app/providers/provider");
const { completeVismaConnect, startVismaConnect } = await import("../../app/providers/visma/visma-connect.server");
const { decryptSecret, parseKey } = await import("../../app/lib/crypto.server");
const { env } = await import("../../app/lib/env.server");
const { RetryableError } = await import("../../app/lib/errors");

const SHOP = "butik.myshopify.com";
let company: VismaCompany;
let account: ReturnType<typeof vismaAccount>;

const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_butik" });

async function storedCredentials() {
  const connection = await (await testDb()).connection.findFirstOrThrow();
  return { connection, credentials: JSON.parse(decryptSecret(connection.encryptedCredentials, parseKey(env().ENCRYPTION_KEY))) };
}

async function connect(settings: Record<string, unknown> = {}) {
  await seedVismaShop(await testDb(), { shopDomain: SHOP, vismaUrl: visma.url, tokens: account.tokens(), settings: { ...account.settings, ...settings } });
}

const newOrder = (overrides: { b2b?: boolean } = {}) => {
  const customer = shopify.addCustomer(SHOP, { email: "Sven.Berg@example.se", firstName: "Sven", lastName: "Berg" });
  return shopify.addOrder(SHOP, {
    customerId: customer.id,
    taxesIncluded: !overrides.b2b,
    billingAddress: { firstName: "Sven", lastName: "Berg", company: overrides.b2b ? "Berg Bygg AB" : null, address1: "Drottninggatan 5", city: "Stockholm", zip: "111 51", countryCode: "SE" },
    company: overrides.b2b ? { id: 77, name: "Berg Bygg AB", locationId: 78, locationName: "Stockholm" } : null,
    lines: [
      { sku: "KOPP-BLA", title: "Kopp, blå", quantity: 3, price: "149.00", taxRate: "0.25", discount: "20.00" },
      { sku: "KAFFE", title: "Kaffe", quantity: 2, price: "89.90", taxRate: "0.12" },
    ],
    shipping: [{ title: "PostNord", price: "59.00", taxRate: "0.25" }],
  });
};

describeWithDb("order to invoice on Visma eAccounting", () => {
  afterAll(async () => {
    await shopify.close();
    await visma.close();
  });
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    shopify.faults.clear();
    visma.companies.clear();
    visma.faults.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_butik", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "SEK" });
    account = vismaAccount(visma);
    company = account.company;
  });

  it("drafts workflow: a private buyer's order becomes one invoice with Shopify's total; customer and articles created as the settings say", async () => {
    await connect();
    const order = newOrder();
    await sync(order.id);
    const db = await testDb();
    // Visma holds one invoice, converted from a draft that carried our reference, with Shopify's total
    const invoices = [...company.invoices.values()];
    expect(invoices).toHaveLength(1);
    expect(company.drafts.size).toBe(0);
    const total = shopify.restOrderPayload(SHOP, order.id).total_price;
    expect(invoices[0]).toMatchObject({ InvoiceNumber: 1001, YourReference: shortReference(idempotencyKey(SHOP, String(order.id))), TotalAmountInvoiceCurrency: Number(total), IncludesVat: true });
    expect(String(invoices[0].InvoiceDate).slice(0, 10)).toBe("2026-11-21");
    // the customer: a private person with the shop's terms of payment and the invoice address
    expect([...company.customers.values()]).toEqual([
      expect.objectContaining({ Name: "Sven Berg", EmailAddress: "Sven.Berg@example.se", IsPrivatePerson: true, TermsOfPaymentId: account.settings.termsOfPaymentId, InvoiceCity: "Stockholm", InvoicePostalCode: "111 51" }),
    ]);
    // articles by SKU with the coding of their VAT rate, shipping as a service article per rate
    const articles = [...company.articles.values()].map((a) => [a.Number, a.CodingId, a.UnitId]).sort();
    expect(articles).toEqual(
      [
        ["KAFFE", account.settings.codings["0.12"], account.settings.unitId],
        ["KOPP-BLA", account.settings.codings["0.25"], account.settings.unitId],
        ["SHIPPING-25", account.settings.codings["0.25"], account.settings.unitId],
      ].sort(),
    );
    // our row, the PDF from Visma's Url, the log in words
    const document = await db.document.findFirstOrThrow();
    expect(document).toMatchObject({ state: "finalized", number: "1001", totalMinor: BigInt(Math.round(Number(total) * 100)) });
    expect(document.dueDate?.toISOString().slice(0, 10)).toBe("2026-12-21");
    const pdf = fs.readFileSync(path.join(process.env.DATA_DIR!, document.pdfPath!));
    await PDFDocument.load(pdf);
    const entry = await db.syncLogEntry.findFirstOrThrow({ where: { status: "done" } });
    expect(entry.message).toBe(`Invoice 1001 booked in Visma eAccounting for order ${order.name} (total ${total} SEK).`);
  });

  it("a B2B order makes a company customer, invoiced in net prices", async () => {
    await connect();
    const order = newOrder({ b2b: true });
    await sync(order.id);
    const [invoice] = [...company.invoices.values()];
    expect(invoice).toMatchObject({ IncludesVat: false, TotalAmountInvoiceCurrency: Number(shopify.restOrderPayload(SHOP, order.id).total_price) });
    expect([...company.customers.values()][0]).toMatchObject({ Name: "Berg Bygg AB", IsPrivatePerson: false });
  });

  it("orders workflow: an order when paid, converted to an invoice when fulfilled, once", async () => {
    await connect({ workflow: "orders" });
    const order = newOrder();
    await sync(order.id, "ORDERS_PAID");
    expect(company.orders.size).toBe(1);
    expect(company.invoices.size).toBe(0);
    const db = await testDb();
    expect((await db.syncLogEntry.findFirstOrThrow({ where: { status: "done" } })).message).toContain("It becomes an invoice in Visma eAccounting when the order is fulfilled.");
    shopify.setOrderStatus(SHOP, order.id, { fulfillmentStatus: "fulfilled" });
    await sync(order.id, "ORDERS_FULFILLED");
    await sync(order.id, "ORDERS_UPDATED");
    expect(company.invoices.size).toBe(1);
    const [visOrder] = [...company.orders.values()];
    expect(visOrder.Status).toBe(4);
    expect([...company.invoices.values()][0]).toMatchObject({ CreatedFromOrderId: visOrder.Id, TotalAmountInvoiceCurrency: Number(shopify.restOrderPayload(SHOP, order.id).total_price) });
    expect(await db.document.findFirstOrThrow()).toMatchObject({ state: "finalized", number: "1001" });
  });

  it("the draft is committed but its answer lost, then the conversion too: still one invoice", async () => {
    await connect();
    const order = newOrder();
    visma.faults.add({ kind: "lost-response", match: "POST /v2/customerinvoicedrafts" });
    await expect(sync(order.id)).rejects.toBeInstanceOf(RetryableError);
    expect(company.drafts.size).toBe(1);
    visma.faults.add({ kind: "lost-response", match: "/convert" });
    await expect(sync(order.id)).rejects.toBeInstanceOf(RetryableError);
    expect(company.invoices.size).toBe(1);
    await sync(order.id);
    expect(company.invoices.size).toBe(1);
    expect(company.drafts.size).toBe(0);
    expect(await (await testDb()).document.findFirstOrThrow()).toMatchObject({ state: "finalized", number: "1001" });
  });

  it("an expired access token is refreshed before use, and the new tokens are stored encrypted", async () => {
    await connect();
    const db = await testDb();
    const before = await storedCredentials();
    await db.connection.update({
      where: { id: before.connection.id },
      data: {
        encryptedCredentials: (await import("../../app/lib/crypto.server")).encryptSecret(
          JSON.stringify({ ...before.credentials, expiresAt: new Date(Date.now() + 60_000).toISOString() }),
          parseKey(env().ENCRYPTION_KEY),
        ),
      },
    });
    visma.expireAccessTokens(company.id);
    await sync(newOrder().id);
    expect(company.invoices.size).toBe(1);
    const after = await storedCredentials();
    expect(after.credentials.refreshToken).not.toBe(before.credentials.refreshToken);
    expect(after.credentials.accessToken).not.toBe(before.credentials.accessToken);
    expect(Date.parse(after.credentials.expiresAt)).toBeGreaterThan(Date.now() + 3_000_000);
    expect(after.connection.encryptedCredentials).not.toContain(after.credentials.refreshToken);
  });

  it("two jobs refreshing at once spend the single-use refresh token once, and both go on", async () => {
    await connect();
    visma.expireAccessTokens(company.id);
    const db = await testDb();
    const { connection } = await storedCredentials();
    const { encryptSecret } = await import("../../app/lib/crypto.server");
    const { credentials } = await storedCredentials();
    await db.connection.update({ where: { id: connection.id }, data: { encryptedCredentials: encryptSecret(JSON.stringify({ ...credentials, expiresAt: new Date(0).toISOString() }), parseKey(env().ENCRYPTION_KEY)) } });
    const [a, b] = await Promise.all([providerForShop(db)(SHOP), providerForShop(db)(SHOP)]);
    await Promise.all([a!.provider.verifyConnection(), b!.provider.verifyConnection()]);
    expect((await storedCredentials()).credentials.refreshToken).not.toBe(credentials.refreshToken);
  });

  it("a refresh Visma refuses pauses the connection with words; orders wait, failed with Retry, until the merchant reconnects", async () => {
    await connect();
    visma.expireAccessTokens(company.id);
    visma.revokeRefreshTokens(company.id);
    const db = await testDb();
    const { connection, credentials } = await storedCredentials();
    const { encryptSecret } = await import("../../app/lib/crypto.server");
    await db.connection.update({ where: { id: connection.id }, data: { encryptedCredentials: encryptSecret(JSON.stringify({ ...credentials, expiresAt: new Date(0).toISOString() }), parseKey(env().ENCRYPTION_KEY)) } });
    const order = newOrder();
    const error = await sync(order.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "auth", code: "visma_reconnect" });
    const paused = await db.connection.findFirstOrThrow();
    expect(paused.status).toBe("paused");
    expect(paused.statusMessage).toBe(
      "Visma eAccounting no longer accepts the app's access (the sign-in expired or was withdrawn). Reconnect Visma eAccounting in the app's settings; orders wait until then.",
    );
    // the next order is not dropped: it fails with the same words, to be retried
    const next = await sync(newOrder().id).catch((e: unknown) => e);
    expect(next).toMatchObject({ kind: "auth", code: "connection_paused" });
    // the merchant reconnects through Visma's sign-in; the retry books the invoice
    const authorize = await startVismaConnect(db, SHOP);
    const consent = await fetch(authorize, { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!);
    expect(await completeVismaConnect(db, { state: back.searchParams.get("state"), code: back.searchParams.get("code"), error: null })).toEqual({ ok: true, shopDomain: SHOP });
    expect(await db.connection.findFirstOrThrow()).toMatchObject({ status: "active", statusMessage: null });
    await sync(order.id);
    expect(company.invoices.size).toBe(1);
  });

  it("connecting: the authorize URL carries the scopes and a one-time state; the callback spends it once and refuses replays and strangers", async () => {
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: SHOP } });
    const authorize = new URL(await startVismaConnect(db, SHOP));
    expect(authorize.origin + authorize.pathname).toBe(`${visma.url}/connect/authorize`);
    expect(authorize.searchParams.get("scope")).toBe("ea:api offline_access ea:sales");
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:3000/connect/visma/callback");
    const consent = await fetch(authorize, { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!);
    const state = back.searchParams.get("state")!;
    const code = back.searchParams.get("code")!;
    expect(state).toBe(authorize.searchParams.get("state"));
    // a forged state: refused, nothing stored
    expect(await completeVismaConnect(db, { state: "forged", code, error: null })).toMatchObject({ ok: false, status: 400 });
    expect(await db.connection.count()).toBe(0);
    // the real one: tokens stored encrypted
    expect(await completeVismaConnect(db, { state, code, error: null })).toEqual({ ok: true, shopDomain: SHOP });
    const { connection, credentials } = await storedCredentials();
    expect(connection).toMatchObject({ providerType: "visma", status: "active" });
    expect(credentials.accessToken.length).toBeGreaterThan(10);
    expect(connection.encryptedCredentials).not.toContain(credentials.accessToken);
    // a replay of the same callback: refused
    expect(await completeVismaConnect(db, { state, code, error: null })).toMatchObject({ ok: false, message: expect.stringContaining("expired or was already used") });
    // a merchant who says no at Visma: told in words, logged
    const again = new URL(await startVismaConnect(db, SHOP));
    expect(await completeVismaConnect(db, { state: again.searchParams.get("state"), code: null, error: "access_denied" })).toMatchObject({
      ok: false,
      message: "Access was not granted in Visma, so Visma eAccounting is not connected. Start again from the app when you are ready.",
    });
  });

  it("saving the settings checks them against the company: a price setting that disagrees with Visma's is refused in words", async () => {
    await connect();
    const db = await testDb();
    const { saveConnection } = await import("../../app/providers/save-connection.server");
    const settings = { baseUrl: visma.url, identityUrl: visma.url, ...account.settings };
    expect(await saveConnection(db, { shopDomain: SHOP, providerType: "visma", settings: { ...settings, pricesIncludeVatForPrivatePersons: false } })).toEqual({
      ok: false,
      message: "Visma eAccounting shows private persons prices including VAT, but the app's Visma settings say the opposite. Change one of the two so that they agree.",
    });
    expect(await saveConnection(db, { shopDomain: SHOP, providerType: "visma", settings: { ...settings, workflow: "orders" } })).toMatchObject({ ok: true });
    expect(JSON.parse((await db.connection.findFirstOrThrow()).settings)).toMatchObject({ workflow: "orders" });
  });

  it("Visma's own 429 (ErrorCode 4010) is a wait, not a failure: retryable after the Retry-After it gives", async () => {
    const strict = new VismaSimulator({ quotaPerMinute: 2 });
    await strict.start();
    try {
      const strictAccount = vismaAccount(strict);
      const { createProvider } = await import("../../app/providers/registry");
      const tokens = strictAccount.tokens();
      const provider = createProvider({
        type: "visma",
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
        settings: { baseUrl: strict.url, identityUrl: strict.url, ...strictAccount.settings },
        runtime: { oauthClient: VISMA_CLIENT },
      });
      await provider.verifyConnection();
      await provider.verifyConnection();
      const limited = await provider.verifyConnection().catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(RetryableError);
      expect(limited).toMatchObject({ code: "visma_rate_limited", merchantMessage: "Visma eAccounting asked the app to slow down; it will continue shortly." });
      expect((limited as InstanceType<typeof RetryableError>).retryAfterMs).toBeGreaterThan(0);
      expect(strict.stats.rejected429).toBe(1);
    } finally {
      await strict.close();
    }
  });

  it("paces every request by its endpoint (method and route), the unit of Visma's 600-a-minute limit", async () => {
    const db = await testDb();
    await connect();
    const row = await db.connection.findFirstOrThrow();
    const { createProvider } = await import("../../app/providers/registry");
    const { credentials } = await storedCredentials();
    const paced: string[] = [];
    const provider = createProvider({
      type: "visma",
      credentials,
      settings: JSON.parse(row.settings),
      runtime: { oauthClient: VISMA_CLIENT, pace: async (endpoint) => void paced.push(endpoint) },
    });
    await provider.findOrCreateCustomer({
      customer: { shopifyCustomerId: "1", email: "a@example.se", name: "A", companyName: null, address: null, currency: "SEK", isB2B: false },
      linkedExternalId: null,
    });
    expect(paced).toEqual(["GET /v2/customers", "POST /v2/customers"]);
    expect(visma.stats.rejected429).toBe(0);
  });
});
