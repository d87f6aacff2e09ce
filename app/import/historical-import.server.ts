// The historical import, as the admin page uses it: how many orders a range and criteria cover, start,
// progress, cancel. The work itself is done by jobs (import-jobs.server.ts): one lists a page of orders
// at a time, one per order runs the normal order sync, so an imported order gets exactly the document a
// webhook would have made, once, paced like every other order.
import { z } from "zod";
import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/errors";
import { jobRow, notifyJobEnqueued, type JobSpec } from "../jobs/queue";
import { retryJob } from "../jobs/retry.server";
import { PermanentError, RetryableError } from "../lib/errors";
import type { ShopifyAdminClient } from "../shopify/admin-client.server";
import { ORDERS_COUNT } from "../shopify/graphql";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { describeCriteria, importSearchQuery, readImportCriteria, readImportRange, type ImportCriteria } from "./import-criteria";
import { closeIfOrphaned, liveJobsOf, pageJobSpec } from "./import-run.server";

export type ImportDeps = {
  db: Db;
  adminClientFor: (shop: string) => Promise<ShopifyAdminClient>;
  /**
   * Enqueues the run's first job. Absent (the app's case), the job row is written in the same commit as
   * the run (the Job table is the durable queue; see app/jobs/queue.ts), so a run never exists without it.
   */
  enqueue?: (spec: JobSpec) => Promise<unknown>;
  now?: () => Date;
};

export type ImportInput = { shopDomain: string; from: string; to: string; criteria: unknown };

export type ImportProgress = {
  id: string;
  status: string;
  from: string;
  to: string;
  criteria: ImportCriteria;
  total: number;
  listed: number;
  done: number;
  skipped: number;
  failed: number;
  /** 0..100: orders with a result over the larger of Shopify's count and the orders listed; 100 only when done. */
  percent: number;
  lastError: string | null;
  startedAt: string;
  finishedAt: string | null;
};

const countAnswer = z.object({ ordersCount: z.object({ count: z.number().int().nonnegative(), precision: z.enum(["EXACT", "AT_LEAST"]) }).nullable() });

function readInput(input: ImportInput, now: Date) {
  return { range: readImportRange(input, now), criteria: readImportCriteria(input.criteria) };
}

/** How many orders the range and criteria cover, by Shopify's own count. */
export async function countImport(
  deps: Pick<ImportDeps, "db" | "adminClientFor" | "now">,
  input: ImportInput,
): Promise<{ count: number; exact: boolean; /** Why the count may miss older orders, or null. */ note: string | null }> {
  const now = deps.now?.() ?? new Date();
  const { range, criteria } = readInput(input, now);
  const admin = await deps.adminClientFor(input.shopDomain);
  const answer = countAnswer.safeParse(await admin.request(ORDERS_COUNT, { query: importSearchQuery(range, criteria) }));
  if (!answer.success) {
    throw new RetryableError("shopify_garbled", "Shopify sent an answer the app could not read while counting the orders; try again in a moment.", {
      detail: answer.error.message,
    });
  }
  const note = (await olderThanShopifyShows(deps.db, input.shopDomain, range.from, now)) ? HISTORY_NOTE : null;
  return { count: answer.data.ordersCount?.count ?? 0, exact: answer.data.ordersCount?.precision !== "AT_LEAST", note };
}

/** Starts an import: checks the request, counts the orders, and records the run with its first job. */
export async function startImport(deps: ImportDeps, input: ImportInput): Promise<{ importId: string; total: number }> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const { range, criteria } = readInput(input, now);
  const connection = await db.connection.findFirst({ where: { shopDomain: input.shopDomain, status: "active" } });
  if (!connection) {
    throw new PermanentError(
      "import_no_connection",
      "Connect an accounting system before importing past orders: the import makes its documents there. (A paused connection has to be reconnected first.)",
    );
  }
  const running = await db.importRun.findUnique({ where: { runningShop: input.shopDomain } });
  if (running && !(await closeIfOrphaned(db, running, now))) throw alreadyRunning(running);

  const { count: total, note: historyNote } = await countImport(deps, input);
  if (total === 0) {
    throw new PermanentError(
      "import_nothing",
      `No orders created from ${range.from} to ${range.to} match the criteria (${describeCriteria(criteria)}), so there is nothing to import.`,
    );
  }

  const note = historyNote ? ` ${historyNote}` : "";
  const importId = crypto.randomUUID();
  const first = pageJobSpec({ id: importId, shopDomain: input.shopDomain }, null);
  try {
    await db.$transaction([
      db.importRun.create({
        data: {
          id: importId,
          shopDomain: input.shopDomain,
          createdFrom: range.createdFrom,
          createdTo: range.createdTo,
          criteria: JSON.stringify(criteria),
          status: "running",
          // Unique: a second start at the same moment fails here, whatever the check above saw.
          runningShop: input.shopDomain,
          total,
        },
      }),
      ...(deps.enqueue ? [] : [db.job.createMany({ data: [jobRow(first)] })]),
      writeSyncLog(db, {
        shopDomain: input.shopDomain,
        status: "info",
        message: `Historical import started: ${total} order(s) created from ${range.from} to ${range.to} (${describeCriteria(criteria)}). Orders that already have a document are skipped.${note}`,
        detail: { importId, from: range.from, to: range.to, criteria },
      }),
    ]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const other = await db.importRun.findUnique({ where: { runningShop: input.shopDomain } });
    throw alreadyRunning(other);
  }
  if (deps.enqueue) await deps.enqueue(first);
  else notifyJobEnqueued();
  return { importId, total };
}

/** Without read_all_orders, Shopify's Admin API returns only the orders of the last 60 days. */
const ORDER_HISTORY_DAYS = 60;
const HISTORY_NOTE = `Shopify shows the app only the last ${ORDER_HISTORY_DAYS} days of orders until it may read all orders (the read_all_orders access), so older orders of the range are not in this import.`;

async function olderThanShopifyShows(db: Db, shopDomain: string, from: string, now: Date) {
  const horizon = new Date(now.getTime() - ORDER_HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
  if (from >= horizon) return false;
  const session = await db.session.findFirst({ where: { shop: shopDomain, isOnline: false } });
  return session !== null && !(session.scope ?? "").split(",").includes("read_all_orders");
}

function alreadyRunning(run: { total: number; done: number; skipped: number; failed: number; createdAt: Date } | null) {
  const where = run ? ` (started ${run.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC, ${run.done + run.skipped + run.failed} of ${run.total} orders so far)` : "";
  return new PermanentError("import_running", `An import is already running${where}. Wait for it to finish, or cancel it, before starting another.`);
}

/** The shop's latest import, for the progress bar. */
export async function importProgress(db: Db, shopDomain: string): Promise<ImportProgress | null> {
  let run = await db.importRun.findFirst({ where: { shopDomain }, orderBy: { createdAt: "desc" } });
  if (!run) return null;
  if (await closeIfOrphaned(db, run)) run = await db.importRun.findUniqueOrThrow({ where: { id: run.id } });
  const settled = run.done + run.skipped + run.failed;
  const of = Math.max(run.total, run.listed);
  const percent = run.status === "done" ? 100 : of === 0 ? 0 : Math.min(99, Math.floor((settled * 100) / of));
  return {
    id: run.id,
    status: run.status,
    from: run.createdFrom.toISOString().slice(0, 10),
    to: run.createdTo.toISOString().slice(0, 10),
    criteria: readImportCriteria(JSON.parse(run.criteria)),
    total: run.total,
    listed: run.listed,
    done: run.done,
    skipped: run.skipped,
    failed: run.failed,
    percent,
    lastError: run.lastError,
    startedAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Cancels the shop's running import: no further page is listed, and the run's waiting order jobs are
 * cancelled. An order already in progress finishes (its document, if any, is kept). Nothing running: no-op.
 */
export async function cancelImport(db: Db, shopDomain: string): Promise<void> {
  const run = await db.importRun.findUnique({ where: { runningShop: shopDomain } });
  if (!run) return;
  const now = new Date();
  // One commit: a page being listed meanwhile fails its own conditional update on the run (no longer
  // running) and rolls back, or committed before and its jobs are cancelled here.
  const cancelled = { status: "cancelled", finishedAt: now, lastError: "the historical import was cancelled" };
  const [stopped, orders] = await db.$transaction([
    db.importRun.updateMany({ where: { id: run.id, status: "running" }, data: { status: "cancelled", runningShop: null, finishedAt: now } }),
    db.job.updateMany({ where: { ...liveJobsOf(run, ["import.order"]), status: "queued" }, data: cancelled }),
    db.job.updateMany({ where: { ...liveJobsOf(run, ["import.page"]), status: "queued" }, data: cancelled }),
  ]);
  if (stopped.count !== 1) return;
  const after = await db.importRun.findUniqueOrThrow({ where: { id: run.id } });
  await writeSyncLog(db, {
    shopDomain,
    status: "info",
    message: `Historical import cancelled: ${after.done} invoices made, ${after.skipped} skipped, ${after.failed} failed; ${orders.count} waiting order(s) were not imported.`,
    detail: { importId: run.id, cancelledOrders: orders.count },
  });
}

/** "Retry the failed orders" of the shop's latest import: each failed order's task runs again (sync log Retry, in bulk). */
export async function retryFailedImportOrders(db: Db, shopDomain: string): Promise<number> {
  const run = await db.importRun.findFirst({ where: { shopDomain }, orderBy: { createdAt: "desc" } });
  if (!run) return 0;
  const failed = await db.job.findMany({ where: { shopDomain, status: "failed", uniqueKey: { startsWith: `import.order:${run.id}:` } }, select: { id: true } });
  let queued = 0;
  for (const job of failed) if ((await retryJob(db, { shopDomain, jobId: job.id })) === "queued") queued += 1;
  return queued;
}
