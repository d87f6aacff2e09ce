// npm run bench:cost [-- --orders 300 --concurrency 8 --database sqlite|postgresql --latency-orders 200 --rate 20 --profile
//                      --profile-out warm.cpuprofile --sql-log statements.txt]
// What one order costs the app, with the simulators (Shopify Admin, e-conomic; no added latency) in a process
// of their own (scripts/bench/simulators.ts), so that this process's CPU time is the app's alone:
//   1. intake: N orders/paid deliveries sent by the Shopify simulator over HTTP to the app's intake (fast path
//      first, as server.ts); CPU ms and SQL statements per delivery;
//   2. pipeline: one embedded worker drains them: invoices/s, CPU ms and SQL statements per invoice (cold:
//      customers and products are created; then warm: the same buyers and products again);
//   3. latency: orders at a steady rate with the worker running: webhook received → invoice booked, p50/p99.
// SQL statements are counted at Prisma's driver adapter (every statement it sends), and the intake's prepared
// statements at theirs. --profile adds a CPU profile of the warm pipeline, grouped by where the time went
// (--profile-out keeps it, for Chrome's DevTools); --sql-log writes every statement, to see what one invoice sends.
// It ends with a JSON summary; --check compares its counts with scripts/bench/baseline.json (CI runs that).
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import inspector from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { summarizeProfile, type Profile } from "./bench/profile";
import { scratchDatabase } from "./bench/scratch-database";
import { parseArgs } from "node:util";
import { benchOrder } from "./bench/orders";

const { values: args } = parseArgs({
  options: {
    orders: { type: "string", default: "300" },
    concurrency: { type: "string", default: "8" },
    database: { type: "string", default: "sqlite" },
    "latency-orders": { type: "string", default: "200" },
    rate: { type: "string", default: "20" },
    profile: { type: "boolean", default: false },
    "profile-out": { type: "string" },
    "sql-log": { type: "string" },
    check: { type: "boolean", default: false },
  },
});
const N = Number(args.orders);
const CONCURRENCY = Number(args.concurrency);
const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-cost-"));

// ------------------------------------------------------------------------------------------ the database
const scratch = await scratchDatabase(args.database, "cost", dir);
const databaseUrl = scratch.url;
Object.assign(process.env, { IB_SANDBOX: "1", LOG_LEVEL: "silent", WORKER: "off", RECONCILE_EVERY_MINUTES: "0", DATABASE_URL: databaseUrl, DATA_DIR: dir });
const { migrateDatabase } = await import("../app/db/migrations.server");
await migrateDatabase(databaseUrl);

/** Every SQL statement Prisma sends, counted at its driver adapter, by its first word. */
const sql = new Map<string, number>();
const countStatement = (query: { sql: string }) => {
  const verb = /^\s*(\w+)/.exec(query.sql)?.[1]?.toUpperCase() ?? "?";
  sql.set(verb, (sql.get(verb) ?? 0) + 1);
  if (args["sql-log"]) fs.appendFileSync(args["sql-log"], query.sql.replace(/\s+/g, " ") + "\n");
};
type Adapter = { queryRaw: (q: { sql: string }) => unknown; executeRaw: (q: { sql: string }) => unknown; startTransaction: (...a: unknown[]) => Promise<Adapter> };
function counting<T extends object>(adapter: T): T {
  return new Proxy(adapter, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function") return value;
      if (key === "queryRaw" || key === "executeRaw") return (q: { sql: string }) => (countStatement(q), (value as Adapter["queryRaw"]).call(target, q));
      if (key === "startTransaction") return async (...a: unknown[]) => counting(await (value as Adapter["startTransaction"]).apply(target, a));
      if (key === "connect") return async (...a: unknown[]) => counting(await (value as (...x: unknown[]) => Promise<object>).apply(target, a));
      return (value as (...x: unknown[]) => unknown).bind(target);
    },
  });
}
if (args.database === "postgresql") {
  const { PrismaClient } = await import("@invoice-bridge/prisma-postgresql");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  globalThis.__ibDb = new PrismaClient({ adapter: counting(new PrismaPg({ connectionString: databaseUrl })) }) as never;
} else {
  const { PrismaClient } = await import("@invoice-bridge/prisma-sqlite");
  const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
  globalThis.__ibDb = new PrismaClient({ adapter: counting(new PrismaBetterSQLite3({ url: databaseUrl, timeout: 10_000 })) });
}
const { default: db, configureWorkerConnection } = await import("../app/db.server");
await configureWorkerConnection(db);
const { SANDBOX_API_SECRET } = await import("../app/lib/env.server");
const { logger } = await import("../app/lib/logger.server");
const { fastWebhookIntake } = await import("../app/webhooks/fast-intake.server");
const { preparedIntakeStore } = await import("../app/webhooks/intake-store.server");
const { webhookAction } = await import("../app/webhooks/webhook-route.server");
const { EmbeddedWorker } = await import("../app/jobs/embedded-worker.server");
const { createHandlers } = await import("../app/jobs/handlers.server");
const { httpAdminClient } = await import("../app/shopify/admin-client.server");
const { seedEconomicShop } = await import("../test/helpers/economic-shop");

// ------------------------------------------------------------------------------------------ the simulators
const sims = spawn(process.execPath, ["--import", "tsx", "scripts/bench/simulators.ts"], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
const simLines = readline.createInterface({ input: sims.stdout! });
const urls = await new Promise<{ shopify: string; economic: string }>((resolve) => simLines.once("line", (line) => resolve(JSON.parse(line))));
const control = async (base: string, route: string, body?: unknown) => {
  const response = await fetch(`${base}${route}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
};

// ------------------------------------------------------------------------------------------ the app's intake
let intakeStatements = 0;
const prepared = preparedIntakeStore(databaseUrl);
const store = { record: (...a: Parameters<typeof prepared.record>) => ((intakeStatements += 1), prepared.record(...a)), close: () => prepared.close() };
const fast = fastWebhookIntake({ db, logger, store, apiSecret: SANDBOX_API_SECRET, fullIntake: (request) => webhookAction({ request, params: {}, context: {} }) });
const intakeServer = http.createServer((req, res) => fast(req, res, () => res.writeHead(404).end()));
await new Promise<void>((resolve) => intakeServer.listen(0, "127.0.0.1", resolve));
const appUrl = `http://127.0.0.1:${(intakeServer.address() as { port: number }).port}`;

const SHOP = "bench-cost.myshopify.com";
await control(urls.shopify, "/_control/shops", { domain: SHOP, accessToken: "shpat_cost", appUrl, apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
await control(urls.shopify, "/_control/throttle", { shop: SHOP, maximumAvailable: 1e9, currentlyAvailable: 1e9 });
await control(urls.economic, "/_control/agreements", { appSecretToken: "s", agreementGrantToken: "g", dailyCallLimit: 1e9 });
await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: urls.economic, appSecretToken: "s", agreementGrantToken: "g" });
const customers: number[] = [];
for (let i = 0; i < 20; i++) customers.push(Number((await control(urls.shopify, "/_control/customers", { shop: SHOP, email: `buyer${i}@example.dk`, firstName: "Buyer", lastName: String(i) })).id));
const booked = async () => ((await control(urls.economic, "/_control/state?agreement=g")).booked as unknown[]).length;

let orderSeq = 0;
async function addOrders(n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = orderSeq++;
    const order = benchOrder(i, customers[i % customers.length]);
    ids.push(Number((await control(urls.shopify, "/_control/orders", { shop: SHOP, order })).id));
  }
  return ids;
}
/** The simulator delivers orders/paid for each, `parallel` at a time, from its own process. */
async function deliver(ids: number[], parallel: number) {
  const answer = new Promise<string>((resolve) => simLines.once("line", resolve));
  sims.stdin!.write(`${JSON.stringify({ deliver: { shop: SHOP, topic: "orders/paid", orderIds: ids, parallel } })}\n`);
  const { delivered } = JSON.parse(await answer) as { delivered: Record<string, number> };
  if (Object.keys(delivered).some((status) => status !== "200")) throw new Error(`the intake answered ${JSON.stringify(delivered)}`);
}

const adminClientFor = async () => httpAdminClient({ endpoint: urls.shopify, shop: SHOP, accessToken: "shpat_cost", apiVersion: "2026-10" });
const handlers = createHandlers({ db, logger, dataDir: dir, adminClientFor });
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const statements = () => [...sql.values()].reduce((a, b) => a + b, 0);
const byVerb = () => Object.fromEntries([...sql.entries()].sort((a, b) => b[1] - a[1]));

type Row = Record<string, string | number>;
const table: Row[] = [];
const summary: Record<string, number> = {};

// ------------------------------------------------------------------------------------------ 1 + 2, twice
let profileText = "";
for (const batch of ["cold", "warm"]) {
  const ids = await addOrders(N);
  sql.clear();
  intakeStatements = 0;
  let cpu = process.cpuUsage();
  let wall = performance.now();
  await deliver(ids, 16);
  const intakeCpu = cpuMs(cpu);
  const statementsAtIntake = statements();
  const intakeWall = (performance.now() - wall) / 1000;
  table.push({ phase: `${batch}: intake`, items: N, "items/s": Math.round(N / intakeWall), "CPU ms/item": (intakeCpu / N).toFixed(3), "SQL/item": ((statements() + intakeStatements) / N).toFixed(2), "SQL by kind": JSON.stringify({ ...byVerb(), "prepared (record)": intakeStatements }) });

  const before = await booked();
  sql.clear();
  const session = args.profile && batch === "warm" ? new inspector.Session() : null;
  if (session) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
  }
  const worker = new EmbeddedWorker({ db, logger, handlers, concurrency: CONCURRENCY, pollMs: 5 });
  cpu = process.cpuUsage();
  wall = performance.now();
  await worker.drain({ timeoutMs: 1_800_000 });
  const drainCpu = cpuMs(cpu);
  const drainWall = (performance.now() - wall) / 1000;
  if (session) {
    const { profile } = await session.post("Profiler.stop");
    profileText = summarizeProfile(profile as Profile, "the warm pipeline");
    if (args["profile-out"]) fs.writeFileSync(args["profile-out"], JSON.stringify(profile));
    session.disconnect();
  }
  const invoices = (await booked()) - before;
  if (invoices !== N) console.log(`MISMATCH (${batch}): ${invoices} invoices booked for ${N} orders`);
  table.push({ phase: `${batch}: pipeline (one worker, concurrency ${CONCURRENCY})`, items: invoices, "items/s": Number((invoices / drainWall).toFixed(1)), "CPU ms/item": (drainCpu / invoices).toFixed(2), "SQL/item": (statements() / invoices).toFixed(1), "SQL by kind": JSON.stringify(byVerb()) });
  summary[`${batch}InvoicesPerSecond`] = Number((invoices / drainWall).toFixed(1));
  summary[`${batch}CpuMsPerInvoice`] = Number((drainCpu / invoices).toFixed(2));
  summary[`${batch}SqlPerInvoice`] = Number((statements() / invoices).toFixed(1));
  summary[`${batch}IntakeCpuMsPerDelivery`] = Number((intakeCpu / N).toFixed(3));
  summary.intakeSqlPerDelivery = Math.max(summary.intakeSqlPerDelivery ?? 0, Number(((statementsAtIntake + intakeStatements) / N).toFixed(2)));
}

// ------------------------------------------------------------------------------------------ 3. latency
const latencyOrders = Number(args["latency-orders"]);
const rate = Number(args.rate);
const latencies: number[] = [];
if (latencyOrders > 0) {
  const ids = await addOrders(latencyOrders);
  const worker = new EmbeddedWorker({ db, logger, handlers, concurrency: CONCURRENCY, pollMs: 5 });
  worker.start();
  const start = performance.now();
  await Promise.all(
    ids.map(async (id, i) => {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [result] = (await control(urls.shopify, "/_control/webhooks", { shop: SHOP, topic: "orders/paid", orderId: id })) as unknown as Array<{ status: number }>;
      if (result.status !== 200) throw new Error(`the intake answered ${result.status}`);
    }),
  );
  await worker.drain({ timeoutMs: 600_000 });
  await worker.stop();
  // From the delivery's arrival to the booked document (both written by the app, on the same clock).
  for (const id of ids) {
    const delivery = await db.webhookDelivery.findFirst({ where: { payload: { contains: `"id":${id},` } }, select: { receivedAt: true } });
    const document = await db.document.findFirst({ where: { orderId: String(id), state: "finalized" }, select: { updatedAt: true } });
    if (delivery && document) latencies.push(document.updatedAt.getTime() - delivery.receivedAt.getTime());
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  table.push({ phase: `latency: ${latencyOrders} orders at ${rate}/s, webhook → booked`, items: latencies.length, "items/s": rate, "CPU ms/item": "", "SQL/item": "", "SQL by kind": `p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)} ms` });
  summary.latencyP50Ms = pct(50);
  summary.latencyP99Ms = pct(99);
}

console.log(`\n## Cost per order: ${N} orders per batch, ${args.database}, simulators in their own process\n`);
console.table(table);
if (profileText) console.log(profileText);
console.log(JSON.stringify({ bench: "cost", database: args.database, orders: N, concurrency: CONCURRENCY, ...summary }));

// --check: the counts against scripts/bench/baseline.json (CI), 10% allowed.
let regressed = false;
if (args.check) {
  const baselines = JSON.parse(fs.readFileSync(path.join(root, "scripts/bench/baseline.json"), "utf8")) as Record<string, Record<string, number>>;
  for (const [key, limit] of Object.entries(baselines[args.database] ?? {})) {
    const now = summary[key];
    const ok = now !== undefined && now <= limit * 1.1;
    console.log(`${ok ? "ok" : "REGRESSED"}: ${key} ${now} (baseline ${limit})`);
    regressed ||= !ok;
  }
}

sims.stdin!.end();
await new Promise((resolve) => intakeServer.close(resolve));
await store.close();
await db.$disconnect();
await scratch.drop();
fs.rmSync(dir, { recursive: true, force: true });
if (regressed) process.exit(1);
