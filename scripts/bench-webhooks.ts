// npm run bench:webhooks [-- --count 5000 --rate 500 --worker embedded|off --fast-path both|on|off --no-build]
// Sends N signed deliveries at a fixed rate to the running app (production build, SQLite in WAL mode,
// in-process worker on by default), then the same load to a bare route of the same server, and prints
// p50/p99 latency and throughput for both.
//
// The load is open-loop and evenly paced: request i leaves at start + i/rate whatever happened to the
// others, and its latency counts from that moment, so a stalled server cannot hide its queue
// (no coordinated omission). Every delivery has its own event id: each is a real insert and a job.
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { SANDBOX_API_SECRET } from "../app/lib/env.server";
import { migrateDatabase } from "../app/db/migrations.server";
import { signWebhook } from "../test/simulators/shopify-admin/server";
import { summarizeProfile, type Profile } from "./bench/profile";

const root = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "5000" },
    rate: { type: "string", default: "500" },
    port: { type: "string", default: "3300" },
    worker: { type: "string", default: "embedded" },
    "fast-path": { type: "string", default: "both" },
    profile: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    database: { type: "string", default: `file:${path.join(root, "data/bench.sqlite")}` },
  },
});
const count = Number(args.count);
const rate = Number(args.rate);
const SHOP = "bench.myshopify.com";

type RunResult = { latencies: number[]; statuses: Record<string, number>; seconds: number };

/** Open-loop, evenly paced POSTs; latency from each request's scheduled start. */
async function paced(url: string, n: number, perSecond: number, body: string, headers: () => Record<string, string>): Promise<RunResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const target = new URL(url);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const send = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, headers: { ...headers(), "content-length": Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - scheduled);
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on("error", () => {
        statuses.error = (statuses.error ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < n; i++) {
    const scheduled = start + (i * 1000) / perSecond;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(scheduled));
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { latencies: latencies.sort((a, b) => a - b), statuses, seconds };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main() {
  if (!args["no-build"]) {
    console.log("building the app (remix vite:build)…");
    execFileSync(path.join(root, "node_modules/.bin/remix"), ["vite:build"], { cwd: root, stdio: "pipe" });
  }
  const body = JSON.stringify(samplePayload());
  const hmac = signWebhook(body, SANDBOX_API_SECRET);
  const headers = () => ({
    "content-type": "application/json",
    "x-shopify-topic": "orders/paid",
    "x-shopify-hmac-sha256": hmac,
    "x-shopify-shop-domain": SHOP,
    "x-shopify-api-version": "2026-10",
    "x-shopify-webhook-id": randomUUID(),
    "x-shopify-event-id": randomUUID(),
  });
  const row = (route: string, r: RunResult) => ({
    route,
    sent: r.latencies.length,
    statuses: JSON.stringify(r.statuses),
    "p50 ms": pct(r.latencies, 50).toFixed(2),
    "p99 ms": pct(r.latencies, 99).toFixed(2),
    "max ms": r.latencies.at(-1)?.toFixed(1),
    "req/s": Math.round(r.latencies.length / r.seconds),
  });
  const table = [];
  const ratios: string[] = [];
  const summary: Record<string, number> = {};
  const profiles: string[] = [];
  // Both designs, each on a fresh database and server: the fast path ahead of Remix (the default), and every
  // delivery through the Remix route (WEBHOOK_FAST_PATH=off).
  for (const fastPath of args["fast-path"] === "both" ? ["on", "off"] : [args["fast-path"]]) {
    if (args.database.startsWith("file:")) {
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(args.database.slice(5) + suffix, { force: true });
    }
    await migrateDatabase(args.database);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      IB_SANDBOX: "1",
      DATABASE_URL: args.database,
      PORT: args.port,
      SHOPIFY_APP_URL: `http://127.0.0.1:${args.port}`,
      LOG_LEVEL: "warn",
      WORKER: args.worker,
      WEBHOOK_FAST_PATH: fastPath,
    };
    // --profile: the server's CPU profile (warm-up included), summed up after the runs.
    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-webhooks-prof-"));
    const profileArgs = args.profile ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [];
    const server = spawn(process.execPath, [...profileArgs, "--import", "tsx", "server.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => server.stdout!.on("data", (b: Buffer) => b.toString().includes("listening") && resolve()));
    const base = `http://127.0.0.1:${args.port}`;
    // Warm up both paths (JIT, page cache), then measure.
    await paced(`${base}/webhooks/orders`, Math.min(1000, count), rate, body, headers);
    await paced(`${base}/healthz`, Math.min(1000, count), rate, body, headers);
    const intake = await paced(`${base}/webhooks/orders`, count, rate, body, headers);
    const bare = await paced(`${base}/healthz`, count, rate, body, headers);
    if (args.database.startsWith("file:")) {
      const { default: Database } = await import("better-sqlite3");
      const db = new Database(args.database.slice(5), { readonly: true });
      const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
      const expected = count + Math.min(1000, count);
      const stored = n("WebhookDelivery");
      ratios.push(`fast path ${fastPath}: ${stored} deliveries and ${n("Job")} jobs stored of ${expected} sent${stored === expected ? "" : " (MISSING ROWS)"}`);
      db.close();
    }
    const exit = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exit;
    for (const file of fs.readdirSync(profileDir)) profiles.push(summarizeProfile(JSON.parse(fs.readFileSync(path.join(profileDir, file), "utf8")) as Profile, `the server, fast path ${fastPath}`));
    fs.rmSync(profileDir, { recursive: true, force: true });
    table.push(row(`fast path ${fastPath}: POST /webhooks/orders (intake)`, intake), row(`fast path ${fastPath}: POST /healthz (bare)`, bare));
    ratios.push(`fast path ${fastPath}: p99 intake / p99 bare = ${(pct(intake.latencies, 99) / pct(bare.latencies, 99)).toFixed(2)}×`);
    const design = fastPath === "on" ? "fastPath" : "remixOnly";
    Object.assign(summary, {
      [`${design}IntakeP50Ms`]: Number(pct(intake.latencies, 50).toFixed(2)),
      [`${design}IntakeP99Ms`]: Number(pct(intake.latencies, 99).toFixed(2)),
      [`${design}BareP99Ms`]: Number(pct(bare.latencies, 99).toFixed(2)),
      [`${design}RatioP99`]: Number((pct(intake.latencies, 99) / pct(bare.latencies, 99)).toFixed(2)),
      [`${design}IntakePerSecond`]: Math.round(intake.latencies.length / intake.seconds),
    });
  }
  console.log(`\n${count} deliveries at ${rate}/s, worker ${args.worker}, ${path.basename(args.database)}:`);
  console.table(table);
  for (const line of ratios) console.log(line);
  for (const text of profiles) console.log(text);
  // The line `npm run bench` (scripts/bench-all.ts) reads.
  console.log(JSON.stringify({ bench: "webhooks", count, rate, worker: args.worker, ...summary }));
}

function samplePayload() {
  return {
    id: 5550000000001,
    name: "#1001",
    email: "bench@example.com",
    currency: "EUR",
    financial_status: "paid",
    total_price: "125.00",
    taxes_included: true,
    customer: { id: 1, email: "bench@example.com", first_name: "Bench", last_name: "Mark" },
    billing_address: { first_name: "Bench", last_name: "Mark", address1: "Street 1", city: "City", zip: "1000", country_code: "DK" },
    line_items: Array.from({ length: 5 }, (_, i) => ({ id: i + 1, sku: `SKU-${i}`, title: `Item ${i}`, quantity: 1, price: "20.00", tax_lines: [{ rate: 0.25, price: "4.00", title: "VAT" }] })),
    shipping_lines: [{ title: "Post", price: "25.00", tax_lines: [] }],
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
