// The historical import, end to end: orders seeded in the Shopify Admin simulator at different dates and
// statuses (searched, counted and paged as Shopify does), the real worker with the app's real handlers,
// the e-conomic and Visma simulators over HTTP, a real database (SQLite, and PostgreSQL in that project).
// Each test asserts what the merchant ends up with: documents in the accounting system, the run's counts
// and the sync log.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { seedVismaShop } from "../helpers/provider-shops";
import { vismaAccount } from "../helpers/visma-account";
import { webhookRequest } from "../helpers/webhooks";
import { EconomicSimulator } from "../simulators/economic/server";
import type { SeedOrder } from "../simulators/shopify-admin/orders";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { VismaSimulator } from "../simulators/visma/server";
import { cancelImport, countImport, importProgress, retryFailedImportOrders, startImport, type ImportProgress } from "../../app/import/historical-import.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { JobRunner } from "../../app/jobs/job-runner.server";
import { retryJob } from "../../app/jobs/retry.server";
import { logger } from "../../app/lib/logger.server";
import { httpAdminClient, pacedByThrottle } from "../../app/shopify/admin-client.server";
import { webhookAction } from "../../app/webhooks/webhook-route.server";

const SHOP = "history.myshopify.com";
const TOKEN = "shpat_history";
const JUNE = { from: "2026-06-01", to: "2026-06-30" };

let shopify: ShopifyAdminSimulator;
let economic: EconomicSimulator;
let visma: VismaSimulator;
const workers: EmbeddedWorker[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const adminClientFor = async (shop: string) =>
  pacedByThrottle(httpAdminClient({ endpoint: shopify.url, shop, accessToken: TOKEN, apiVersion: "2026-10", timeoutMs: 5000 }));
const deps = async () => ({ db: await testDb(), adminClientFor });

/** The app's worker, as a process runs it (a new runner each time: a restart). */
async function startWorker(options: { concurrency?: number; leaseMs?: number } = {}) {
  const db = await testDb();
  const worker = new EmbeddedWorker({
    db,
    logger,
    handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }),
    pollMs: 20,
    backoffBaseMs: 100,
    backoffMaxMs: 2000,
    ...options,
  });
  worker.start();
  workers.push(worker);
  return worker;
}

async function until<T>(what: string, probe: () => Promise<T>, ready: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ready(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

const progress = async () => importProgress(await testDb(), SHOP);
const finished = (timeoutMs?: number) => until("the import to finish", progress, (p) => p?.status === "done", timeoutMs) as Promise<ImportProgress>;

let minute = 0;
/** A paid order of June (by default) in EUR, 25% VAT, one line. */
function order(overrides: Partial<SeedOrder> = {}) {
  minute += 1;
  return shopify.addOrder(SHOP, {
    createdAt: new Date(Date.UTC(2026, 5, 2) + minute * 60_000).toISOString(),
    taxesIncluded: true,
    email: "buyer@example.com",
    billingAddress: { firstName: "Bo", lastName: "Buyer", address1: "Rua Augusta 1", city: "Lisboa", zip: "1100-053", countryCode: "PT" },
    lines: [{ sku: "MUG", title: "Mug", quantity: 2, price: "12.50", taxRate: "0.25" }],
    ...overrides,
  });
}

async function connectEconomic(options: { missingProducts?: "halt" | "create" } = {}) {
  economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g", baseCurrency: "EUR" });
  await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g", missingProducts: options.missingProducts });
}

/** e-conomic's booked invoices per Shopify order, from the idempotency key each one carries. */
function bookedPerOrder() {
  const counts = new Map<string, number>();
  for (const invoice of economic.agreements.get("g")!.booked.values()) {
    const key = String((invoice.references as { other?: string } | undefined)?.other ?? "");
    const orderId = key.split(":")[2];
    counts.set(orderId, (counts.get(orderId) ?? 0) + 1);
  }
  return counts;
}

async function createEconomicProduct(productNumber: string) {
  const response = await fetch(`${economic.url}/products`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-AppSecretToken": "s", "X-AgreementGrantToken": "g" },
    body: JSON.stringify({ productNumber, name: productNumber, productGroup: { productGroupNumber: 1 } }),
  });
  expect(response.status).toBe(201);
}

async function deliver(orderId: number, topic: string) {
  const rawBody = JSON.stringify(shopify.restOrderPayload(SHOP, orderId));
  const response = await webhookAction({ request: webhookRequest({ rawBody, shop: SHOP, topic }), params: {}, context: {} });
  expect(response.status).toBe(200);
}

/**
 * Retries in the sync log, but for the customer claim: orders of one new customer wait (one retry each)
 * while the first of them creates the customer (issue-document.use-case.ts).
 */
async function retries() {
  return (await logMessages("retrying")).filter((m) => !m.startsWith("Another order of the same customer is being invoiced right now"));
}

async function logMessages(status?: string) {
  const entries = await (await testDb()).syncLogEntry.findMany({ where: { shopDomain: SHOP, ...(status ? { status } : {}) }, orderBy: { createdAt: "asc" } });
  return entries.map((e) => e.message);
}

describeWithDb("historical import", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    economic = new EconomicSimulator();
    visma = new VismaSimulator();
    await Promise.all([shopify.start(), economic.start(), visma.start()]);
  });
  afterAll(async () => {
    await Promise.all([shopify.close(), economic.close(), visma.close()]);
  });
  beforeEach(async () => {
    await resetDb();
    await (await testDb()).importRun.deleteMany();
    shopify.shops.clear();
    shopify.faults.clear();
    economic.agreements.clear();
    economic.faults.clear();
    visma.companies.clear();
    shopify.addShop({ domain: SHOP, accessToken: TOKEN, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "EUR" });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });

  it("counts exactly the orders of the days and criteria, as Shopify's search reads them, and refuses bad ranges in words", async () => {
    // GIVEN orders on and around the edges of June, paid or not, shipped or not, with and without tags
    const at = (iso: string, rest: Partial<SeedOrder> = {}) => order({ createdAt: iso, ...rest });
    at("2026-05-31T23:59:59Z");
    at("2026-06-01T00:00:00Z");
    at("2026-06-10T12:00:00Z", { fulfillmentStatus: "fulfilled", tags: ["B2B"] });
    at("2026-06-12T12:00:00Z", { financialStatus: "pending", fulfillmentStatus: "fulfilled", tags: ["B2B"] });
    at("2026-06-15T12:00:00Z", { fulfillmentStatus: "partial", tags: ["B2B", "test"] });
    at("2026-06-20T12:00:00Z", { fulfillmentStatus: "fulfilled", tags: ["it's \\special"] });
    at("2026-06-30T23:59:59Z", { tags: ["test"] });
    at("2026-07-01T00:00:00Z", { fulfillmentStatus: "fulfilled" });
    const count = async (criteria: unknown, range = JUNE) => countImport(await deps(), { shopDomain: SHOP, ...range, criteria });

    // WHEN the merchant counts; THEN each answer is Shopify's exact count of the matching orders
    expect(await count({})).toMatchObject({ count: 5, exact: true }); // paid by default
    expect(await count({ financialStatus: "any" })).toMatchObject({ count: 6, exact: true });
    expect(await count({ financialStatus: "paid", fulfillmentStatus: "shipped" })).toMatchObject({ count: 2, exact: true });
    expect(await count({ financialStatus: "any", fulfillmentStatus: "shipped" })).toMatchObject({ count: 3, exact: true });
    expect(await count({ includeTag: "b2b" })).toMatchObject({ count: 2, exact: true });
    expect(await count({ excludeTag: "test" })).toMatchObject({ count: 3, exact: true });
    expect(await count({ financialStatus: "any", includeTag: "B2B", excludeTag: "test" })).toMatchObject({ count: 2, exact: true });
    expect(await count({ includeTag: "it's \\special", excludeTag: "" })).toMatchObject({ count: 1, exact: true });
    expect(await count({}, { from: "2026-06-30", to: "2026-06-30" })).toMatchObject({ count: 1, exact: true });
    expect(await count({}, { from: "2026-06-01", to: "2026-06-01" })).toMatchObject({ count: 1, exact: true });

    // AND a bad range or criterion is refused in a sentence, before Shopify is asked
    const asked = shopify.shop(SHOP).requests.length;
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const refusal = (criteria: unknown, range: { from: string; to: string }) => count(criteria, range).then(() => "accepted", (e: { kind: string; merchantMessage: string }) => `${e.kind}: ${e.merchantMessage}`);
    expect(await refusal({}, { from: "2026-07-01", to: "2026-06-01" })).toBe(
      "permanent: The start date (2026-07-01) is after the end date (2026-06-01). Choose a start date on or before the end date.",
    );
    expect(await refusal({}, { from: "2026-06-01", to: tomorrow })).toBe(`permanent: The end date (${tomorrow}) is in the future. Choose today (${today}) or an earlier day.`);
    expect(await refusal({}, { from: "2023-01-01", to: "2026-06-30" })).toBe(
      "permanent: One import covers at most 3 years, and 2023-01-01 to 2026-06-30 is 1277 days. Choose a shorter range, and import the rest in a second run.",
    );
    expect(await refusal({}, { from: "2026-02-30", to: "2026-06-30" })).toBe("permanent: Choose the start date of the import as a day (YYYY-MM-DD); '2026-02-30' is not one.");
    expect(await refusal({ financialStatus: "refunded" }, JUNE)).toBe("permanent: Choose which orders to import by payment: any order, or paid orders only.");
    expect(shopify.shop(SHOP).requests.length).toBe(asked);
    expect(shopify.shop(SHOP).requests.slice(-1)[0]).toMatchObject({ operationName: "OrdersCount", throttled: false });
  });

  it("refuses to start without an accounting system, with nothing to import, or while an import runs", async () => {
    order();
    const start = async (range = JUNE) => startImport(await deps(), { shopDomain: SHOP, ...range, criteria: {} }).then(() => "started", (e: { merchantMessage: string }) => e.merchantMessage);
    // GIVEN no connection: refused, and no run is recorded
    expect(await start()).toBe(
      "Connect an accounting system before importing past orders: the import makes its documents there. (A paused connection has to be reconnected first.)",
    );
    expect(await progress()).toBeNull();
    await connectEconomic();
    // GIVEN a range without orders
    expect(await start({ from: "2026-05-01", to: "2026-05-31" })).toBe("No orders created from 2026-05-01 to 2026-05-31 match the criteria (paid orders, also those refunded since), so there is nothing to import.");
    // GIVEN an import that is running (no worker yet): a second start is refused, at once or concurrently
    // (the app's access is the default one, without read_all_orders: the start says what Shopify leaves out)
    await (await testDb()).session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", isOnline: false, accessToken: TOKEN, scope: "write_orders,read_customers" } });
    expect(await start()).toBe("started");
    expect(await logMessages("info")).toEqual([
      "Historical import started: 1 order(s) created from 2026-06-01 to 2026-06-30 (paid orders, also those refunded since). Orders that already have a document are skipped. Shopify shows the app only the last 60 days of orders until it may read all orders (the read_all_orders access), so older orders of the range are not in this import.",
    ]);
    // the count says so too, before the merchant starts
    expect((await countImport(await deps(), { shopDomain: SHOP, from: "2026-06-01", to: "2026-06-30", criteria: {} })).note).toMatch(/^Shopify shows the app only the last 60 days of orders/);
    const again = await Promise.all([start(), start()]);
    expect(again).toEqual([expect.stringMatching(/^An import is already running \(started .+ UTC, 0 of 1 orders so far\)\. Wait for it to finish, or cancel it, before starting another\.$/), expect.stringMatching(/^An import is already running/)]);
    expect(await (await testDb()).importRun.count()).toBe(1);
  });

  it("imports 125 orders over three pages: one booked invoice per paid order, the unpaid skipped, and the progress reaches 100", async () => {
    // GIVEN 120 paid and 5 pending orders in June, 3 in July, and a Shopify hiccup on the first page
    await connectEconomic();
    const paid = Array.from({ length: 120 }, () => order());
    const pending = Array.from({ length: 5 }, () => order({ financialStatus: "pending" }));
    Array.from({ length: 3 }, (_, i) => order({ createdAt: `2026-07-0${i + 1}T08:00:00Z` }));
    shopify.faults.add({ kind: "status", status: 503, match: "OrdersForImport", times: 1 });
    const input = { shopDomain: SHOP, ...JUNE, criteria: { financialStatus: "any" } };
    expect(await countImport(await deps(), input)).toMatchObject({ count: 125, exact: true });

    // WHEN the merchant starts the import and the worker runs it
    const { importId, total } = await startImport(await deps(), input);
    expect(total).toBe(125);
    const started = Date.now();
    await startWorker();
    const seen: number[] = [];
    const result = (await until("the import to finish", async () => {
      const p = await progress();
      seen.push(p!.percent);
      return p;
    }, (p) => p?.status === "done")) as ImportProgress;
    const seconds = (Date.now() - started) / 1000;

    // THEN the run is done with every order accounted for
    expect(result).toMatchObject({ id: importId, status: "done", from: "2026-06-01", to: "2026-06-30", total: 125, listed: 125, done: 120, skipped: 5, failed: 0, percent: 100, lastError: null });
    expect(result.criteria).toEqual({ financialStatus: "any", fulfillmentStatus: "any" });
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1])).toBe(true);
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
    // AND e-conomic holds exactly one booked invoice per paid order, none for the others
    const booked = bookedPerOrder();
    expect([...booked.keys()].sort()).toEqual(paid.map((o) => String(o.id)).sort());
    expect([...booked.values()].every((n) => n === 1)).toBe(true);
    const db = await testDb();
    expect(await db.document.count({ where: { state: "finalized" } })).toBe(120);
    expect(await db.document.count({ where: { orderId: { in: pending.map((o) => String(o.id)) } } })).toBe(0);
    // AND one job per order, three pages listed (the first after one retry)
    expect(await db.job.count({ where: { type: "import.order", status: "done" } })).toBe(125);
    const pages = await db.job.findMany({ where: { type: "import.page", uniqueKey: { not: { contains: ":settle" } } }, orderBy: { createdAt: "asc" } });
    expect(pages.filter((p) => !p.uniqueKey.includes(":wait")).map((p) => [p.status, p.attempts])).toEqual([["done", 2], ["done", 1], ["done", 1]]);
    // AND the sync log says when it started and how it ended
    const info = await logMessages("info");
    expect(info).toContain("Historical import started: 125 order(s) created from 2026-06-01 to 2026-06-30 (orders of any payment status). Orders that already have a document are skipped.");
    expect(await logMessages("done")).toContain("Historical import finished: 120 invoices made, 5 skipped, 0 failed.");
    expect(await logMessages("skipped")).toHaveLength(5);
    // AND the only retry was Shopify's 503 on the first page: its throttle was waited out, never retried
    expect(await retries()).toEqual([expect.stringMatching(/^Shopify is busy or unavailable; the task will be retried\. Attempt 1 of 8 failed;/)]);
    const throttled = shopify.shop(SHOP).requests.filter((r) => r.throttled).length;
    console.info(`historical import (e-conomic): 125 orders in ${seconds.toFixed(1)} s = ${(125 / seconds).toFixed(1)} orders/s; Shopify throttled ${throttled} of ${shopify.shop(SHOP).requests.length} requests`);
  }, 120_000);

  it("never invoices twice: orders invoiced through webhooks are skipped, webhooks during the import change nothing, and a second import makes nothing new", async () => {
    await connectEconomic();
    const orders = Array.from({ length: 6 }, () => order());
    // GIVEN two orders already invoiced through their orders/paid webhooks
    await deliver(orders[0].id, "orders/paid");
    await deliver(orders[1].id, "orders/paid");
    await startWorker();
    await until("two invoices", async () => bookedPerOrder().size, (n) => n === 2);

    // WHEN the import runs, while orders/updated arrives for three of the orders
    await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    await Promise.all(orders.slice(1, 4).map((o) => deliver(o.id, "orders/updated")));
    const first = await finished();

    // THEN every order has exactly one invoice, and the two made before were not made again
    expect(first).toMatchObject({ listed: 6, failed: 0 });
    expect(first.done + first.skipped).toBe(6);
    expect(first.skipped).toBeGreaterThanOrEqual(2);
    const db = await testDb();
    await until("the webhooks' jobs", () => db.job.count({ where: { status: { in: ["queued", "running"] }, type: "order.event" } }), (n) => n === 0);
    expect([...bookedPerOrder().entries()].sort()).toEqual(orders.map((o) => [String(o.id), 1]).sort());

    // WHEN the same range is imported again
    const { importId } = await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    const second = await finished();
    // THEN nothing new is made: each order says it already has its invoice
    expect(second).toMatchObject({ id: importId, listed: 6, done: 0, skipped: 6, failed: 0, percent: 100 });
    expect(bookedPerOrder().size).toBe(6);
    expect([...bookedPerOrder().values()].every((n) => n === 1)).toBe(true);
    expect(await db.document.count()).toBe(6);
    const already = (await logMessages("done")).filter((m) => / already has invoice \d+ in e-conomic; nothing new was made\.$/.test(m));
    expect(already.length).toBeGreaterThanOrEqual(6);
    expect(await logMessages("done")).toContain("Historical import finished: 0 invoices made, 6 skipped, 0 failed.");
  }, 60_000);

  it("an order refunded before the import gets its invoice and one credit note per refund, once; a second import makes neither again", async () => {
    await connectEconomic();
    // GIVEN an order refunded in part and one refunded in full before the app was installed, a plain one, and an unpaid one
    const partly = order();
    shopify.addRefund(SHOP, partly.id, { lines: [{ index: 0, quantity: 1 }] });
    const wholly = order();
    shopify.addRefund(SHOP, wholly.id, { lines: [{ index: 0, quantity: 1 }] });
    shopify.addRefund(SHOP, wholly.id, { lines: [{ index: 0, quantity: 1 }] });
    const plain = order();
    order({ financialStatus: "pending" });
    // THEN "paid" (the default) covers the refunded orders too: they were paid
    const input = { shopDomain: SHOP, ...JUNE, criteria: {} };
    expect(await countImport(await deps(), input)).toMatchObject({ count: 3 });

    // WHEN the import runs
    await startImport(await deps(), input);
    await startWorker();
    expect(await finished()).toMatchObject({ done: 3, skipped: 0, failed: 0 });

    // THEN each order has its invoice (25.00), and each refund its credit note (12.50), crediting that invoice
    const documentsOf = () => {
      const byOrder = new Map<string, number[]>();
      for (const doc of economic.agreements.get("g")!.booked.values()) {
        const orderId = String((doc.references as { other?: string }).other).split(":")[2];
        byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), Number(doc.grossAmount)].sort((a, b) => b - a));
      }
      return byOrder;
    };
    expect(documentsOf()).toEqual(
      new Map([
        [String(partly.id), [25, -12.5]],
        [String(wholly.id), [25, -12.5, -12.5]],
        [String(plain.id), [25]],
      ]),
    );
    const db = await testDb();
    expect(await db.document.count({ where: { kind: "creditNote" } })).toBe(3);

    // WHEN the range is imported again: nothing new
    await startImport(await deps(), input);
    expect(await finished()).toMatchObject({ done: 0, skipped: 3, failed: 0 });
    expect(economic.agreements.get("g")!.booked.size).toBe(6);
  }, 60_000);

  it("resumes after the worker process is killed mid-run: a new process finishes it, each order invoiced once", async () => {
    // GIVEN an import of 80 orders, worked by a separate worker process
    await connectEconomic();
    const orders = Array.from({ length: 80 }, () => order());
    await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/helpers/import-worker.ts")], {
      env: { ...process.env, SHOPIFY_SIM_URL: shopify.url, SHOPIFY_SIM_TOKEN: TOKEN, LEASE_MS: "1500" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    await until("15 orders done by the worker process", progress, (p) => (p?.done ?? 0) >= 15, 60_000);

    // WHEN that process is killed outright, in the middle of the run
    child.kill("SIGKILL");
    await exited;
    const db = await testDb();
    const atKill = (await progress())!;
    const heldByTheDead = await db.job.count({ where: { status: "running", leaseOwner: "import-worker-to-kill" } });
    expect(atKill.status).toBe("running");
    expect(atKill.done).toBeLessThan(80);

    // AND a new worker starts, as after a restart
    await startWorker({ leaseMs: 2000 });
    const result = await finished();

    // THEN the run completes, and e-conomic holds exactly one invoice per order
    expect(result).toMatchObject({ listed: 80, failed: 0, percent: 100 });
    // (an order booked just before the kill, and counted by nobody, is found booked when run again)
    expect(result.done + result.skipped).toBe(80);
    const booked = bookedPerOrder();
    expect([...booked.keys()].sort()).toEqual(orders.map((o) => String(o.id)).sort());
    expect([...booked.values()].every((n) => n === 1)).toBe(true);
    expect(await db.document.count({ where: { state: "finalized" } })).toBe(80);
    expect(await db.job.count({ where: { type: "import.order" } })).toBe(80);
    console.info(`historical import: killed the worker process at ${atKill.done} of 80 done, holding ${heldByTheDead} job(s); the restart finished with ${result.done} made, ${result.skipped} skipped`);
  }, 120_000);

  it("a page job that died after its commit is run again without listing its page twice", async () => {
    await connectEconomic();
    Array.from({ length: 60 }, () => order());
    const { importId } = await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    const db = await testDb();
    // GIVEN a worker that takes the first page job, commits its page, and dies before marking the job done
    const handlers = createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor });
    const doomed = new JobRunner({ db, logger, handlers, leaseMs: 300, workerId: "dies-after-commit" });
    const row = await db.job.findFirstOrThrow({ where: { type: "import.page" } });
    expect((await doomed.acquire(row)).row).toBeDefined();
    await handlers["import.page"]({
      job: { id: row.id, type: "import.page", shopDomain: row.shopDomain, uniqueKey: row.uniqueKey, groupKey: row.groupKey, payload: JSON.parse(row.payload), attempts: 1, maxAttempts: row.maxAttempts },
      lastAttempt: false,
    });
    expect(await db.job.count({ where: { type: "import.order" } })).toBe(50);
    expect(await db.importRun.findUniqueOrThrow({ where: { id: importId } })).toMatchObject({ listed: 50, listingComplete: false });
    expect(await db.job.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "running", leaseOwner: "dies-after-commit" });
    await sleep(400);

    // WHEN another worker starts, and takes the job over once its lease ran out
    await startWorker({ leaseMs: 2000 });
    const result = await finished();

    // THEN the page was not listed again: 60 order jobs, 60 invoices, the job done on its second attempt
    expect(result).toMatchObject({ listed: 60, done: 60, skipped: 0, failed: 0 });
    expect(await db.job.count({ where: { type: "import.order" } })).toBe(60);
    expect(await db.job.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "done", attempts: 2 });
    expect(bookedPerOrder().size).toBe(60);
    expect([...bookedPerOrder().values()].every((n) => n === 1)).toBe(true);
    const log = await db.syncLogEntry.findMany({ where: { jobId: row.id } });
    expect(log.map((e) => [e.status, e.message])).toEqual([["retrying", "A background task was interrupted (the app restarted); it is being run again."]]);
  }, 90_000);

  it("an order that fails is counted as failed with a Retry in the sync log, the rest complete, and Retry turns it into an invoice", async () => {
    // GIVEN e-conomic with the product MUG only, the policy "halt" on missing products, and a 429 on one booking
    await connectEconomic({ missingProducts: "halt" });
    await createEconomicProduct("MUG");
    Array.from({ length: 10 }, () => order());
    const ghost = order({ lines: [{ sku: "GHOST", title: "Ghost", quantity: 1, price: "9.00", taxRate: "0.25" }] });
    economic.faults.add({ kind: "status", status: 429, retryAfter: 1, match: "POST /invoices/booked", times: 1 });

    // WHEN the import runs
    await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    await startWorker();
    const result = await finished();

    // THEN ten invoices are made, the order with the unknown SKU failed (at once: retrying cannot help)
    const reason = "SKU 'GHOST' does not exist in e-conomic and 'Create missing products' is off. Create the product in e-conomic or turn the setting on, then press Retry.";
    expect(result).toMatchObject({ listed: 11, done: 10, skipped: 0, failed: 1, percent: 100, lastError: `Order ${ghost.name}: ${reason}` });
    expect(bookedPerOrder().size).toBe(10);
    const db = await testDb();
    const failedJob = await db.job.findFirstOrThrow({ where: { type: "import.order", status: "failed" } });
    expect(failedJob).toMatchObject({ attempts: 1, maxAttempts: 4 });
    expect(JSON.parse(failedJob.payload)).toMatchObject({ orderId: String(ghost.id), counted: "failed" });
    const failures = await db.syncLogEntry.findMany({ where: { status: "failed", jobId: failedJob.id } });
    expect(failures.map((e) => [e.orderId, e.message])).toEqual([[String(ghost.id), `${reason} It will not be retried automatically. Fix the cause, then use Retry.`]]);
    expect(await logMessages("done")).toContain("Historical import finished: 10 invoices made, 0 skipped, 1 failed. Each failed order has its own entry in the log with Retry.");
    // AND e-conomic's 429 was retried after its Retry-After, not counted as a failure (and Shopify's
    // throttle, if it came, was waited out without spending attempts)
    expect(await retries()).toEqual([expect.stringMatching(/^e-conomic asked the app to slow down; it will continue shortly\. Attempt 1 of 4 failed; the next one is at /)]);

    // WHEN the merchant creates the product and presses "Retry the failed orders" on the import page
    await createEconomicProduct("GHOST");
    expect(await retryFailedImportOrders(db, SHOP)).toBe(1);
    await until("the retried order", () => db.job.findUniqueOrThrow({ where: { id: failedJob.id } }), (j) => j.status === "done");

    // THEN the order has its invoice, and the failure became a result (counted once)
    expect(await progress()).toMatchObject({ status: "done", listed: 11, done: 11, skipped: 0, failed: 0 });
    expect(bookedPerOrder().get(String(ghost.id))).toBe(1);
    expect(bookedPerOrder().size).toBe(11);
    // AND there is nothing left to retry
    expect(await retryFailedImportOrders(db, SHOP)).toBe(0);
  }, 60_000);

  it("keeps within Visma's 600 requests per minute per endpoint: no 429, one invoice per order", async () => {
    // GIVEN a Swedish shop on Visma eAccounting (the simulator enforces Visma's quota)
    shopify.shops.clear();
    shopify.addShop({ domain: SHOP, accessToken: TOKEN, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "SEK" });
    const account = vismaAccount(visma);
    await seedVismaShop(await testDb(), { shopDomain: SHOP, vismaUrl: visma.url, tokens: account.tokens(), settings: account.settings });
    const before = visma.stats.rejected429;
    const count = 60;
    for (let i = 0; i < count; i++) {
      order({
        email: `kund${i % 7}@example.se`,
        billingAddress: { firstName: "Sven", lastName: "Berg", address1: "Drottninggatan 5", city: "Stockholm", zip: "111 51", countryCode: "SE" },
        lines: [
          { sku: "KOPP-BLA", title: "Kopp, blå", quantity: 1 + (i % 3), price: "149.00", taxRate: "0.25" },
          { sku: "KAFFE", title: "Kaffe", quantity: 2, price: "89.90", taxRate: "0.12" },
        ],
        shipping: [{ title: "PostNord", price: "59.00", taxRate: "0.25" }],
      });
    }
    // WHEN the import runs
    await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    const started = Date.now();
    await startWorker();
    const result = await finished(120_000);
    const seconds = (Date.now() - started) / 1000;

    // THEN every order has one invoice in Visma, and Visma never had to refuse a request
    expect(result).toMatchObject({ listed: count, done: count, skipped: 0, failed: 0, percent: 100 });
    const company = [...visma.companies.values()][0];
    const invoices = [...company.invoices.values()].filter((i) => !i.IsCreditInvoice);
    expect(invoices).toHaveLength(count);
    expect(new Set(invoices.map((i) => i.YourReference)).size).toBe(count);
    expect(visma.stats.rejected429 - before).toBe(0);
    expect(await retries()).toEqual([]);
    const busiest = Math.max(...visma.stats.byEndpoint.values());
    console.info(`historical import (Visma): ${count} orders in ${seconds.toFixed(1)} s = ${(count / seconds).toFixed(1)} orders/s; ${visma.stats.requests} Visma requests, the busiest endpoint ${busiest}, 0 × 429`);
  }, 150_000);

  it("cancel stops the run: no further documents appear, waiting jobs are cancelled, and a new import can start", async () => {
    await connectEconomic();
    const orders = Array.from({ length: 60 }, () => order());
    await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    await startWorker({ concurrency: 1 });
    await until("5 orders done", progress, (p) => (p?.done ?? 0) >= 5);

    // WHEN the merchant cancels
    const db = await testDb();
    await cancelImport(db, SHOP);
    await until("the order in progress", () => db.job.count({ where: { type: { in: ["import.page", "import.order"] }, status: "running" } }), (n) => n === 0);
    const made = bookedPerOrder().size;
    await sleep(1500);

    // THEN no further document appears, and nothing of the run waits any more
    expect(bookedPerOrder().size).toBe(made);
    expect(made).toBeLessThan(60);
    const cancelled = (await progress())!;
    expect(cancelled).toMatchObject({ status: "cancelled" });
    expect(cancelled.percent).toBeLessThan(100);
    expect(cancelled.finishedAt).not.toBeNull();
    expect(await db.job.count({ where: { type: { in: ["import.page", "import.order"] }, status: "queued" } })).toBe(0);
    const stopped = await db.job.count({ where: { type: "import.order", status: "cancelled" } });
    expect(stopped).toBeGreaterThan(0);
    expect((await logMessages("info")).filter((m) => m.startsWith("Historical import cancelled: "))).toEqual([
      expect.stringMatching(new RegExp(`^Historical import cancelled: \\d+ invoices made, 0 skipped, 0 failed; ${stopped} waiting order\\(s\\) were not imported\\.$`)),
    ]);
    await cancelImport(db, SHOP); // nothing running: nothing happens
    expect(await db.importRun.count({ where: { status: "cancelled" } })).toBe(1);

    // AND a new import over the same range finishes the job, skipping what was made
    await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    const again = await finished();
    expect(again).toMatchObject({ listed: 60, done: 60 - made, skipped: made, failed: 0 });
    expect([...bookedPerOrder().entries()].sort()).toEqual(orders.map((o) => [String(o.id), 1]).sort());
  }, 120_000);

  it("an order whose worker died during its last attempt is counted as failed by the run's last check, and Retry still counts it once", async () => {
    await connectEconomic();
    const orders = Array.from({ length: 3 }, () => order());
    const { importId } = await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    const db = await testDb();
    const handlers = createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor });
    const page = await db.job.findFirstOrThrow({ where: { type: "import.page" } });
    await handlers["import.page"]({
      job: { id: page.id, type: "import.page", shopDomain: SHOP, uniqueKey: page.uniqueKey, groupKey: page.groupKey, payload: JSON.parse(page.payload), attempts: 1, maxAttempts: page.maxAttempts },
      lastAttempt: false,
    });
    // GIVEN the second order's job failed the way the runner fails a job whose worker died during its last
    // attempt: without its handler, so nobody counted it
    const lost = await db.job.findUniqueOrThrow({ where: { uniqueKey: `import.order:${importId}:${orders[1].id}` } });
    await db.job.update({ where: { id: lost.id }, data: { status: "failed", attempts: 4, finishedAt: new Date(), lastError: "worker stopped during the last attempt" } });

    // WHEN the other orders are done, and the run's check after the last page comes round
    await startWorker();
    await until("the two other orders", progress, (p) => p?.done === 2);
    expect((await progress())!.status).toBe("running");
    await db.job.updateMany({ where: { type: "import.page", status: "queued", uniqueKey: { contains: ":settle" } }, data: { runAt: new Date() } });
    const result = await finished();

    // THEN the lost order is counted as failed, and the run ends
    expect(result).toMatchObject({ listed: 3, done: 2, skipped: 0, failed: 1, percent: 100 });
    expect(JSON.parse((await db.job.findUniqueOrThrow({ where: { id: lost.id } })).payload)).toMatchObject({ counted: "failed" });
    expect(await logMessages("done")).toContain("Historical import finished: 2 invoices made, 0 skipped, 1 failed. Each failed order has its own entry in the log with Retry.");
    // AND Retry makes its invoice and moves it from failed to made, once
    expect(await retryJob(db, { shopDomain: SHOP, jobId: lost.id })).toBe("queued");
    await until("the retried order", () => db.job.findUniqueOrThrow({ where: { id: lost.id } }), (j) => j.status === "done");
    expect(await progress()).toMatchObject({ status: "done", done: 3, failed: 0 });
    expect([...bookedPerOrder().entries()].sort()).toEqual(orders.map((o) => [String(o.id), 1]).sort());
  }, 60_000);

  it("an import whose tasks were all stopped (the app was uninstalled) is closed in words, and a new one can start", async () => {
    await connectEconomic();
    order();
    const { importId } = await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    const db = await testDb();
    // GIVEN the uninstall stopped the shop's queued tasks, the import's first page among them, two minutes ago
    await db.job.updateMany({ where: { shopDomain: SHOP, status: "queued" }, data: { status: "cancelled", lastError: "the app was uninstalled" } });
    await db.importRun.update({ where: { id: importId }, data: { updatedAt: new Date(Date.now() - 120_000) } });

    // WHEN the merchant opens the import page
    const shown = await progress();

    // THEN the run is shown as stopped, with what to do, and a new import starts
    expect(shown).toMatchObject({
      id: importId,
      status: "cancelled",
      lastError: "The import stopped because its background tasks were stopped (for example when the app was uninstalled). Start it again to import the rest; orders already invoiced are skipped.",
    });
    expect((await logMessages("failed")).filter((m) => m.startsWith("Historical import stopped: 0 invoices made, 0 skipped, 0 failed."))).toHaveLength(1);
    const next = await startImport(await deps(), { shopDomain: SHOP, ...JUNE, criteria: {} });
    expect(next.importId).not.toBe(importId);
  });
});
