// npm run bench:scale-out [-- --workers 1,2,4 --orders 400 --concurrency 8 --timeout 900 --check]
//
// Scale-out of the job workers: invoices/s with 1, 2, 4 … worker processes (`scripts/worker.ts`, QUEUE=bullmq)
// on PostgreSQL + Redis, with the web process (the webhook intake) and the workers apart, and the Shopify and
// e-conomic simulators in a process of their own (scripts/bench/simulators.ts, no added latency).
//
// For each worker count, in a fresh process of its own (so nothing is shared between counts): a fresh scratch
// PostgreSQL database (ib_scaleout_<pid>), a fresh BullMQ prefix, fresh simulators, then
//   1. the BullMQ queue is paused, and the simulator delivers orders/create AND orders/paid for every order
//      (both at once, so the two jobs of an order sit next to each other in the queue) to the real intake
//      (the fast path, as server.ts, with the web process's relay to Redis); intake is not measured;
//   2. N worker processes start and connect; the bench waits until Redis counts N workers and holds the jobs
//      the relay hands over while the queue is paused (its first batch, the oldest 500; the rest follow as the
//      workers drain, as they would in production);
//   3. the clock starts when the queue is resumed (worker start-up is excluded) and stops at the first poll of
//      the database (every 25 ms) that finds every order's invoice booked (Document state "finalized");
//   4. when every job is done, the workers are stopped with SIGTERM, as an operator would.
// The CPU of the worker processes in the measured window is read from /proc/<pid>/stat.
//
// Jobs of one order must never overlap. The Job table has no start time, so each worker process records, for
// every job it runs, when its handler started and ended (process.hrtime, the machine's monotonic clock, one
// clock for every process): this file is preloaded into scripts/worker.ts (`node --import tsx --import
// scripts/bench-scale-out.ts scripts/worker.ts`, BENCH_SCALE_OUT_ROLE=recorder) and wraps JobRunner's
// handlers; nothing else in the worker changes. A handler runs inside its order's group lock, so the
// bookkeeping before and after it (taking the job, writing its outcome) is not in the interval. Pairs of runs
// of one order whose intervals intersect are overlaps. Duplicates (orders with 2+ booked invoices) and missing
// invoices are counted from what e-conomic holds, by the reference the app writes on each invoice.
//
// It prints a markdown table and a final JSON line {"bench":"scale-out", …}; --check exits 1 when there are
// overlaps, duplicates or missing invoices. On a machine with few cores the ratio is bounded: the workers,
// PostgreSQL, Redis, the simulators and the web process all share them.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import type { JobHandler } from "../app/jobs/queue";
import { benchOrder } from "./bench/orders";

const root = path.resolve(import.meta.dirname, "..");
const SELF = path.join(root, "scripts/bench-scale-out.ts");
const QUEUE_NAME = "invoice-bridge-jobs";
const SHOP = "bench-scale-out.myshopify.com";
/** How many due jobs one relay sweep hands to Redis (dueJobs(500) in app/jobs/bullmq-worker.server.ts). */
const RELAY_BATCH = 500;
const PROGRESS_MS = Number(process.env.BENCH_PROGRESS_MS || 10_000);

/** What one worker count's run reports to the driver (one JSON line, prefixed with RESULT). */
type RunResult = {
  workers: number;
  orders: number;
  invoices: number;
  seconds: number;
  invoicesPerSecond: number;
  /** From the resume to the first handler start, in any worker (how much of the window is not work). */
  firstJobAfterMs: number;
  /** From the resume until every job was done (the paid events after the last booking included). */
  allJobsDoneSeconds: number;
  workerCpuSeconds: number;
  simulatorCpuSeconds: number;
  /** The whole machine's busy time in the window, in cores (others' processes, PostgreSQL and Redis included). */
  machineBusyCores: number;
  /** The 1-minute load average when the window opened (others' work on the machine shows here). */
  loadAverage: number;
  jobs: number;
  handlerRuns: number;
  ordersWithTwoOrMoreJobs: number;
  /** Times a worker had a job in hand while another job of its order ran, and put it back (the group lock). */
  groupBusy: number;
  /** Job attempts beyond the first (a retry waits JOB_BACKOFF_BASE_MS or more), and their error codes. */
  retries: number;
  retryReasons: Record<string, number>;
  overlaps: number;
  duplicates: number;
  missing: number;
  jobsByStatus: Record<string, number>;
};

type Recorded = { id: string; type: string; group: string | null; attempt: number; start: string; end: string; ok: boolean };

// ------------------------------------------------------------------------------------------ the driver
async function drive() {
  const { values: args } = parseArgs({
    options: {
      workers: { type: "string", default: "1,2,4" },
      orders: { type: "string", default: "400" },
      concurrency: { type: "string", default: "8" },
      timeout: { type: "string", default: "900" },
      check: { type: "boolean", default: false },
    },
  });
  const counts = args.workers.split(",").map((w) => Number(w.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--workers: whole numbers ≥ 1, comma-separated (got ${args.workers})`);
  const orders = Number(args.orders);
  const concurrency = Number(args.concurrency);
  const cores = os.cpus().length;
  console.log(`scale-out: ${orders} orders (orders/create + orders/paid each), workers ${counts.join(", ")}, WORKER_CONCURRENCY ${concurrency}, ${cores} cores, load average ${os.loadavg()[0].toFixed(2)}`);

  const results: RunResult[] = [];
  const startedAll = performance.now();
  for (const workers of counts) {
    console.log(`\n# ${workers} worker process(es)`);
    const child = spawn(process.execPath, ["--import", "tsx", SELF], {
      cwd: root,
      env: { ...process.env, BENCH_SCALE_OUT_ROLE: "run", BENCH_SCALE_OUT_RUN: JSON.stringify({ workers, orders, concurrency, timeoutS: Number(args.timeout) }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let result: RunResult | undefined;
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("RESULT ")) result = JSON.parse(line.slice(7)) as RunResult;
      else console.log(`  ${line}`);
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (!result) throw new Error(`the run with ${workers} worker(s) ended (exit ${code}) without a result`);
    results.push(result);
  }
  const totalSeconds = (performance.now() - startedAll) / 1000;

  const one = results.find((r) => r.workers === 1)?.invoicesPerSecond ?? results[0].invoicesPerSecond;
  const ratio = (r: RunResult) => r.invoicesPerSecond / one;
  console.log(`\n## Scale-out: ${orders} orders, PostgreSQL + BullMQ, web process and workers apart, WORKER_CONCURRENCY ${concurrency}, ${cores} cores\n`);
  console.log(
    "| workers | invoices | seconds | invoices/s | ratio to 1 | overlaps | duplicates | missing | worker CPU s (cores busy) | worker CPU ms/invoice | machine busy (cores) | load avg | jobs / handler runs | group-busy deferrals | retries |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.workers} | ${r.invoices} | ${r.seconds.toFixed(2)} | ${r.invoicesPerSecond.toFixed(1)} | ${ratio(r).toFixed(2)} | ${r.overlaps} | ${r.duplicates} | ${r.missing} | ` +
        `${r.workerCpuSeconds.toFixed(2)} (${(r.workerCpuSeconds / r.seconds).toFixed(2)}) | ${((r.workerCpuSeconds * 1000) / r.invoices).toFixed(0)} | ${r.machineBusyCores.toFixed(2)} | ` +
        `${r.loadAverage.toFixed(1)} | ${r.jobs} / ${r.handlerRuns} | ${r.groupBusy} | ${r.retries} |`,
    );
  }
  console.log(
    `\nTiming: from the resume of the paused queue (the workers had started and connected, and Redis held the first batch of jobs the relay hands over) to the first ` +
      `25 ms poll of the database that found all ${orders} invoices booked; worker start-up and the intake are excluded (the relay of ` +
      `jobs beyond its first batch of ${RELAY_BATCH} is not: it is part of draining). The first ` +
      `handler started ${results.map((r) => `${r.firstJobAfterMs.toFixed(0)} ms`).join(", ")} after the resume.`,
  );
  console.log(
    `Overlap: every handler run's start and end, recorded in the worker processes on the machine's monotonic clock, grouped by order; ` +
      `orders with 2+ jobs: ${results.map((r) => `${r.ordersWithTwoOrMoreJobs}/${r.orders}`).join(", ")}; pairs of one order's runs that intersect: ` +
      `${results.map((r) => r.overlaps).join(", ")}. Duplicates and missing: booked invoices at e-conomic per order (by reference).`,
  );
  console.log(
    `Bound: this machine has ${cores} cores, shared by the worker processes, PostgreSQL, Redis, the simulators and the web process ` +
      `(and anyone else's work), so the ratio to one worker cannot exceed ${cores} here and stays below it once the cores are busy; ` +
      `"machine busy" shows how close they were, and a load average above ${cores} means others' work competed for them. ` +
      `It says how the workers share the work, not what more machines would give.`,
  );
  console.log(`Whole run: ${totalSeconds.toFixed(0)} s.`);

  const bad = results.some((r) => r.overlaps > 0 || r.duplicates > 0 || r.missing > 0);
  console.log(
    JSON.stringify({
      bench: "scale-out",
      database: "postgresql",
      queue: "bullmq",
      orders,
      concurrency,
      cores,
      timing: "from queue resume (workers started and connected) to all invoices booked",
      runs: results.map((r) => ({ ...r, ratioToOne: Number(ratio(r).toFixed(2)) })),
      overlaps: results.reduce((a, r) => a + r.overlaps, 0),
      duplicates: results.reduce((a, r) => a + r.duplicates, 0),
      missing: results.reduce((a, r) => a + r.missing, 0),
      ok: !bad,
    }),
  );
  if (args.check && bad) process.exit(1);
}

// ------------------------------------------------------------------------------------------ the recorder
/**
 * Preloaded into a worker process: wraps the handlers of every JobRunner so that each run's start and end
 * are kept, and counts why acquiring a job by id came back empty. Written to a file when the process exits.
 */
async function recorder() {
  const out = process.env.BENCH_SCALE_OUT_RECORD;
  if (!out) throw new Error("BENCH_SCALE_OUT_RECORD is not set");
  const { JobRunner } = await import("../app/jobs/job-runner.server");
  const runs: string[] = [];
  const refused: Record<string, number> = {};
  const wrapped = new WeakSet<object>();
  type WithHandlers = { handlers: Record<string, JobHandler> };

  const run = JobRunner.prototype.run;
  JobRunner.prototype.run = function (this: InstanceType<typeof JobRunner>, row) {
    // The runner keeps its handlers in a private field; replace them, once, with timed ones.
    const self = this as unknown as WithHandlers;
    if (!wrapped.has(self.handlers)) {
      const timed = Object.fromEntries(
        Object.entries(self.handlers).map(([type, handler]): [string, JobHandler] => [
          type,
          async (context) => {
            const start = process.hrtime.bigint();
            let ok = false;
            try {
              await handler(context);
              ok = true;
            } finally {
              const end = process.hrtime.bigint();
              const { job } = context;
              runs.push(JSON.stringify({ id: job.id, type, group: job.groupKey, attempt: job.attempts, start: String(start), end: String(end), ok } satisfies Recorded));
            }
          },
        ]),
      );
      wrapped.add(timed);
      self.handlers = timed;
    }
    return run.call(this, row);
  };
  const acquireById = JobRunner.prototype.acquireById;
  JobRunner.prototype.acquireById = async function (this: InstanceType<typeof JobRunner>, id) {
    const acquired = await acquireById.call(this, id);
    if (!acquired.row) refused[acquired.reason] = (refused[acquired.reason] ?? 0) + 1;
    return acquired;
  };
  process.on("exit", () => {
    fs.writeFileSync(path.join(out, `worker-${process.pid}.jsonl`), [...runs, JSON.stringify({ refused })].join("\n") + "\n");
  });
  // If the bench goes away (its end of stdin closes), stop as on SIGTERM, so that no worker outlives it.
  process.stdin.on("end", () => process.kill(process.pid, "SIGTERM"));
  process.stdin.resume();
}

// ------------------------------------------------------------------------------------------ one worker count
async function runOne(input: { workers: number; orders: number; concurrency: number; timeoutS: number }) {
  const N = input.orders;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-scale-out-"));
  const recordDir = path.join(dir, "runs");
  fs.mkdirSync(recordDir);
  const { scratchDatabase } = await import("./bench/scratch-database");
  const scratch = await scratchDatabase("postgresql", "scaleout", dir);
  const prefix = `ib-scale-out-${process.pid}`;
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  Object.assign(process.env, {
    IB_SANDBOX: "1",
    LOG_LEVEL: "silent",
    WORKER: "off",
    QUEUE: "bullmq",
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    RECONCILE_EVERY_MINUTES: "0",
    DATABASE_URL: scratch.url,
    DATA_DIR: dir,
  });
  const log = (text: string) => console.log(text);
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const workers: ChildProcess[] = [];
  let sims: ChildProcess | undefined;
  try {
    const { migrateDatabase } = await import("../app/db/migrations.server");
    await migrateDatabase(scratch.url);
    const { default: db } = await import("../app/db.server");
    cleanups.push(() => db.$disconnect());
    const { SANDBOX_API_SECRET } = await import("../app/lib/env.server");
    const { logger } = await import("../app/lib/logger.server");
    const { fastWebhookIntake } = await import("../app/webhooks/fast-intake.server");
    const { preparedIntakeStore } = await import("../app/webhooks/intake-store.server");
    const { webhookAction } = await import("../app/webhooks/webhook-route.server");
    const { startRelayForWebProcess } = await import("../app/jobs/worker.server");
    const { seedEconomicShop } = await import("../test/helpers/economic-shop");
    const { Queue } = await import("bullmq");

    // The simulators, their own process.
    sims = spawn(process.execPath, ["--import", "tsx", "scripts/bench/simulators.ts"], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
    const simProcess = sims;
    cleanups.push(() => simProcess.stdin?.end());
    const simLines = readline.createInterface({ input: sims.stdout! });
    const answers: Array<(line: string) => void> = [];
    simLines.on("line", (line) => answers.shift()?.(line));
    const nextLine = () => new Promise<string>((resolve) => answers.push(resolve));
    const urls = JSON.parse(await nextLine()) as { shopify: string; economic: string };
    const control = async (base: string, route: string, body?: unknown) => {
      const response = await fetch(`${base}${route}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };

    // The queue, paused before anything is relayed to it: the jobs wait in Redis until the clock starts.
    // The same Redis, database number and credentials as the app's (app/jobs/bullmq-worker.server.ts reads REDIS_URL so).
    const redis = new URL(redisUrl);
    const connection = {
      host: redis.hostname,
      port: Number(redis.port || 6379),
      username: redis.username || undefined,
      password: redis.password ? decodeURIComponent(redis.password) : undefined,
      db: redis.pathname.length > 1 ? Number(redis.pathname.slice(1)) : 0,
      maxRetriesPerRequest: null,
    };
    const queue = new Queue(QUEUE_NAME, { connection, prefix });
    await queue.pause();
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });

    // The web process: the intake's fast path and its relay to Redis (as server.ts with WORKER=off).
    const store = preparedIntakeStore(scratch.url);
    cleanups.push(() => store.close());
    const fast = fastWebhookIntake({ db, logger, store, apiSecret: SANDBOX_API_SECRET, fullIntake: (request) => webhookAction({ request, params: {}, context: {} }) });
    const intake = http.createServer((req, res) => fast(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => intake.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => intake.close(resolve)));
    const relay = await startRelayForWebProcess();
    if (!relay) throw new Error("the web process did not start its relay (QUEUE=bullmq, WORKER=off expected)");
    cleanups.push(() => relay.stop());
    const appUrl = `http://127.0.0.1:${(intake.address() as { port: number }).port}`;

    // The shop, its e-conomic agreement, buyers and orders (paid at creation: the default trigger is 'paid').
    await control(urls.shopify, "/_control/shops", { domain: SHOP, accessToken: "shpat_scale", appUrl, apiSecret: SANDBOX_API_SECRET, currency: "DKK" });
    await control(urls.shopify, "/_control/throttle", { shop: SHOP, maximumAvailable: 1e9, currentlyAvailable: 1e9 });
    await control(urls.economic, "/_control/agreements", { appSecretToken: "s", agreementGrantToken: "g", dailyCallLimit: 1e9 });
    await seedEconomicShop(db, { shopDomain: SHOP, economicUrl: urls.economic, appSecretToken: "s", agreementGrantToken: "g" });
    await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "scale", isOnline: false, accessToken: "shpat_scale", scope: "write_orders,read_customers" } });
    const customers: number[] = [];
    for (let i = 0; i < 40; i++) customers.push(Number((await control(urls.shopify, "/_control/customers", { shop: SHOP, email: `buyer${i}@example.dk`, firstName: "Buyer", lastName: String(i) })).id));
    const ids: number[] = [];
    for (let i = 0; i < N; i++) {
      const order = benchOrder(i, customers[i % customers.length]);
      ids.push(Number((await control(urls.shopify, "/_control/orders", { shop: SHOP, order })).id));
    }

    // The deliveries: orders/create and orders/paid of every order, sent at once (8 + 8 in flight) by the
    // simulator's process, so that the two jobs of an order are close in the queue.
    const intakeStarted = performance.now();
    const delivered = await Promise.all(
      ["orders/create", "orders/paid"].map((topic) => {
        const answer = nextLine();
        sims!.stdin!.write(`${JSON.stringify({ deliver: { shop: SHOP, topic, orderIds: ids, parallel: 8 } })}\n`);
        return answer.then((line) => (JSON.parse(line) as { delivered: Record<string, number> }).delivered);
      }),
    );
    if (delivered.some((d) => Object.keys(d).some((status) => status !== "200"))) throw new Error(`the intake answered ${JSON.stringify(delivered)}`);
    const stored = await db.webhookDelivery.count();
    const jobs = await db.job.count({ where: { status: "queued" } });
    if (stored !== 2 * N || jobs < 2 * N) throw new Error(`${stored} deliveries stored and ${jobs} jobs queued for ${N} orders (expected ${2 * N} each)`);
    log(`intake: ${stored} deliveries, ${jobs} jobs queued in ${((performance.now() - intakeStarted) / 1000).toFixed(1)} s (not measured)`);

    // The workers: scripts/worker.ts with this file preloaded as the recorder.
    const workerEnv = {
      ...process.env,
      LOG_LEVEL: "error",
      SHOPIFY_ADMIN_ENDPOINT: urls.shopify,
      WORKER_CONCURRENCY: String(input.concurrency),
      BENCH_SCALE_OUT_ROLE: "recorder",
      BENCH_SCALE_OUT_RECORD: recordDir,
    };
    const exits: Array<Promise<unknown>> = [];
    for (let w = 0; w < input.workers; w++) {
      const child = spawn(process.execPath, ["--import", "tsx", "--import", SELF, "scripts/worker.ts"], { cwd: root, env: workerEnv, stdio: ["pipe", "inherit", "inherit"] });
      workers.push(child);
      exits.push(new Promise((resolve) => child.once("exit", resolve)));
    }
    const startupStarted = performance.now();
    const waitFor = async (what: string, ready: () => Promise<boolean>, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await ready())) {
        if (workers.some((child) => child.exitCode !== null)) throw new Error(`a worker process exited while waiting for ${what}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await waitFor(`${input.workers} worker(s) on Redis`, async () => (await queue.getWorkersCount()) >= input.workers, 120_000);
    // A relay sweep hands Redis the oldest RELAY_BATCH queued jobs (app/jobs/bullmq-worker.server.ts), and
    // while the queue is paused those stay queued in the table: the rest follow as the workers drain.
    const inRedis = async () => {
      // A paused queue keeps its jobs in the wait list (BullMQ 6 has no separate paused list).
      const counts = await queue.getJobCounts("wait", "prioritized", "delayed");
      return Object.values(counts).reduce((a, b) => a + b, 0);
    };
    await waitFor("the relay's first batch in Redis", async () => (await inRedis()) >= Math.min(jobs, RELAY_BATCH), 60_000);
    // One more relay period, so that every worker has made its first sweep (its database connection is open).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    log(`workers: ${input.workers} started and connected in ${((performance.now() - startupStarted) / 1000).toFixed(1)} s (not measured); ${await inRedis()} of ${jobs} jobs in Redis; load average ${os.loadavg()[0].toFixed(2)}`);

    // The measured window.
    const pids = workers.map((child) => child.pid!);
    const cpuBefore = cpuSeconds(pids);
    const simCpuBefore = cpuSeconds([sims.pid!]);
    const machineBefore = machineTicks();
    const loadAverage = os.loadavg()[0];
    const t0 = process.hrtime.bigint();
    await queue.resume();
    const deadline = Date.now() + input.timeoutS * 1000;
    let booked = 0;
    let lastReport = Date.now();
    while ((booked = await db.document.count({ where: { state: "finalized" } })) < N) {
      if (Date.now() > deadline) throw new Error(`timed out: ${booked} of ${N} invoices booked after ${input.timeoutS} s`);
      if (workers.some((child) => child.exitCode !== null)) throw new Error("a worker process exited during the run");
      if (Date.now() - lastReport > PROGRESS_MS) {
        lastReport = Date.now();
        const table = Object.fromEntries((await db.job.groupBy({ by: ["status"], _count: true })).map((g) => [g.status, g._count]));
        const held = await queue.getJobCounts("wait", "delayed", "active", "prioritized");
        log(`  ${Number(process.hrtime.bigint() - t0) / 1e9 | 0} s: ${booked} of ${N} booked; jobs in the table ${JSON.stringify(table)}, in Redis ${JSON.stringify(held)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const t1 = process.hrtime.bigint();
    const workerCpu = cpuSeconds(pids) - cpuBefore;
    const simCpu = cpuSeconds([sims.pid!]) - simCpuBefore;
    const machineAfter = machineTicks();
    const seconds = Number(t1 - t0) / 1e9;
    // The rest of the jobs (an order's second event finds its invoice made), then the workers stop.
    while ((await db.job.count({ where: { status: { in: ["queued", "running"] } } })) > 0) {
      if (Date.now() > deadline) throw new Error("timed out waiting for the last jobs");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const allJobsDoneSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    for (const child of workers) child.kill("SIGTERM");
    await Promise.all(exits);

    // The handler runs the workers recorded, and the overlaps within each order.
    const runs: Recorded[] = [];
    const refused: Record<string, number> = {};
    for (const file of fs.readdirSync(recordDir)) {
      for (const line of fs.readFileSync(path.join(recordDir, file), "utf8").split("\n")) {
        if (!line) continue;
        const entry = JSON.parse(line) as Recorded | { refused: Record<string, number> };
        if ("refused" in entry) for (const [reason, count] of Object.entries(entry.refused)) refused[reason] = (refused[reason] ?? 0) + count;
        else runs.push(entry);
      }
    }
    if (fs.readdirSync(recordDir).length !== input.workers) throw new Error(`${fs.readdirSync(recordDir).length} of ${input.workers} workers wrote their record`);
    const byOrder = new Map<string, Array<{ start: bigint; end: bigint }>>();
    for (const r of runs) {
      if (!r.group) continue;
      const list = byOrder.get(r.group) ?? [];
      list.push({ start: BigInt(r.start), end: BigInt(r.end) });
      byOrder.set(r.group, list);
    }
    let overlaps = 0;
    for (const list of byOrder.values()) {
      for (let a = 0; a < list.length; a++) for (let b = a + 1; b < list.length; b++) if (list[a].start < list[b].end && list[b].start < list[a].end) overlaps += 1;
    }
    const firstStart = runs.reduce((min, r) => (BigInt(r.start) < min ? BigInt(r.start) : min), t1);
    const jobRows = await db.job.findMany({ select: { groupKey: true, status: true } });
    const jobsPerOrder = new Map<string, number>();
    for (const j of jobRows) if (j.groupKey) jobsPerOrder.set(j.groupKey, (jobsPerOrder.get(j.groupKey) ?? 0) + 1);
    // Attempts after the first, and why (the sync log's "retrying" entries, by error code).
    const attempts = (await db.job.aggregate({ _sum: { attempts: true } }))._sum.attempts ?? 0;
    const retryReasons: Record<string, number> = {};
    for (const entry of await db.syncLogEntry.findMany({ where: { status: "retrying" }, select: { detail: true } })) {
      const code = String((JSON.parse(entry.detail ?? "{}") as { code?: unknown }).code ?? "?");
      retryReasons[code] = (retryReasons[code] ?? 0) + 1;
    }
    const jobsByStatus: Record<string, number> = {};
    for (const j of jobRows) jobsByStatus[j.status] = (jobsByStatus[j.status] ?? 0) + 1;

    // What e-conomic holds: booked invoices per order, by the reference the app writes (ib:<shop>:<order>:…).
    const state = await control(urls.economic, "/_control/state?agreement=g");
    const perOrder = new Map<string, number>();
    for (const invoice of state.booked as Array<{ references?: { other?: string } }>) {
      const orderId = String(invoice.references?.other ?? "").split(":")[2];
      perOrder.set(orderId, (perOrder.get(orderId) ?? 0) + 1);
    }
    const duplicates = ids.filter((id) => (perOrder.get(String(id)) ?? 0) > 1).length;
    const missing = ids.filter((id) => !perOrder.get(String(id))).length;
    const invoices = ids.filter((id) => (perOrder.get(String(id)) ?? 0) > 0).length;

    const result: RunResult = {
      workers: input.workers,
      orders: N,
      invoices,
      seconds: Number(seconds.toFixed(3)),
      invoicesPerSecond: Number((booked / seconds).toFixed(2)),
      firstJobAfterMs: Number((Number(firstStart - t0) / 1e6).toFixed(1)),
      allJobsDoneSeconds: Number(allJobsDoneSeconds.toFixed(3)),
      workerCpuSeconds: Number(workerCpu.toFixed(2)),
      simulatorCpuSeconds: Number(simCpu.toFixed(2)),
      machineBusyCores: Number((((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * os.cpus().length).toFixed(2)),
      loadAverage: Number(loadAverage.toFixed(2)),
      jobs: jobRows.length,
      handlerRuns: runs.length,
      ordersWithTwoOrMoreJobs: ids.filter((id) => (jobsPerOrder.get(`${SHOP}:order:${id}`) ?? 0) >= 2).length,
      groupBusy: refused["group-busy"] ?? 0,
      retries: attempts - jobRows.length,
      retryReasons,
      overlaps,
      duplicates,
      missing,
      jobsByStatus,
    };
    log(
      `${result.invoices} invoices in ${seconds.toFixed(2)} s = ${result.invoicesPerSecond} invoices/s; worker CPU ${result.workerCpuSeconds} s; ` +
        `${result.handlerRuns} handler runs of ${result.jobs} jobs; group-busy deferrals ${result.groupBusy}; not taken: ${JSON.stringify(refused)}; ` +
        `retries ${result.retries} ${JSON.stringify(retryReasons)}; ` +
        `overlaps ${overlaps}, duplicates ${duplicates}, missing ${missing}`,
    );
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error("cleanup:", error);
      }
    }
    if (sims && sims.exitCode === null) await new Promise((resolve) => (sims!.exitCode === null ? sims!.once("exit", resolve) : resolve(null)));
    await scratch.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

// ------------------------------------------------------------------------------------------ CPU from /proc
let clockTicks = 0;
/** user + system CPU seconds of these processes (all their threads), from /proc/<pid>/stat. */
function cpuSeconds(pids: number[]): number {
  clockTicks ||= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  let ticks = 0;
  for (const pid of pids) {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are plain.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the whole line)
  }
  return ticks / clockTicks;
}

/** The machine's busy and total CPU time so far, from the first line of /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const [, ...values] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

// ------------------------------------------------------------------------------------------ which part this process plays
// (last, so that everything above is initialised first)
const role = process.env.BENCH_SCALE_OUT_ROLE;
if (role === "recorder") await recorder();
else if (role === "run") await runOne(JSON.parse(process.env.BENCH_SCALE_OUT_RUN ?? "{}") as { workers: number; orders: number; concurrency: number; timeoutS: number });
else await drive();
