// The bookkeeping of a historical import, shared by its use cases and its jobs: the jobs' keys, the end
// of a run, and what to do with a run whose jobs are gone.
//
// A run's counters change only by increment (or the decrement of a failure that a Retry turned into a
// result), each in a conditional update, so that order jobs running side by side never lose a count.
// A run ends once listing is complete and done + skipped + failed reaches listed; the update that ends it
// is conditional on the run still running, so exactly one job writes the closing line.
import type { Db, Prisma } from "../db.server";
import { orderGroupKey, type JobSpec } from "../jobs/queue";
import { writeSyncLog } from "../sync-log/sync-log.server";

/** The start of the run's lastError when listing gave up; the closing line repeats it. */
export const LISTING_STOPPED = "Listing the orders stopped";

export type ImportRunRow = NonNullable<Awaited<ReturnType<Db["importRun"]["findUnique"]>>>;

/** One page at a time per shop: listing pages of one shop never overlap (a restarted import included). */
export function importGroupKey(shopDomain: string) {
  return `${shopDomain}:import`;
}

/** A page of the run's orders. `after` is the cursor of the page (null: the first page). */
export function pageJobSpec(run: { id: string; shopDomain: string }, after: string | null, options: { wait?: number; runAt?: Date } = {}): JobSpec {
  return {
    type: "import.page",
    shopDomain: run.shopDomain,
    // Listing the same page twice (an attempt that died after its commit) makes no second job.
    uniqueKey: `import.page:${run.id}:${after ?? "first"}${options.wait ? `:wait${options.wait}` : ""}`,
    groupKey: importGroupKey(run.shopDomain),
    payload: { importId: run.id, after, ...(options.wait ? { wait: options.wait } : {}) },
    runAt: options.runAt,
  };
}

/** After the last page: a check, now and then, that every order of the run has ended. */
export function settleJobSpec(run: { id: string; shopDomain: string }, round: number, runAt: Date): JobSpec {
  return {
    type: "import.page",
    shopDomain: run.shopDomain,
    uniqueKey: `import.page:${run.id}:settle${round}`,
    groupKey: importGroupKey(run.shopDomain),
    payload: { importId: run.id, settle: round },
    runAt,
  };
}

/** A job per order, never beside the order's own webhooks (the same group). */
export function orderJobSpec(run: { id: string; shopDomain: string }, order: { orderId: string; name: string }): JobSpec {
  return {
    type: "import.order",
    shopDomain: run.shopDomain,
    uniqueKey: orderJobKey(run.id, order.orderId),
    groupKey: orderGroupKey(run.shopDomain, order.orderId),
    payload: { importId: run.id, orderId: order.orderId, name: order.name },
    // A provider's 429 or outage is waited out (Retry-After, backoff); a fourth failure is the merchant's to retry.
    maxAttempts: 4,
  };
}

export function orderJobKey(importId: string, orderId: string) {
  return `import.order:${importId}:${orderId}`;
}

/** The run's jobs that are waiting or running; scoped by shop and status first, which the Job indexes serve. */
export function liveJobsOf(run: { id: string; shopDomain: string }, types: Array<"import.page" | "import.order"> = ["import.page", "import.order"]): Prisma.JobWhereInput {
  return {
    shopDomain: run.shopDomain,
    status: { in: ["queued", "running"] },
    OR: types.map((type) => ({ uniqueKey: { startsWith: `${type}:${run.id}:` } })),
  };
}

/** Ends the run if every listed order has a result and no page is left; writes the closing line once. */
export async function finishIfComplete(db: Db, importId: string): Promise<boolean> {
  const run = await db.importRun.findUnique({ where: { id: importId } });
  if (!run || run.status !== "running" || !run.listingComplete) return false;
  if (run.done + run.skipped + run.failed < run.listed) return false;
  const { count } = await db.importRun.updateMany({
    where: { id: run.id, status: "running" },
    data: { status: "done", runningShop: null, finishedAt: new Date() },
  });
  if (count !== 1) return false;
  const extra = [
    run.failed > 0 ? "Each failed order has its own entry in the log with Retry." : "",
    run.lastError?.startsWith(LISTING_STOPPED) ? run.lastError : "",
  ].filter(Boolean);
  await writeSyncLog(db, {
    shopDomain: run.shopDomain,
    status: "done",
    message: [`Historical import finished: ${run.done} invoices made, ${run.skipped} skipped, ${run.failed} failed.`, ...extra].join(" "),
    detail: { importId: run.id, total: run.total, listed: run.listed, done: run.done, skipped: run.skipped, failed: run.failed },
  });
  return true;
}

/**
 * A run still marked running whose jobs are all gone cannot move any more: its tasks were stopped from
 * outside (the app was uninstalled, which stops a shop's queued tasks). It is closed as cancelled, in
 * words, so that the progress bar does not wait forever and a new import can start. A run younger than a
 * minute is left alone: its first job may still be on its way (an `enqueue` outside the run's commit).
 */
export async function closeIfOrphaned(db: Db, run: ImportRunRow, now = new Date()): Promise<boolean> {
  if (run.status !== "running" || now.getTime() - run.updatedAt.getTime() < 60_000) return false;
  if ((await db.job.count({ where: liveJobsOf(run) })) > 0) return false;
  const lastError = "The import stopped because its background tasks were stopped (for example when the app was uninstalled). Start it again to import the rest; orders already invoiced are skipped.";
  const { count } = await db.importRun.updateMany({
    where: { id: run.id, status: "running", updatedAt: run.updatedAt },
    data: { status: "cancelled", runningShop: null, finishedAt: now, lastError },
  });
  if (count !== 1) return false;
  await writeSyncLog(db, {
    shopDomain: run.shopDomain,
    status: "failed",
    message: `Historical import stopped: ${run.done} invoices made, ${run.skipped} skipped, ${run.failed} failed. ${lastError}`,
    detail: { importId: run.id },
  });
  return true;
}
