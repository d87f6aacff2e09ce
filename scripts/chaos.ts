// npm run chaos [-- --orders 10000 --kill-every 5 --concurrency 4 --seed 7 --keep]
//
// Exactly-once under real faults, at volume: N paid orders through the real webhook intake (in this process)
// and the real worker (its own process, `scripts/worker.ts`), against the Shopify and e-conomic simulators:
// - every event (orders/create and orders/paid of each order) is delivered 1–3 times, a third of the repeats
//   at the same moment;
// - e-conomic answers 5% of its calls with a 503, commits 1% of its writes and then loses the answer, and now
//   and then answers 429 (Retry-After 1) to everything for two seconds;
// - the worker process is killed with SIGKILL --kill-every seconds after it started, on average (at a random
//   moment, jobs in hand), and started again.
// At the end it counts, per order, the booked invoices e-conomic holds (by the reference the app writes on
// each) and the orders that have neither an invoice nor a sync-log entry that says what to do. It exits 1
// when an order has two invoices, or none and no word about it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { scratchDatabase } from "./bench/scratch-database";

const { values: args } = parseArgs({
  options: {
    orders: { type: "string", default: "10000" },
    "kill-every": { type: "string", default: "5" },
    concurrency: { type: "string", default: "4" },
    seed: { type: "string", default: "7" },
    keep: { type: "boolean", default: false },
    database: { type: "string", default: "postgresql" },
  },
});
const N = Number(args.orders);
const KILL_EVERY_S = Number(args["kill-every"]);

/** A small deterministic generator (mulberry32), so that a run can be repeated. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(Number(args.seed));

const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-chaos-"));
// The worker runs apart from the intake, as at scale: on PostgreSQL (the default; a fresh database on the
// server at PG_ADMIN_URL), or on SQLite (--database sqlite), where two processes share one file's write lock.
const scratch = await scratchDatabase(args.database, "chaos", dir);
const databaseUrl = scratch.url;
Object.assign(process.env, { IB_SANDBOX: "1", LOG_LEVEL: "silent", WORKER: "off", DATABASE_URL: databaseUrl, DATA_DIR: dir, RECONCILE_EVERY_MINUTES: "0" });

const { migrateDatabase } = await import("../app/db/migrations.server");
await migrateDatabase(databaseUrl);
const { default: db } = await import("../app/db.server");
const { ShopifyAdminSimulator, signWebhook } = await import("../test/simulators/shopify-admin/server");
const { EconomicSimulator } = await import("../test/simulators/economic/server");
const { seedEconomicShop } = await import("../test/helpers/economic-shop");
const { receiveWebhook, intakeResponse } = await import("../app/webhooks/intake.server");
const { authenticateWebhook } = await import("../app/shopify.server");
const { logger } = await import("../app/lib/logger.server");
const { SANDBOX_API_SECRET } = await import("../app/lib/env.server");
type Fault = import("../test/simulators/faults").Fault;

const SHOP = "chaos.myshopify.com";
const shopify = new ShopifyAdminSimulator();
await shopify.start();
const shop = shopify.addShop({ domain: SHOP, accessToken: "shpat_chaos", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e12;
const economic = new EconomicSimulator();
await economic.start();
const agreement = economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g", dailyCallLimit: 1e9 });
await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: "create" });
await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "chaos", isOnline: false, accessToken: "shpat_chaos", scope: "write_orders,read_customers" } });

// e-conomic's faults, drawn per call.
const injected = { "503": 0, "lost answer": 0, "429": 0 };
let burstUntil = 0;
const take = economic.faults.take.bind(economic.faults);
economic.faults.take = (target: string): Fault | undefined => {
  const ruled = take(target);
  if (ruled || target.includes("/_control/")) return ruled;
  const now = Date.now();
  if (now < burstUntil) return (injected["429"]++, { kind: "status", status: 429, retryAfter: 1 });
  const r = random();
  if (r < 0.002) {
    burstUntil = now + 2_000;
    return (injected["429"]++, { kind: "status", status: 429, retryAfter: 1 });
  }
  if (r < 0.052) return (injected["503"]++, { kind: "status", status: 503 });
  if (r < 0.062 && target.startsWith("POST")) return (injected["lost answer"]++, { kind: "lost-response" });
  return undefined;
};

// The worker, its own process, killed and started again.
const workerEnv = {
  ...process.env,
  SHOPIFY_ADMIN_ENDPOINT: shopify.url,
  WORKER_CONCURRENCY: String(args.concurrency),
  JOB_LEASE_MS: "2000",
  JOB_POLL_MS: "50",
  JOB_BACKOFF_BASE_MS: "200",
  JOB_BACKOFF_MAX_MS: "5000",
};
let worker: ChildProcess | null = null;
let kills = 0;
/** The worker's whole process group, so that nothing of it lives on. */
const killWorker = async (signal: NodeJS.Signals) => {
  const child = worker as ChildProcess | null;
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  await exited;
};
/** Starts the worker and waits until it says it has started (its startup is not what is being killed). */
const startWorker = () =>
  new Promise<void>((resolve) => {
    // Node itself with tsx's loader, in a process group of its own: the SIGKILL reaches the worker, not a wrapper.
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], { cwd: root, env: { ...workerEnv, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "ignore"], detached: true });
    worker = child;
    let seen = "";
    child.stdout.on("data", (chunk: Buffer) => {
      if (seen.includes("worker started")) return;
      seen += chunk.toString();
      if (seen.includes("worker started")) resolve();
    });
    child.once("exit", () => resolve());
  });
const pending = () => db.job.count({ where: { status: { in: ["queued", "running"] } } });

// The orders, and their deliveries.
const orders = Array.from({ length: N }, (_, i) =>
  shopify.addOrder(SHOP, {
    financialStatus: "paid",
    taxesIncluded: i % 2 === 0,
    email: `buyer${i % 2000}@example.dk`,
    billingAddress: { firstName: "Buyer", lastName: String(i), countryCode: "DK" },
    lines: [
      { sku: `SKU-${i % 25}`, title: `Product ${i % 25}`, quantity: 1 + (i % 3), price: "99.95", taxRate: "0.25", ...(i % 7 === 0 ? { discount: "10.00" } : {}) },
      { sku: `SKU-${(i + 5) % 25}`, title: `Product ${(i + 5) % 25}`, quantity: 1, price: "19.50", taxRate: "0.25" },
    ],
    shipping: [{ title: "Post", price: "39.00", taxRate: "0.25" }],
  }),
);
const delivery = (orderId: number, topic: string, eventId: string) => {
  const rawBody = JSON.stringify(shopify.restOrderPayload(SHOP, orderId));
  return new Request("http://127.0.0.1/webhooks/orders", {
    method: "POST",
    body: rawBody,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": signWebhook(rawBody, SANDBOX_API_SECRET),
      "X-Shopify-Shop-Domain": SHOP,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": crypto.randomUUID(),
      "X-Shopify-Event-Id": eventId,
    },
  });
};
let deliveries = 0;
let intakeDone = false;
const started = performance.now();
const intake = (async () => {
  for (const order of orders) {
    for (const topic of ["orders/create", "orders/paid"]) {
      const eventId = crypto.randomUUID();
      const times = 1 + Math.floor(random() * 3);
      const send = async () => {
        deliveries += 1;
        const answer = intakeResponse(await receiveWebhook(delivery(order.id, topic, eventId), { db, logger, authenticateWebhook }));
        if (answer.status !== 200) throw new Error(`the intake answered ${answer.status}`);
      };
      if (times > 1 && random() < 1 / 3) await Promise.all(Array.from({ length: times }, send));
      else for (let t = 0; t < times; t++) await send();
    }
  }
  intakeDone = true;
})();

await startWorker();
const progress = setInterval(() => {
  console.log(`  ${((performance.now() - started) / 1000).toFixed(0)} s: ${deliveries} deliveries, ${agreement.booked.size} of ${N} invoices booked, ${kills} kills`);
}, 10_000);
while (!intakeDone || (await pending()) > 0) {
  // A random moment of the worker's running life, jobs in hand.
  await new Promise((r) => setTimeout(r, random() * 2 * KILL_EVERY_S * 1000));
  if (!intakeDone || (await pending()) > 0) {
    await killWorker("SIGKILL");
    kills += 1;
    await startWorker();
  }
}
await intake;
clearInterval(progress);
// The last worker ends as an operator would stop it.
await killWorker("SIGTERM");
const seconds = (performance.now() - started) / 1000;

// Per order: the booked invoices e-conomic holds (by reference), and what the sync log says.
const perOrder = new Map<string, number>();
for (const invoice of agreement.booked.values()) {
  const orderId = String((invoice.references as { other?: string } | undefined)?.other ?? "").split(":")[2];
  perOrder.set(orderId, (perOrder.get(orderId) ?? 0) + 1);
}
const histogram = new Map<number, number>();
for (const order of orders) {
  const count = perOrder.get(String(order.id)) ?? 0;
  histogram.set(count, (histogram.get(count) ?? 0) + 1);
}
const withoutInvoice = orders.filter((o) => !perOrder.get(String(o.id))).map((o) => String(o.id));
const explained = new Set(
  (await db.syncLogEntry.findMany({ where: { orderId: { in: withoutInvoice }, status: { in: ["failed", "skipped"] } }, select: { orderId: true } })).map((e) => e.orderId),
);
const silent = withoutInvoice.filter((id) => !explained.has(id));
const jobs = Object.fromEntries((await db.job.groupBy({ by: ["status"], _count: true })).map((g) => [g.status, g._count]));
const attempts = (await db.job.aggregate({ _sum: { attempts: true } }))._sum.attempts ?? 0;
const storedDeliveries = await db.webhookDelivery.count();
const duplicates = orders.filter((o) => (perOrder.get(String(o.id)) ?? 0) > 1).length;

console.log(`\n## chaos: ${N} orders in ${seconds.toFixed(0)} s (${args.database}, the worker its own process)\n`);
console.log("| figure | value |");
console.log("|---|---:|");
const row = (name: string, value: string | number) => console.log(`| ${name} | ${value} |`);
row("deliveries sent (1–3 per event, some at once)", deliveries);
row("deliveries stored (one per event)", storedDeliveries);
row("e-conomic 503s injected", injected["503"]);
row("e-conomic writes committed, answer lost", injected["lost answer"]);
row("e-conomic 429s (bursts)", injected["429"]);
row("worker processes killed with SIGKILL", kills);
row("job attempts", attempts);
row("jobs by status", JSON.stringify(jobs));
row("orders with exactly 1 booked invoice", histogram.get(1) ?? 0);
row("orders with 2 or more (duplicates)", duplicates);
row("orders with none, but a log entry saying why", withoutInvoice.length - silent.length);
row("orders with neither an invoice nor a word", silent.length);
if (withoutInvoice.length) {
  const reasons = await db.syncLogEntry.groupBy({ by: ["message"], where: { orderId: { in: withoutInvoice }, status: "failed" }, _count: true });
  for (const r of reasons.slice(0, 5)) console.log(`  ${r._count} × ${r.message}`);
}
await Promise.all([shopify.close(), economic.close()]);
await db.$disconnect();
if (args.keep) console.log(`the database is kept: ${databaseUrl}`);
else {
  fs.rmSync(dir, { recursive: true, force: true });
  await scratch.drop();
}
process.exit(duplicates === 0 && silent.length === 0 && storedDeliveries === 2 * N ? 0 : 1);
