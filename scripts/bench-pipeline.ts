// npm run bench:pipeline [-- --provider economic|visma|invoicexpress|collector|intact|visma-burst|all --orders 300 --burst 1000 --concurrency 4]
// N orders through the whole pipeline (webhook intake → embedded worker → rules → plan → provider) against the
// simulators, each provider on its own fresh SQLite file, simulator and shop: invoices per second for one
// worker, and provider calls per invoice as the provider's simulator counted them (every request but its
// control API), cold (an empty account: customers and products get created) and warm (the same customers and
// products again). Each run also checks that the simulator booked one document per order: orders the app
// left as drafts on purpose, and failed jobs, are shown with the app's sync-log messages.
//
// Shopify's throttle is taken out (a huge bucket) and no latency is added, so the figures are the app's own.
// Visma keeps its real quota (600 requests per minute per client and endpoint), so its runs are paced by the
// app's limiter (9 per second per endpoint) and measure that; "visma-burst" (in "all") sends --burst orders at
// once and shows, per endpoint, the most requests in any 60 s, and that Visma answered no 429.
// Walley (collector) gets orders that are already fulfilled, so that one event adds the invoice and activates
// it; its calls are the SOAP calls (the PDF download is not counted).
// Intact iQ (intact) takes each order as a sales order on the buyer's account (the account table maps the
// bench's buyers), which Intact invoices itself: a "booked" document is a sales order there, and its calls are
// the SOAP calls and the WSDL reads (the client keeps a WSDL for ten minutes).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { VISMA_CLIENT, vismaAccount } from "../test/helpers/visma-account";

const PROVIDERS = ["economic", "visma", "invoicexpress", "collector", "intact", "visma-burst"] as const;
type ProviderArg = (typeof PROVIDERS)[number];
const { values: args } = parseArgs({
  options: {
    provider: { type: "string", default: "all" },
    orders: { type: "string", default: "300" },
    burst: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "4" },
  },
});
if (args.provider !== "all" && !PROVIDERS.includes(args.provider as ProviderArg)) {
  throw new Error(`--provider must be one of ${[...PROVIDERS, "all"].join(", ")}; got ${args.provider}`);
}
const selected: ProviderArg[] = args.provider === "all" ? [...PROVIDERS] : [args.provider as ProviderArg];
const N = Number(args.orders);
const BURST = Number(args.burst);
const CONCURRENCY = Number(args.concurrency);

/** A port free now, for a server started later. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-bench-"));
// The app reads VISMA_ENDPOINT once per process, and every Visma run gets a fresh simulator: all of them
// listen on this one port, so the setting stays true.
const vismaPort = await freePort();
Object.assign(process.env, {
  IB_SANDBOX: "1",
  LOG_LEVEL: "silent",
  WORKER: "off",
  DATABASE_URL: `file:${path.join(dir, "app.sqlite")}`,
  DATA_DIR: dir,
  VISMA_ENDPOINT: `http://127.0.0.1:${vismaPort}`,
  VISMA_CLIENT_ID: VISMA_CLIENT.clientId,
  VISMA_CLIENT_SECRET: VISMA_CLIENT.clientSecret,
});

// Migrated once and copied: every run starts on a fresh file without paying for `prisma migrate` again.
// The process-wide client (app.sqlite) is only the Shopify library's session storage, which checks its table
// at import; the runs use their own files.
const { migrateDatabase } = await import("../app/db/migrations.server");
const template = path.join(dir, "template.sqlite");
await migrateDatabase(`file:${template}`);
fs.copyFileSync(template, path.join(dir, "app.sqlite"));

const { default: appDb, createDb } = await import("../app/db.server");
type Db = typeof appDb;
const { ShopifyAdminSimulator, signWebhook } = await import("../test/simulators/shopify-admin/server");
const { EconomicSimulator } = await import("../test/simulators/economic/server");
const { VismaSimulator } = await import("../test/simulators/visma/server");
const { InvoicExpressSimulator } = await import("../test/simulators/invoicexpress/server");
const { CollectorSimulator } = await import("../test/simulators/collector/server");
const { IntactSimulator } = await import("../test/simulators/intact/server");
const { receiveWebhook, intakeResponse } = await import("../app/webhooks/intake.server");
const { authenticateWebhook } = await import("../app/shopify.server");
const { EmbeddedWorker } = await import("../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../app/jobs/handlers.server");
const { httpAdminClient } = await import("../app/shopify/admin-client.server");
const { SANDBOX_API_SECRET } = await import("../app/lib/env.server");
const { logger } = await import("../app/lib/logger.server");
const { seedEconomicShop } = await import("../test/helpers/economic-shop");
const { seedVismaShop, seedInvoicExpressShop, seedCollectorShop, seedIntactShop } = await import("../test/helpers/provider-shops");

/** One provider's simulator with a shop connected to it, and what the bench reads from the simulator. */
type Target = {
  currency: string;
  country: string;
  /** VAT rates of the products, in turn by SKU; shipping takes the first. */
  rates: string[];
  booked: () => number;
  calls: () => number;
  rejected429?: () => number;
  /** When each request reached the simulator, per endpoint (for Visma, as its quota counts them). */
  callTimes?: () => Map<string, number[]>;
  /** Orders arrive fulfilled (Walley activates on fulfilment). */
  fulfilled?: boolean;
  /** The state of a document the app is done with (Intact's sales orders stay "created": Intact invoices them). */
  doneState?: string;
  close: () => Promise<void>;
};

/**
 * The Visma simulator's per-endpoint counter, also keeping when each call came: its keys are exactly the
 * ones its quota counts by, and it costs no extra hop (a proxy would add latency to what is measured).
 * It counts the calls the quota refused too; with no 429 they are the same.
 */
class TimedCounts extends Map<string, number> {
  readonly times = new Map<string, number[]>();
  override set(key: string, value: number) {
    let times = this.times.get(key);
    if (!times) this.times.set(key, (times = []));
    times.push(Date.now());
    return super.set(key, value);
  }
}

async function economicTarget(db: Db, shopDomain: string): Promise<Target> {
  const sim = new EconomicSimulator();
  await sim.start();
  const agreement = sim.addAgreement({ appSecretToken: "s", agreementGrantToken: "g", dailyCallLimit: 1e9 });
  await seedEconomicShop(db, { shopDomain, economicUrl: sim.url, appSecretToken: "s", agreementGrantToken: "g" });
  return { currency: "DKK", country: "DK", rates: ["0.25"], booked: () => agreement.booked.size, calls: () => agreement.calls, close: () => sim.close() };
}

async function vismaTarget(db: Db, shopDomain: string): Promise<Target> {
  // The real quota (600 per minute): the limiter is part of what the Visma runs measure.
  const sim = new VismaSimulator({ port: vismaPort });
  await sim.start();
  const counts = new TimedCounts();
  sim.stats.byEndpoint = counts;
  const account = vismaAccount(sim);
  await seedVismaShop(db, { shopDomain, vismaUrl: sim.url, tokens: account.tokens(), settings: account.settings });
  return {
    currency: "SEK",
    country: "SE",
    rates: ["0.25", "0.12", "0.06"],
    booked: () => account.company.invoices.size,
    calls: () => sim.stats.requests,
    rejected429: () => sim.stats.rejected429,
    callTimes: () => counts.times,
    close: () => sim.close(),
  };
}

async function invoicExpressTarget(db: Db, shopDomain: string): Promise<Target> {
  const sim = new InvoicExpressSimulator();
  await sim.start();
  // The simulator keeps no request count, but asks its fault injector once for every request outside its
  // control API, with "METHOD /path": counting there needs no change to the simulator and no proxy in the path.
  let calls = 0;
  const times = new Map<string, number[]>();
  const take = sim.faults.take.bind(sim.faults);
  sim.faults.take = (target) => {
    calls += 1;
    const endpoint = target.replace(/\/\d+(?=\/|\.json)/g, "/{id}").replace(/\/files\/[0-9a-f]+\.pdf$/, "/files/{token}.pdf");
    let at = times.get(endpoint);
    if (!at) times.set(endpoint, (at = []));
    at.push(Date.now());
    return take(target);
  };
  const account = sim.addAccount({ name: "bench", apiKey: "ix-bench-key" });
  await seedInvoicExpressShop(db, { shopDomain, accountUrl: sim.accountUrl("bench"), accountName: "bench", apiKey: "ix-bench-key" });
  return {
    currency: "EUR",
    country: "PT",
    rates: ["0.23", "0.13", "0.06"],
    booked: () => [...account.documents.values()].filter((d) => d.status === "final").length,
    calls: () => calls,
    callTimes: () => times,
    close: () => sim.close(),
  };
}

/** A SOAP simulator's calls, counted where each asks its fault injector once, with its operation's name. */
function countSoapCalls(faults: { take: (operation: string) => unknown }) {
  const counted = { calls: 0, times: new Map<string, number[]>() };
  const take = faults.take.bind(faults);
  faults.take = (operation: string) => {
    counted.calls += 1;
    let at = counted.times.get(operation);
    if (!at) counted.times.set(operation, (at = []));
    at.push(Date.now());
    return take(operation);
  };
  return counted;
}

async function collectorTarget(db: Db, shopDomain: string): Promise<Target> {
  const sim = new CollectorSimulator();
  await sim.start();
  sim.addStore({ storeId: 701, countryCode: "SE", username: "bench", password: "bench-password" });
  const counted = countSoapCalls(sim.faults);
  await seedCollectorShop(db, { shopDomain, endpoint: sim.endpoint, username: "bench", password: "bench-password", stores: [{ countryCode: "SE", buyers: "b2c", storeId: 701 }] });
  return {
    currency: "SEK",
    country: "SE",
    rates: ["0.25", "0.12", "0.06"],
    booked: () => [...sim.invoices.values()].filter((i) => i.status === "activated").length,
    calls: () => counted.calls,
    callTimes: () => counted.times,
    fulfilled: true,
    close: () => sim.close(),
  };
}

async function intactTarget(db: Db, shopDomain: string): Promise<Target> {
  const sim = new IntactSimulator();
  await sim.start();
  sim.addUser("bench", "bench-password");
  const table = Array.from({ length: 20 }, (_, i) => ({ shopify: `buyer${i}@example.gb`, account: `BENCH${String(i).padStart(2, "0")}` }));
  for (const row of table) sim.addAccount({ code: row.account, name: `Buyer ${row.account}` });
  const counted = countSoapCalls(sim.faults);
  await seedIntactShop(db, { shopDomain, endpoint: sim.endpoint, username: "bench", password: "bench-password", settings: { salesOrders: true, accounts: { from: "table", table } } });
  return {
    currency: "GBP",
    country: "GB",
    rates: ["0.2", "0.05", "0"],
    booked: () => sim.salesOrders.length,
    calls: () => counted.calls + sim.wsdlReads,
    callTimes: () => new Map([...counted.times, ["GET ?wsdl", Array.from({ length: sim.wsdlReads }, () => Date.now())]]),
    doneState: "created",
    close: () => sim.close(),
  };
}

type BatchResult = {
  batch: string;
  orders: number;
  booked: number;
  /** Documents the app left as drafts on purpose (its sync log says why). */
  drafts: number;
  failedJobs: number;
  /** Jobs left waiting for a retry later than the drain waits. */
  retryingJobs: number;
  seconds: number;
  "invoices/s (one worker)": number;
  "calls/invoice": number;
};

type RunResult = { label: string; orders: number; wallSeconds: number; batches: BatchResult[]; rejected429?: number };

async function run(label: string, provider: "economic" | "visma" | "invoicexpress" | "collector" | "intact", orderCount: number, batches: string[]): Promise<RunResult> {
  const file = path.join(dir, `${label.replace(/\W+/g, "-")}.sqlite`);
  fs.copyFileSync(template, file);
  const db = createDb(`file:${file}`);
  const SHOP = `bench-${provider}.myshopify.com`;
  const target = await { economic: economicTarget, visma: vismaTarget, invoicexpress: invoicExpressTarget, collector: collectorTarget, intact: intactTarget }[provider](db, SHOP);
  const notDone = { state: { not: target.doneState ?? "finalized" } };
  const shopify = new ShopifyAdminSimulator();
  await shopify.start();
  const shop = shopify.addShop({ domain: SHOP, accessToken: "shpat_bench", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: target.currency });
  shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e9; // "no added latency": Shopify's throttle is not what is measured
  const tld = target.country.toLowerCase();
  const customers = Array.from({ length: 20 }, (_, i) => shopify.addCustomer(SHOP, { email: `buyer${i}@example.${tld}`, firstName: "Buyer", lastName: String(i) }));
  const rateOf = (sku: number) => target.rates[sku % target.rates.length];
  // e-conomic's orders stay as they always were, so its figures compare with earlier runs.
  const address = provider === "economic" ? {} : { address1: "Street 1", city: "City", zip: "1000" };

  async function batch(name: string): Promise<BatchResult> {
    const orders = Array.from({ length: orderCount }, (_, i) =>
      shopify.addOrder(SHOP, {
        customerId: customers[i % customers.length].id,
        taxesIncluded: true,
        ...(target.fulfilled ? { fulfillmentStatus: "fulfilled" as const } : {}),
        billingAddress: { firstName: "Buyer", lastName: String(i), countryCode: target.country, ...address },
        lines: [
          { sku: `SKU-${i % 10}`, title: `Product ${i % 10}`, quantity: 1 + (i % 3), price: "99.95", taxRate: rateOf(i % 10) },
          { sku: `SKU-${(i + 3) % 10}`, title: `Product ${(i + 3) % 10}`, quantity: 1, price: "19.50", taxRate: rateOf((i + 3) % 10) },
        ],
        shipping: [{ title: "Post", price: "39.00", taxRate: target.rates[0] }],
      }),
    );
    for (const order of orders) {
      const rawBody = JSON.stringify(shopify.restOrderPayload(SHOP, order.id));
      const request = new Request("http://127.0.0.1/webhooks/orders", {
        method: "POST",
        body: rawBody,
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Topic": "orders/paid",
          "X-Shopify-Hmac-Sha256": signWebhook(rawBody, SANDBOX_API_SECRET),
          "X-Shopify-Shop-Domain": SHOP,
          "X-Shopify-API-Version": "2026-10",
          "X-Shopify-Webhook-Id": crypto.randomUUID(),
          "X-Shopify-Event-Id": crypto.randomUUID(),
        },
      });
      // The intake behind the webhook route, given this run's database instead of the process-wide one.
      const response = intakeResponse(await receiveWebhook(request, { db, logger, authenticateWebhook }));
      if (response.status !== 200) throw new Error(`intake answered ${response.status}`);
    }
    const bookedBefore = target.booked();
    const callsBefore = target.calls();
    const failedBefore = await db.job.count({ where: { status: "failed" } });
    const draftsBefore = await db.document.count({ where: notDone });
    const adminClientFor = async () => httpAdminClient({ endpoint: shopify.url, shop: SHOP, accessToken: "shpat_bench", apiVersion: "2026-10" });
    const worker = new EmbeddedWorker({ db, logger, handlers: createHandlers({ db, logger, dataDir: dir, adminClientFor }), concurrency: CONCURRENCY, pollMs: 5 });
    const started = performance.now();
    await worker.drain({ timeoutMs: 1_800_000 });
    const seconds = (performance.now() - started) / 1000;
    const invoices = target.booked() - bookedBefore;
    return {
      batch: name,
      orders: orderCount,
      booked: invoices,
      drafts: (await db.document.count({ where: notDone })) - draftsBefore,
      failedJobs: (await db.job.count({ where: { status: "failed" } })) - failedBefore,
      retryingJobs: await db.job.count({ where: { status: "queued" } }),
      seconds: Number(seconds.toFixed(2)),
      "invoices/s (one worker)": Number((invoices / seconds).toFixed(1)),
      "calls/invoice": Number(((target.calls() - callsBefore) / Math.max(1, invoices)).toFixed(2)),
    };
  }

  const wallStarted = performance.now();
  const results: BatchResult[] = [];
  for (const name of batches) results.push(await batch(name));
  const wall = (performance.now() - wallStarted) / 1000;

  console.log(`\n## ${label}: ${orderCount} orders per batch, wall time ${wall.toFixed(1)} s (orders, intake and drain)`);
  console.table(results);
  const booked = target.booked();
  const expected = orderCount * batches.length;
  if (booked !== expected) console.log(`MISMATCH: the simulator holds ${booked} booked documents for ${expected} orders`);
  else console.log(`the simulator holds ${booked} booked documents for ${expected} orders`);

  const rejected = target.rejected429?.();
  const times = target.callTimes?.();
  if (times) {
    const rows = [...times.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([endpoint, at]) => ({
        endpoint,
        requests: at.length,
        "per invoice": Number((at.length / Math.max(1, target.booked())).toFixed(2)),
        "max in any 60 s": maxInWindow(at, 60_000),
        // Visma's quota covers its API (/v2), not its identity server or the PDF files.
        ...(rejected !== undefined ? { quota: endpoint.includes(" /v2/") ? 600 : "none" } : {}),
      }));
    console.table(rows);
  }
  if (rejected !== undefined) {
    const requests = target.calls();
    console.log(rejected === 0 ? `limiter held the quota: 0 × 429 over ${requests} requests` : `limiter did NOT hold the quota: ${rejected} × 429 over ${requests} requests`);
  }

  // Orders that became drafts rather than invoices are not failures, but the reason belongs in the report.
  const drafts = await db.document.findMany({ where: notDone, select: { orderId: true, orderName: true } });
  if (drafts.length) {
    const reasons = new Map<string, string[]>();
    for (const d of drafts) {
      const entry = await db.syncLogEntry.findFirst({ where: { orderId: d.orderId }, orderBy: { createdAt: "desc" } });
      const message = entry?.message ?? "(no sync-log entry)";
      const reason = d.orderName ? message.replaceAll(d.orderName, "<order>") : message;
      reasons.set(reason, [...(reasons.get(reason) ?? []), d.orderName ?? d.orderId]);
    }
    console.log(`${drafts.length} order(s) left as drafts, with the app's reason:`);
    for (const [reason, orders] of reasons) console.log(`  ${orders.length} × (${orders.slice(0, 5).join(", ")}${orders.length > 5 ? ", …" : ""}) ${reason}`);
  }

  // Failures in the merchant's words, as the app logged them: what an operator would read.
  const failed = await db.syncLogEntry.groupBy({ by: ["message"], where: { status: "failed" }, _count: { _all: true } });
  if (failed.length) {
    console.log("failed sync-log entries:");
    for (const f of failed) console.log(`  ${f._count._all} × ${f.message}`);
    const sample = await db.syncLogEntry.findFirst({ where: { status: "failed" }, orderBy: { createdAt: "asc" } });
    if (sample?.detail) console.log(`  first detail: ${sample.detail}`);
  }

  await shopify.close();
  await target.close();
  await db.$disconnect();
  return { label, orders: orderCount, wallSeconds: wall, batches: results, rejected429: rejected };
}

/** The most timestamps that fit in any window of `ms`, as a sliding quota counts them. */
function maxInWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= ms) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const runs: RunResult[] = [];
const benchStarted = performance.now();
for (const provider of selected) {
  if (provider === "visma-burst") runs.push(await run(`visma burst ${BURST} orders`, "visma", BURST, ["burst"]));
  else runs.push(await run(provider, provider, N, ["cold", "warm"]));
}

const cell = (value: number | undefined) => (value === undefined ? "—" : String(value));
console.log(`\n## Summary (concurrency ${CONCURRENCY}, total ${((performance.now() - benchStarted) / 1000).toFixed(1)} s)\n`);
console.log("| run | orders | cold inv/s | warm inv/s | calls/invoice cold | calls/invoice warm | 429s | booked | drafts | failed jobs | wall s |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of runs) {
  const [cold, warm] = r.batches;
  const booked = r.batches.reduce((sum, b) => sum + b.booked, 0);
  const drafts = r.batches.reduce((sum, b) => sum + b.drafts, 0);
  const failed = r.batches.reduce((sum, b) => sum + b.failedJobs, 0);
  console.log(
    `| ${r.label} | ${r.orders} | ${cell(cold?.["invoices/s (one worker)"])} | ${cell(warm?.["invoices/s (one worker)"])} | ${cell(cold?.["calls/invoice"])} | ${cell(warm?.["calls/invoice"])} | ${cell(r.rejected429)} | ${booked}/${r.orders * r.batches.length} | ${drafts} | ${failed} | ${r.wallSeconds.toFixed(1)} |`,
  );
}

// The line `npm run bench` (scripts/bench-all.ts) reads.
console.log(
  JSON.stringify({
    bench: "pipeline",
    concurrency: CONCURRENCY,
    runs: runs.map((r) => ({
      label: r.label,
      orders: r.orders,
      coldInvoicesPerSecond: r.batches[0]?.["invoices/s (one worker)"],
      warmInvoicesPerSecond: r.batches[1]?.["invoices/s (one worker)"],
      coldCallsPerInvoice: r.batches[0]?.["calls/invoice"],
      warmCallsPerInvoice: r.batches[1]?.["calls/invoice"],
      rejected429: r.rejected429,
      booked: r.batches.reduce((sum, b) => sum + b.booked, 0),
      expected: r.orders * r.batches.length,
      failedJobs: r.batches.reduce((sum, b) => sum + b.failedJobs, 0),
    })),
  }),
);

await appDb.$disconnect();
fs.rmSync(dir, { recursive: true, force: true });
