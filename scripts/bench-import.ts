// npm run bench:import [-- --orders 10000 --database sqlite|postgresql --concurrency 4 --shopify-restore 1000
//                         --heap-mb 128 --heap-profile <file> --check]
//
// The historical import at volume: N paid orders (default 10,000) in the Shopify Admin simulator, imported to
// Visma eAccounting as a merchant starts it: startImport as the import page's action calls it, then the app's
// own worker (createWorker(): the configured queue, WORKER_CONCURRENCY, the app's Admin client and the app's
// Visma pacing), on a fresh database (SQLite by default; --database postgresql makes a scratch database on
// PG_ADMIN_URL). The simulators run in a process of their own (scripts/bench/import-simulators.ts), so this
// process's memory and CPU are the app's.
// - Visma keeps its real quota: 600 requests per minute per client and endpoint (PROVIDERS.md), counted over
//   a sliding minute, 429 + Retry-After over it. Every order needs one call to each of the same endpoints
//   (create the draft, convert it, its PDF), so the import can go at most 10 orders/s: 10,000 orders take at
//   least 16.7 minutes, about 17.5 at the app's pace (9.5 requests a second per endpoint).
// - Shopify keeps its bucket of 2,000 points, refilled at --shopify-restore points a second: 1000 (Shopify
//   Plus) by default, so that Visma's quota is what the run measures. At 100 (the standard plans) Shopify's
//   own limit comes first: an order costs about 75 points as the app reads and writes it, so ~1.3 orders/s.
//
// It reports:
// - total time (import started → the run done) and orders/s;
// - peak RSS of this process: sampled every 50 ms during the run, and the kernel's high-water mark (VmHWM,
//   the whole process life, setup included); target ≤ 256 MB. The app's process runs with V8's old generation
//   capped as `npm run worker` caps it (WORKER_HEAP_MB, 160 MB by default; --heap-mb N for another); --heap-profile writes a
//   sampled allocation profile of the run (Chrome DevTools' .heapprofile format);
// - Visma quota used: Visma's limit is per endpoint, so it is the busiest endpoint's requests over what the
//   limit allowed it during the run (limit per minute × run minutes), target ≥ 90%, with every endpoint's
//   figures, the most requests any endpoint had in a 60 s span, and the 429s Visma answered (target 0);
// - Shopify: requests, THROTTLED answers and requested points by operation;
// - invoices: documents in the database and invoices in Visma (= N), duplicates (0), failures (0).
// It ends with markdown tables and one JSON line {"bench":"import", ...}; --check exits 1 when a target is missed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { scratchDatabase } from "./bench/scratch-database";

const { values: args } = parseArgs({
  options: {
    orders: { type: "string", default: "10000" },
    database: { type: "string", default: "sqlite" },
    concurrency: { type: "string" },
    "shopify-restore": { type: "string", default: "1000" },
    "heap-mb": { type: "string" },
    "heap-profile": { type: "string" },
    check: { type: "boolean", default: false },
  },
});

// --heap-mb: V8 reads its heap limits when the process starts, so the bench runs itself again under the flag.
// Without it, the worker's own limit (WORKER_HEAP_MB, 160 by default), as `npm run worker` runs.
args["heap-mb"] ??= process.env.WORKER_HEAP_MB ?? "160";
if (args["heap-mb"] && !process.execArgv.some((a) => a.startsWith("--max-old-space-size"))) {
  const again = spawn(process.execPath, [`--max-old-space-size=${Number(args["heap-mb"])}`, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(await new Promise<number>((resolve) => again.on("exit", (code) => resolve(code ?? 1))));
}

const N = Number(args.orders);
const TARGET = { peakRssMb: 256, quotaUsed: 0.9 };
const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-import-"));
const SHOP = "bench-import.myshopify.com";
const TOKEN = "shpat_bench_import";
const VISMA_CLIENT = { clientId: "invoice-bridge", clientSecret: "visma-client-secret" };
const REPORT_EVERY_MS = 30_000;
const STALLED_MS = 300_000;

// ------------------------------------------------------------------------------------------ memory, sampled
let peakRss = 0;
const sampleRss = () => void (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const sampler = setInterval(sampleRss, 50);
/** The kernel's high-water mark of this process's resident set, in bytes (Linux). */
const vmHwm = () => Number(/^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) * 1024;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
/** Where the resident memory is: V8's heap (used, and held from the system), memory outside it, in MB. */
const memory = () => {
  const m = process.memoryUsage();
  return `RSS ${mb(m.rss)} MB (heap ${mb(m.heapUsed)} used of ${mb(m.heapTotal)}, external ${mb(m.external)}, array buffers ${mb(m.arrayBuffers)})`;
};

// ------------------------------------------------------------------------------------------ the simulators
const sims = spawn(process.execPath, ["--import", "tsx", "scripts/bench/import-simulators.ts"], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
const simLines = readline.createInterface({ input: sims.stdout! });
const nextLine = () => new Promise<string>((resolve) => simLines.once("line", resolve));
const urls = JSON.parse(await nextLine()) as { shopify: string; visma: string };
/** One command to the simulators' process, one answer. */
async function ask<T>(command: Record<string, unknown>): Promise<T> {
  const answer = nextLine();
  sims.stdin!.write(`${JSON.stringify(command)}\n`);
  const parsed = JSON.parse(await answer) as T & { error?: string };
  if (parsed.error) throw new Error(`simulators: ${parsed.error}`);
  return parsed;
}

// ------------------------------------------------------------------------------------------ the app, configured
const scratch = await scratchDatabase(args.database, "import", dir);
Object.assign(process.env, {
  IB_SANDBOX: "1",
  LOG_LEVEL: "silent",
  WORKER: "off",
  RECONCILE_EVERY_MINUTES: "0",
  DATABASE_URL: scratch.url,
  DATA_DIR: dir,
  SHOPIFY_ADMIN_ENDPOINT: urls.shopify,
  VISMA_ENDPOINT: urls.visma,
  VISMA_CLIENT_ID: VISMA_CLIENT.clientId,
  VISMA_CLIENT_SECRET: VISMA_CLIENT.clientSecret,
  ...(args.concurrency ? { WORKER_CONCURRENCY: args.concurrency } : {}),
});
const { migrateDatabase } = await import("../app/db/migrations.server");
await migrateDatabase(scratch.url);
const { default: db, configureWorkerConnection } = await import("../app/db.server");
await configureWorkerConnection(db);
const { startImport, importProgress } = await import("../app/import/historical-import.server");
const { createWorker } = await import("../app/jobs/worker.server");
const { adminClientFor } = await import("../app/shopify/admin.server");
const { env } = await import("../app/lib/env.server");
const { seedVismaShop } = await import("../test/helpers/provider-shops");

// The orders of the last 30 days (inside the 60 days Shopify shows without read_all_orders), oldest first.
const today = new Date();
const from = new Date(today.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
const to = today.toISOString().slice(0, 10);
const account = await ask<{ companyId: string; settings: Record<string, unknown>; tokens: { access_token: string; refresh_token: string; expires_in: number }; quotaPerMinute: number }>({
  setup: {
    shop: SHOP,
    accessToken: TOKEN,
    orders: N,
    from: `${from}T00:00:00Z`,
    to: new Date(today.getTime() - 3_600_000).toISOString(),
    restoreRate: Number(args["shopify-restore"]),
  },
});
// The shop as installed (its offline session) and connected to Visma (the connection as the app stores it).
await seedVismaShop(db, { shopDomain: SHOP, vismaUrl: urls.visma, tokens: account.tokens, settings: account.settings });
await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "bench", isOnline: false, accessToken: TOKEN, scope: "write_orders,read_customers,read_orders" } });
const QUOTA = account.quotaPerMinute;
const fastest = (N * 60) / QUOTA;
console.error(
  `${N} orders in the Shopify simulator. Visma allows ${QUOTA} requests a minute per endpoint, and every order calls the same endpoints ` +
    `once: at best ${QUOTA / 60} orders/s, so ${N} orders take at least ${(fastest / 60).toFixed(1)} min.`,
);

// ------------------------------------------------------------------------------------------ the run
const heapSession = args["heap-profile"] ? new (await import("node:inspector/promises")).Session() : null;
if (heapSession) {
  heapSession.connect();
  await heapSession.post("HeapProfiler.startSampling", { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
const worker = await createWorker();
const rssAtStart = process.memoryUsage().rss;
console.error(`the app loaded: ${memory()}`);
const started = performance.now();
const startedAt = Date.now();
const cpuAtStart = process.cpuUsage();
// As the import page's action: count the orders, record the run with its first job; the worker does the rest.
const { total } = await startImport({ db, adminClientFor }, { shopDomain: SHOP, from, to, criteria: {} });
worker.start();
let progress = await importProgress(db, SHOP);
let lastReport = performance.now();
let settled = -1;
let movedAt = performance.now();
while (progress?.status === "running") {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  progress = await importProgress(db, SHOP);
  // A run that no longer moves (no order settled for STALLED_MS) is reported as it stands.
  const now = (progress?.done ?? 0) + (progress?.skipped ?? 0) + (progress?.failed ?? 0);
  if (now !== settled) [settled, movedAt] = [now, performance.now()];
  else if (performance.now() - movedAt > STALLED_MS) {
    console.error(`no order settled for ${STALLED_MS / 1000} s: stopping`);
    break;
  }
  if (performance.now() - lastReport > REPORT_EVERY_MS) {
    lastReport = performance.now();
    const s = (performance.now() - started) / 1000;
    console.error(`${s.toFixed(0)} s: ${progress?.done ?? 0} done, ${progress?.failed ?? 0} failed, ${progress?.listed ?? 0} listed of ${total}; ${memory()}`);
  }
}
const seconds = (performance.now() - started) / 1000;
const finishedAt = Date.now();
const cpu = process.cpuUsage(cpuAtStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
await worker.stop();
clearInterval(sampler);
sampleRss();
console.error(`the import done: ${memory()}`);
if (heapSession) {
  const { profile } = await heapSession.post("HeapProfiler.stopSampling");
  fs.writeFileSync(args["heap-profile"]!, JSON.stringify(profile));
  heapSession.disconnect();
}

// ------------------------------------------------------------------------------------------ the figures
type EndpointStats = { requests: number; busiestMinute: number };
const seen = await ask<{
  visma: { requests: number; rejected429: number; endpoints: Record<string, EndpointStats> };
  shopify: { requests: number; throttled: number; byOperation: Record<string, { requests: number; throttled: number; requestedPoints: number }>; bucket: { maximumAvailable: number; restoreRate: number } };
  invoices: { count: number; references: number; duplicates: number };
  drafts: number;
  customers: number;
  articles: number;
  cpuSeconds: number;
}>({ stats: { shop: SHOP, companyId: account.companyId } });

// Visma's quota covers its API (/v2), not its identity server or the PDF files behind short-lived links.
const api = Object.entries(seen.visma.endpoints)
  .filter(([endpoint]) => / \/v2\//.test(endpoint))
  .sort((a, b) => b[1].requests - a[1].requests);
const allowed = (QUOTA * seconds) / 60;
const [busiestEndpoint, busiest] = api[0] ?? ["none", { requests: 0, busiestMinute: 0 }];
const quotaUsed = busiest.requests / allowed;
const mostIn60s = Math.max(0, ...api.map(([, e]) => e.busiestMinute));
const vismaApiRequests = api.reduce((sum, [, e]) => sum + e.requests, 0);

// The database's side: one finalized invoice per order, nothing failed.
const documents = await db.document.findMany({ where: { shopDomain: SHOP, source: "order" }, select: { orderId: true, state: true } });
const documentsPerOrder = new Map<string, number>();
for (const d of documents) documentsPerOrder.set(d.orderId, (documentsPerOrder.get(d.orderId) ?? 0) + 1);
const finalized = documents.filter((d) => d.state === "finalized").length;
const dbDuplicates = [...documentsPerOrder.values()].reduce((sum, n) => sum + n - 1, 0);
const failedJobs = await db.job.count({ where: { shopDomain: SHOP, status: "failed" } });
const failedLog = await db.syncLogEntry.count({ where: { shopDomain: SHOP, status: "failed" } });
const retryingLog = await db.syncLogEntry.count({ where: { shopDomain: SHOP, status: "retrying" } });
const run = progress!;
const failures = run.failed + failedJobs;
const hwm = vmHwm();
const duplicates = seen.invoices.duplicates + dbDuplicates;
const perInvoice = (n: number) => (n / Math.max(1, run.done)).toFixed(2);

const rows: Array<[string, string, string]> = [
  ["orders (Shopify's count)", String(total), String(N)],
  ["total time", `${seconds.toFixed(1)} s (${(seconds / 60).toFixed(1)} min)`, `≥ ${fastest.toFixed(0)} s at Visma's limit`],
  ["orders/s", (run.done / seconds).toFixed(2), `≤ ${(QUOTA / 60).toFixed(1)}`],
  ["RSS when the import started (the app loaded)", `${mb(rssAtStart)} MB`, ""],
  ["peak RSS, sampled during the run", `${mb(peakRss)} MB`, `≤ ${TARGET.peakRssMb} MB`],
  ["peak RSS, VmHWM (whole process)", `${mb(hwm)} MB`, `≤ ${TARGET.peakRssMb} MB`],
  ["Visma quota used (busiest endpoint)", `${(quotaUsed * 100).toFixed(1)}% (${busiest.requests} of ${Math.floor(allowed)} allowed: ${busiestEndpoint})`, `≥ ${TARGET.quotaUsed * 100}%`],
  ["Visma most requests in any 60 s (one endpoint)", String(mostIn60s), `≤ ${QUOTA}`],
  ["Visma 429 answers", String(seen.visma.rejected429), "0"],
  ["Visma requests (API / all)", `${vismaApiRequests} / ${seen.visma.requests} (${perInvoice(vismaApiRequests)} API calls per invoice)`, ""],
  ["Shopify requests / THROTTLED", `${seen.shopify.requests} / ${seen.shopify.throttled}`, `bucket ${seen.shopify.bucket.maximumAvailable}, ${seen.shopify.bucket.restoreRate} points/s`],
  [
    "CPU: the app (this process) / the simulators",
    `${cpuSeconds.toFixed(1)} s (${((cpuSeconds * 1000) / Math.max(1, run.done)).toFixed(1)} ms per invoice, ${((cpuSeconds / seconds) * 100).toFixed(0)}% of a core) / ${seen.cpuSeconds.toFixed(1)} s`,
    `load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`,
  ],
  ["invoices in Visma", String(seen.invoices.count), String(N)],
  ["documents finalized (database)", String(finalized), String(N)],
  ["duplicates (Visma / database)", `${seen.invoices.duplicates} / ${dbDuplicates}`, "0 / 0"],
  ["import run: done / skipped / failed", `${run.done} / ${run.skipped} / ${run.failed}`, `${N} / 0 / 0`],
  ["failed jobs / failed log entries / retrying log entries", `${failedJobs} / ${failedLog} / ${retryingLog}`, "0 / 0 / –"],
  ["Visma drafts left / customers / articles", `${seen.drafts} / ${seen.customers} / ${seen.articles}`, "0 / – / –"],
];
const heapNote = args["heap-mb"] ? `, V8 old generation capped at ${args["heap-mb"]} MB` : "";
console.log(`\n## Historical import: ${N} orders to Visma eAccounting, ${args.database}, worker concurrency ${env().WORKER_CONCURRENCY}${heapNote}\n`);
console.log("| figure | value | target |\n|---|---|---|");
for (const [figure, value, target] of rows) console.log(`| ${figure} | ${value} | ${target} |`);
console.log("\n| Visma endpoint | requests | per invoice | most in 60 s | of its quota over the run |\n|---|---|---|---|---|");
for (const [endpoint, e] of api) console.log(`| ${endpoint} | ${e.requests} | ${perInvoice(e.requests)} | ${e.busiestMinute} | ${((e.requests / allowed) * 100).toFixed(1)}% |`);
console.log("\n| Shopify operation | requests | THROTTLED | requested points (answered) |\n|---|---|---|---|");
for (const [operation, o] of Object.entries(seen.shopify.byOperation).sort((a, b) => b[1].requests - a[1].requests)) {
  console.log(`| ${operation} | ${o.requests} | ${o.throttled} | ${o.requestedPoints} |`);
}

const summary = {
  bench: "import",
  database: args.database,
  orders: N,
  concurrency: env().WORKER_CONCURRENCY,
  heapMb: args["heap-mb"] ? Number(args["heap-mb"]) : null,
  seconds: Number(seconds.toFixed(1)),
  ordersPerSecond: Number((run.done / seconds).toFixed(2)),
  peakRssMb: mb(Math.max(peakRss, hwm)),
  peakRssDuringRunMb: mb(peakRss),
  rssAtStartMb: mb(rssAtStart),
  vismaQuotaPerMinute: QUOTA,
  vismaQuotaUsed: Number(quotaUsed.toFixed(3)),
  vismaBusiestEndpoint: busiestEndpoint,
  vismaMostIn60s: mostIn60s,
  vismaRequests: seen.visma.requests,
  vismaApiRequests,
  visma429: seen.visma.rejected429,
  shopifyRequests: seen.shopify.requests,
  shopifyThrottled: seen.shopify.throttled,
  shopifyRestoreRate: seen.shopify.bucket.restoreRate,
  cpuMsPerInvoice: Number(((cpuSeconds * 1000) / Math.max(1, run.done)).toFixed(1)),
  invoicesInVisma: seen.invoices.count,
  documentsFinalized: finalized,
  duplicates,
  failures,
  skipped: run.skipped,
  startedAt: new Date(startedAt).toISOString(),
  finishedAt: new Date(finishedAt).toISOString(),
};

const missed = [
  summary.peakRssMb > TARGET.peakRssMb && `peak RSS ${summary.peakRssMb} MB > ${TARGET.peakRssMb} MB`,
  quotaUsed < TARGET.quotaUsed && `Visma quota used ${(quotaUsed * 100).toFixed(1)}% < ${TARGET.quotaUsed * 100}%`,
  seen.visma.rejected429 > 0 && `${seen.visma.rejected429} × 429 from Visma`,
  seen.invoices.count !== N && `${seen.invoices.count} invoices in Visma for ${N} orders`,
  finalized !== N && `${finalized} documents finalized for ${N} orders`,
  duplicates > 0 && `${duplicates} duplicates`,
  failures > 0 && `${failures} failures`,
  run.status !== "done" && `the run ended ${run.status}`,
].filter((m): m is string => typeof m === "string");
console.log(missed.length ? `\nMissed: ${missed.join("; ")}.` : "\nEvery target met.");
console.log(JSON.stringify(summary));

sims.stdin!.end();
await db.$disconnect();
await scratch.drop();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(args.check && missed.length > 0 ? 1 : 0);
