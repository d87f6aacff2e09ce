// No secret reaches a log: every provider with credentials of its own, through the whole path (signed webhooks,
// the intake, the worker, the simulators over HTTP), when it works and when it fails (5xx with a body, a
// timeout, refused credentials that pause the connection, an expired and a revoked Visma token, a wrong password
// on Test connection). The process log is written at trace level to a file; then that file, every sync-log
// message and detail, every stored payload (webhook deliveries, jobs and their last errors, documents, the
// connection's status words) is searched for each credential the test used: 0 found. (Connection credentials
// themselves are stored encrypted, and Shopify's session tokens by the session storage: those two are not
// searched.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";

const LOG_FILE = path.join(os.tmpdir(), `ib-secrets-${process.pid}-${Date.now()}.log`);
process.env.LOG_FILE = LOG_FILE;
process.env.LOG_LEVEL = "trace";

const { ShopifyAdminSimulator } = await import("../simulators/shopify-admin/server");
const { EconomicSimulator } = await import("../simulators/economic/server");
const { InvoicExpressSimulator } = await import("../simulators/invoicexpress/server");
const { CollectorSimulator } = await import("../simulators/collector/server");
const { IntactSimulator } = await import("../simulators/intact/server");
const { VismaSimulator } = await import("../simulators/visma/server");
const { describeWithDb, resetDb, testDb } = await import("../helpers/db");
const { seedEconomicShop } = await import("../helpers/economic-shop");
const { seedCollectorShop, seedIntactShop, seedInvoicExpressShop, seedVismaShop } = await import("../helpers/provider-shops");
const { vismaAccount } = await import("../helpers/visma-account");
const { webhookRequest } = await import("../helpers/webhooks");
const { webhookAction } = await import("../../app/webhooks/webhook-route.server");
const { EmbeddedWorker } = await import("../../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../../app/jobs/handlers.server");
const { httpAdminClient } = await import("../../app/shopify/admin-client.server");
const { logger } = await import("../../app/lib/logger.server");
const { connectionAction } = await import("../../app/admin/connection.server");

const shopify = new ShopifyAdminSimulator();
const economic = new EconomicSimulator();
const ix = new InvoicExpressSimulator();
const collector = new CollectorSimulator();
const intact = new IntactSimulator();
const visma = new VismaSimulator();

const SECRETS = {
  econApp: "SCAN-ECON-APP-SECRET-4c1e9a",
  econGrant: "SCAN-ECON-GRANT-77e0b2",
  ixKey: "SCANIXAPIKEY19b3f0aa",
  walley: "SCAN-WALLEY-PW-5d2c",
  intact: "SCAN-INTACT-PW-88a1",
};
const shops = {
  economic: "scan-economic.myshopify.com",
  ix: "scan-ix.myshopify.com",
  walley: "scan-walley.myshopify.com",
  intact: "scan-intact.myshopify.com",
  visma: "scan-visma.myshopify.com",
};
const tokenOf = (shop: string) => `shpat_SCAN_${shop.split(".")[0].replace(/\W/g, "")}_e3f1`;
/** Every credential the test used, Visma's tokens added as they are issued. */
const used = new Set<string>([...Object.values(SECRETS), ...Object.values(shops).map(tokenOf)]);

async function work() {
  const db = await testDb();
  const adminClientFor = async (shop: string) => httpAdminClient({ endpoint: shopify.url, shop, accessToken: tokenOf(shop), apiVersion: "2026-10", timeoutMs: 2000 });
  await new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }), pollMs: 10 }).drain({ timeoutMs: 60_000 });
}
async function later() {
  await (await testDb()).job.updateMany({ where: { status: "queued" }, data: { runAt: new Date() } });
}
async function deliver(shop: string, orderId: number, topic: string) {
  const rawBody = JSON.stringify(shopify.restOrderPayload(shop, orderId));
  return webhookAction({ request: webhookRequest({ rawBody, shop, topic, eventId: `evt-${shop}-${orderId}-${topic}` }), params: {}, context: {} });
}
function order(shop: string, country: string, extra: Record<string, unknown> = {}) {
  return shopify.addOrder(shop, {
    taxesIncluded: true,
    financialStatus: "paid",
    email: "buyer@example.com",
    billingAddress: { firstName: "Sven", lastName: "Scan", address1: "Gatan 1", city: "Malmö", zip: "21122", countryCode: country },
    lines: [{ sku: "SCAN-1", title: "Scan item", quantity: 1, price: "100.00", taxRate: country === "PT" ? "0.23" : "0.25" }],
    ...extra,
  });
}

afterAll(async () => {
  await Promise.all([shopify.close(), economic.close(), ix.close(), collector.close(), intact.close(), visma.close()]);
  fs.rmSync(LOG_FILE, { force: true });
});

describeWithDb("no credential in any log line or stored payload", () => {
  beforeAll(async () => {
    await Promise.all([shopify.start(), economic.start(), ix.start(), collector.start(), intact.start(), visma.start()]);
    await resetDb();
    const db = await testDb();
    for (const [key, shop] of Object.entries(shops)) {
      shopify.addShop({ domain: shop, accessToken: tokenOf(shop), appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: key === "walley" || key === "visma" ? "SEK" : key === "economic" ? "DKK" : "EUR" });
    }
    economic.addAgreement({ appSecretToken: SECRETS.econApp, agreementGrantToken: SECRETS.econGrant });
    await seedEconomicShop(db, { shopDomain: shops.economic, economicUrl: economic.url, appSecretToken: SECRETS.econApp, agreementGrantToken: SECRETS.econGrant, missingProducts: "create" });
    ix.addAccount({ name: "scan", apiKey: SECRETS.ixKey });
    await seedInvoicExpressShop(db, { shopDomain: shops.ix, accountUrl: ix.accountUrl("scan"), accountName: "scan", apiKey: SECRETS.ixKey });
    collector.addStore({ storeId: 701, countryCode: "SE", username: "scan-user", password: SECRETS.walley });
    await seedCollectorShop(db, { shopDomain: shops.walley, endpoint: collector.endpoint, username: "scan-user", password: SECRETS.walley, stores: [{ countryCode: "SE", buyers: "b2c", storeId: 701 }] });
    intact.addUser("scan-user", SECRETS.intact);
    intact.addAccount({ code: "SCAN01", name: "Scan Buyer" });
    await seedIntactShop(db, { shopDomain: shops.intact, endpoint: intact.endpoint, username: "scan-user", password: SECRETS.intact, settings: { salesOrders: true, accounts: { from: "table", table: [{ shopify: "buyer@example.com", account: "SCAN01" }] } } });
    const account = vismaAccount(visma);
    const tokens = account.tokens();
    used.add(tokens.access_token);
    used.add(tokens.refresh_token);
    await seedVismaShop(db, { shopDomain: shops.visma, vismaUrl: visma.url, tokens, settings: account.settings });
    await (async () => {
      // the tokens Visma issues on each refresh are credentials too
      const issue = visma.issueTokens.bind(visma);
      visma.issueTokens = (input) => {
        const set = issue(input);
        used.add(set.access_token);
        if (set.refresh_token) used.add(set.refresh_token);
        return set;
      };
    })();

    // Working: one document each.
    await deliver(shops.economic, order(shops.economic, "DK").id, "orders/paid");
    await deliver(shops.ix, order(shops.ix, "PT").id, "orders/paid");
    await deliver(shops.walley, order(shops.walley, "SE", { financialStatus: "pending" }).id, "orders/create");
    await deliver(shops.intact, order(shops.intact, "DK").id, "orders/create");
    await deliver(shops.visma, order(shops.visma, "SE").id, "orders/paid");
    await work();

    // Failing: 5xx with a body, a timeout, then refused credentials, for each.
    economic.faults.add({ kind: "status", status: 500, times: 1 });
    ix.faults.add({ kind: "status", status: 500, times: 1 });
    collector.faults.add({ kind: "status", status: 500, times: 1 });
    intact.faults.add({ kind: "timeout", times: 1 });
    visma.expireAccessTokens(account.company.id);
    await deliver(shops.economic, order(shops.economic, "DK").id, "orders/paid");
    await deliver(shops.ix, order(shops.ix, "PT").id, "orders/paid");
    await deliver(shops.walley, order(shops.walley, "SE", { financialStatus: "pending" }).id, "orders/create");
    await deliver(shops.intact, order(shops.intact, "DK").id, "orders/create");
    await deliver(shops.visma, order(shops.visma, "SE").id, "orders/paid");
    await work();
    await later();
    await work();

    economic.agreements.clear();
    ix.accounts.get("scan")!.apiKey = "changed-by-the-merchant";
    collector.stores.clear();
    intact.users.clear();
    visma.revokeRefreshTokens(account.company.id);
    visma.expireAccessTokens(account.company.id);
    await deliver(shops.economic, order(shops.economic, "DK").id, "orders/paid");
    await deliver(shops.ix, order(shops.ix, "PT").id, "orders/paid");
    await deliver(shops.walley, order(shops.walley, "SE", { financialStatus: "pending" }).id, "orders/create");
    await deliver(shops.intact, order(shops.intact, "DK").id, "orders/create");
    await deliver(shops.visma, order(shops.visma, "SE").id, "orders/paid");
    await work();

    // Test connection with a wrong password, as the Connection page posts it.
    const form = new FormData();
    form.set("intent", "test");
    form.set("type", "collector");
    form.set("credentials", JSON.stringify({ username: "scan-user", password: SECRETS.walley }));
    await connectionAction(db, shops.walley, form);
  }, 120_000);

  it("the flows ran: documents made, failures logged, connections paused", async () => {
    const db = await testDb();
    expect(await db.document.count({ where: { providerRef: { not: null } } })).toBeGreaterThanOrEqual(5);
    expect(await db.syncLogEntry.count({ where: { status: "failed" } })).toBeGreaterThanOrEqual(5);
    expect(await db.connection.count({ where: { status: "paused" } })).toBeGreaterThanOrEqual(4);
    expect(fs.statSync(LOG_FILE).size).toBeGreaterThan(1_000);
  });

  it("the process log holds none of the credentials", () => {
    const lines = fs.readFileSync(LOG_FILE, "utf8").split("\n").filter(Boolean);
    // a line per failed attempt at least (the app logs failures, not every request)
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const found = [...used].flatMap((secret) => lines.filter((l) => l.includes(secret)).map((l) => `${secret.slice(0, 12)}… in ${l.slice(0, 300)}`));
    expect(found).toEqual([]);
  });

  it("no sync-log message or detail, stored payload, job error or document holds any of them", async () => {
    const db = await testDb();
    const json = (rows: unknown) => JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    const stores = {
      syncLog: json(await db.syncLogEntry.findMany()),
      deliveries: json(await db.webhookDelivery.findMany()),
      jobs: json(await db.job.findMany()),
      documents: json(await db.document.findMany()),
      connections: json(await db.connection.findMany({ select: { shopDomain: true, providerType: true, status: true, statusMessage: true, settings: true } })),
      shops: json(await db.shop.findMany()),
    };
    expect(stores.syncLog.length).toBeGreaterThan(1000);
    const found = [...used].flatMap((secret) => Object.entries(stores).filter(([, text]) => text.includes(secret)).map(([where]) => `${secret.slice(0, 12)}… in ${where}`));
    expect(found).toEqual([]);
  });
});
