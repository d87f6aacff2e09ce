// The two jobs of a historical import.
//
// import.page lists one page of the run's orders (50, oldest first) and, in one commit, gives each order
// its job, counts them as listed, moves the run's cursor and enqueues the next page. The commit is
// conditional on the run's cursor still being the page's own, so a page listed by an attempt that died
// after its commit is not listed again, and a cancelled run lists nothing more. Pages of one shop never
// overlap (their group), and a page waits while the run already has PAGE_BACKLOG orders waiting, so that
// an import never stands in front of the shop's live webhooks with thousands of jobs.
//
// import.order runs the order through the normal order sync (rules, plan, provider, exactly once; an
// order that already has its document says so and makes nothing) and counts the outcome on the run. Its
// job is in the order's own group, so it never runs beside that order's webhooks; provider pacing applies
// as to any order job, a provider's 429 Retry-After is honoured by the runner, and Shopify's throttle is
// waited out within the job (shopify-throttle.ts) rather than spending its attempts. The
// outcome counted is written on the job too, so that a job run again (its worker died after counting, or
// the merchant pressed Retry on a failure) never counts twice.
import { z } from "zod";
import type { Db } from "../db.server";
import { syncOrder, type SyncOrderDeps, type SyncOrderOutcome } from "../invoicing/sync-order.use-case";
import { syncRefund } from "../invoicing/sync-refund.use-case";
import { enqueueJob } from "../jobs/enqueue.server";
import { jobRow, notifyJobEnqueued, type JobContext, type JobRecord } from "../jobs/queue";
import { classify, RetryableError } from "../lib/errors";
import type { ShopifyAdminClient } from "../shopify/admin-client.server";
import { ORDER_REFUND_IDS, ORDERS_FOR_IMPORT } from "../shopify/graphql";
import { importSearchQuery, readImportCriteria } from "./import-criteria";
import { waitingOutThrottle } from "./shopify-throttle";
import { finishIfComplete, LISTING_STOPPED, liveJobsOf, orderJobKey, orderJobSpec, pageJobSpec, settleJobSpec, type ImportRunRow } from "./import-run.server";

/** Order jobs of a run that may wait before the next page is listed (two pages). */
export const PAGE_BACKLOG = 100;
const BACKLOG_WAIT_MS = 2_000;
/** After the last page, how often the run checks that every order ended (see settle). */
const SETTLE_EVERY_MS = 15_000;

const pageAnswer = z.object({
  orders: z.object({
    nodes: z.array(z.object({ id: z.string(), legacyResourceId: z.string(), name: z.string(), createdAt: z.string() })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

type Counted = "done" | "skipped" | "failed";

function countedOf(value: unknown): Counted | undefined {
  return value === "done" || value === "skipped" || value === "failed" ? value : undefined;
}

/** Prisma's "record to update not found": a conditional update (update with a where) that matched nothing. */
function isNotFound(error: unknown) {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2025";
}

export type ImportPageDeps = { db: Db; adminClientFor: (shop: string) => Promise<ShopifyAdminClient> };

export async function listImportPage(context: JobContext, deps: ImportPageDeps): Promise<void> {
  const { job } = context;
  const { db } = deps;
  const run = await db.importRun.findUnique({ where: { id: String(job.payload.importId ?? "") } });
  if (!run || run.status !== "running") return;
  if (typeof job.payload.settle === "number") return settle(db, run, job.payload.settle);

  const after = typeof job.payload.after === "string" ? job.payload.after : null;
  // Listed already, by an earlier attempt of this job that died after its commit.
  if (run.listingComplete || run.cursor !== after) return;
  if ((await db.job.count({ where: liveJobsOf(run, ["import.order"]) })) >= PAGE_BACKLOG) {
    const wait = Number(job.payload.wait ?? 0) + 1;
    await enqueueJob(db, pageJobSpec(run, after, { wait, runAt: new Date(Date.now() + BACKLOG_WAIT_MS) }));
    return;
  }
  try {
    await listPage(run, after, deps);
  } catch (error) {
    const failure = classify(error);
    if (context.lastAttempt || failure.kind !== "retryable") await stopListing(db, run, after, failure.merchantMessage);
    throw error;
  }
}

async function listPage(run: ImportRunRow, after: string | null, deps: ImportPageDeps) {
  const { db } = deps;
  const admin = waitingOutThrottle(await deps.adminClientFor(run.shopDomain));
  const query = importSearchQuery(run, readImportCriteria(JSON.parse(run.criteria)));
  const answer = pageAnswer.safeParse(await admin.request(ORDERS_FOR_IMPORT, { query, after }));
  if (!answer.success) {
    throw new RetryableError("shopify_garbled", "Shopify sent a list of orders the app could not read; the import will try again.", { detail: answer.error.message });
  }
  const { nodes, pageInfo } = answer.data.orders;
  const orders = nodes.map((node) => ({ orderId: node.legacyResourceId, name: node.name }));
  const known = await db.job.findMany({ where: { uniqueKey: { in: orders.map((o) => orderJobKey(run.id, o.orderId)) } }, select: { uniqueKey: true } });
  const fresh = orders.filter((o) => !known.some((k) => k.uniqueKey === orderJobKey(run.id, o.orderId)));
  const next = pageInfo.hasNextPage ? pageInfo.endCursor : null;
  const follow = next ? pageJobSpec(run, next) : settleJobSpec(run, 1, new Date(Date.now() + SETTLE_EVERY_MS));
  try {
    await db.$transaction([
      db.importRun.update({
        where: { id: run.id, status: "running", listingComplete: false, cursor: after },
        data: { listed: { increment: fresh.length }, cursor: next, listingComplete: next === null },
      }),
      db.job.createMany({ data: [...fresh.map((order) => jobRow(orderJobSpec(run, order))), jobRow(follow)] }),
    ]);
  } catch (error) {
    // The run was cancelled meanwhile, or this page was listed by another attempt: nothing to add.
    if (isNotFound(error)) return;
    throw error;
  }
  notifyJobEnqueued();
  if (!next) await finishIfComplete(db, run.id);
}

/** Listing gave up (Shopify refused, or kept failing): the orders listed so far finish the run. */
async function stopListing(db: Db, run: ImportRunRow, after: string | null, reason: string) {
  const { count } = await db.importRun.updateMany({
    where: { id: run.id, status: "running", listingComplete: false, cursor: after },
    data: {
      listingComplete: true,
      cursor: null,
      lastError: `${LISTING_STOPPED} after ${run.listed} order(s): ${reason} The orders listed so far are imported; start a new import for the rest (orders already invoiced are skipped).`,
    },
  });
  if (count !== 1) return;
  await enqueueJob(db, settleJobSpec(run, 1, new Date(Date.now() + SETTLE_EVERY_MS)));
  await finishIfComplete(db, run.id);
}

/**
 * After the last page, until the run is done: once no order job of the run waits or runs, every order
 * has a result. One that ended without being counted (its worker died during its last attempt, and the
 * runner failed it without running the handler) is counted as failed here, and marked counted, so that the
 * run ends and a later Retry of it moves it from failed to its result instead of counting it twice.
 */
async function settle(db: Db, stale: ImportRunRow, round: number) {
  const again = () => enqueueJob(db, settleJobSpec(stale, round + 1, new Date(Date.now() + SETTLE_EVERY_MS)));
  if ((await db.job.count({ where: liveJobsOf(stale, ["import.order"]) })) > 0) return void (await again());
  // Read after the count: every order job had ended, so every count it made is in this read.
  const run = await db.importRun.findUnique({ where: { id: stale.id } });
  if (!run || run.status !== "running") return;
  const ended = await db.job.findMany({
    where: { shopDomain: run.shopDomain, status: { in: ["failed", "cancelled"] }, uniqueKey: { startsWith: `import.order:${run.id}:` } },
    select: { id: true, payload: true },
  });
  const uncounted = ended.filter((j) => !countedOf((JSON.parse(j.payload) as { counted?: unknown }).counted));
  const missing = Math.max(uncounted.length, run.listed - (run.done + run.skipped + run.failed));
  if (missing > 0) {
    try {
      await db.$transaction([
        db.importRun.update({
          where: { id: run.id, status: "running", done: run.done, skipped: run.skipped, failed: run.failed },
          data: { failed: { increment: missing } },
        }),
        ...uncounted.map((j) => db.job.update({ where: { id: j.id }, data: { payload: JSON.stringify({ ...JSON.parse(j.payload), counted: "failed" }) } })),
      ]);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return void (await again());
    }
  }
  if (!(await finishIfComplete(db, run.id))) await again();
}

export async function importOrder(context: JobContext, deps: SyncOrderDeps): Promise<void> {
  const { job } = context;
  const { db } = deps;
  const importId = String(job.payload.importId ?? "");
  const orderId = String(job.payload.orderId ?? "");
  const counted = countedOf(job.payload.counted);
  const run = await db.importRun.findUnique({ where: { id: importId } });
  // Cancelled before this order's turn: nothing to do (a failure the merchant retries still runs).
  if (!run || (run.status === "cancelled" && counted !== "failed")) return;
  let outcome: SyncOrderOutcome;
  const syncDeps = { ...deps, adminClientFor: async (shop: string) => waitingOutThrottle(await deps.adminClientFor(shop)) };
  try {
    outcome = await syncOrder({ shopDomain: job.shopDomain, orderId, topic: "IMPORT", payload: {}, jobId: job.id, deliveryId: null }, syncDeps);
    // Refunds made before the import: a credit note each, as their refunds/create webhooks would have made
    // (once per refund id; a refund not paid out yet waits, like any other).
    if (outcome === "made" || outcome === "existing") await creditPastRefunds(job, orderId, syncDeps);
  } catch (error) {
    const failure = classify(error);
    // The runner stops after the last attempt, and at once on a permanent or auth failure.
    if (!counted && (context.lastAttempt || failure.kind !== "retryable")) {
      await count(db, job, "failed", `Order ${String(job.payload.name ?? orderId)}: ${failure.merchantMessage}`);
      await finishIfComplete(db, importId);
    }
    throw error;
  }
  // "existing": made before (by a webhook, or an earlier import); "no_connection": nothing was sent.
  if (counted !== "done" && counted !== "skipped") await count(db, job, outcome === "made" ? "done" : "skipped");
  await finishIfComplete(db, importId);
}

async function creditPastRefunds(job: JobRecord, orderId: string, deps: SyncOrderDeps) {
  const admin = await deps.adminClientFor(job.shopDomain);
  const answer = await admin.request<{ order: { refunds: Array<{ id: string }> } | null }>(ORDER_REFUND_IDS, { id: `gid://shopify/Order/${orderId}` });
  for (const refund of answer.order?.refunds ?? []) {
    const refundId = /\/(\d+)$/.exec(refund.id)?.[1];
    if (refundId) await syncRefund({ shopDomain: job.shopDomain, orderId, refundId, jobId: job.id, deliveryId: null }, deps);
  }
}

const INCREMENT = { done: { done: { increment: 1 } }, skipped: { skipped: { increment: 1 } }, failed: { failed: { increment: 1 } } } as const;

async function count(db: Db, job: JobRecord, result: Counted, lastError?: string) {
  const importId = String(job.payload.importId);
  // A Retry that succeeded: the failure counted before becomes this result.
  const wasFailed = countedOf(job.payload.counted) === "failed";
  await db.$transaction([
    db.importRun.update({
      where: { id: importId, ...(wasFailed ? { failed: { gt: 0 } } : {}) },
      data: { ...INCREMENT[result], ...(wasFailed ? { failed: { decrement: 1 } } : {}) },
    }),
    ...(lastError
      ? [db.importRun.updateMany({ where: { id: importId, OR: [{ lastError: null }, { NOT: { lastError: { startsWith: LISTING_STOPPED } } }] }, data: { lastError } })]
      : []),
    db.job.update({ where: { id: job.id }, data: { payload: JSON.stringify({ ...job.payload, counted: result }) } }),
  ]);
}
