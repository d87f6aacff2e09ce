// The sync log as the merchant reads it: filtered by status, failures that need action first, newest
// first otherwise, in pages; each entry's detail with secrets and personal data redacted; and Retry, one
// or many at once, for failed tasks of this shop only.
import { randomUUID } from "node:crypto";
import { env } from "../lib/env.server";
import { describeSweep, requestSweep, type SweepSummary } from "../reconcile/reconcile.server";
import type { Db } from "../db.server";
import { retryJob } from "../jobs/retry.server";

import { LOG_STATUSES, type LogStatus } from "./log-statuses";

export type LogEntry = {
  id: string;
  at: string;
  status: string;
  orderName: string | null;
  message: string;
  /** The task can be run again (its job failed and has not been retried since). */
  retryJobId: string | null;
  detail: string | null;
};

const PAGE_SIZE = 50;
/** At most this many failures are pinned above page 1; more of them follow in the list, newest first. */
const MAX_PINNED = 20;
const SECRET_KEYS = /secret|token|password|passwd|api[_-]?key|authorization|credential|signature/i;
const PERSONAL_KEYS = /e-?mail|phone|address|street|zip|postal|city|first_?name|last_?name|^name$|customer_?name|buyer/i;
const EMAIL = /[^\s"'<>@,;]+@[^\s"'<>@,;]+\.[a-z]{2,}/gi;

/** The detail JSON with secrets and personal data replaced, values and e-mail addresses inside text alike. */
export function redactDetail(detail: string | null): string | null {
  if (!detail) return null;
  const walk = (value: unknown, key = ""): unknown => {
    if (SECRET_KEYS.test(key) || PERSONAL_KEYS.test(key)) return "(redacted)";
    if (typeof value === "string") return value.replace(EMAIL, "(e-mail redacted)");
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  try {
    return JSON.stringify(walk(JSON.parse(detail)), null, 2);
  } catch {
    return detail.replace(EMAIL, "(e-mail redacted)");
  }
}

export async function loadSyncLog(db: Db, shopDomain: string, options: { status?: string | null; page?: number } = {}) {
  const status = LOG_STATUSES.includes(options.status as LogStatus) ? (options.status as LogStatus) : null;
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const failedJobs = await db.job.findMany({ where: { shopDomain, status: "failed" }, select: { id: true } });
  const retryable = new Set(failedJobs.map((j) => j.id));
  // Without a filter, failures that still need action come first (the latest entry of each failed task),
  // pinned above page 1 and left out of the pages below, so that paging neither skips nor repeats.
  const pinned = !status
    ? (await db.syncLogEntry.findMany({ where: { shopDomain, status: "failed", jobId: { in: [...retryable] } }, orderBy: { createdAt: "desc" } })).filter(
        (e, i, all) => all.findIndex((other) => other.jobId === e.jobId) === i,
      ).slice(0, MAX_PINNED)
    : [];
  const needsAction = page === 1 ? pinned : [];
  const where = { shopDomain, ...(status ? { status } : {}), ...(pinned.length ? { id: { notIn: pinned.map((e) => e.id) } } : {}) };
  const skip = page === 1 ? 0 : (page - 1) * PAGE_SIZE - pinned.length;
  const [rows, rest] = await Promise.all([
    db.syncLogEntry.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip, take: page === 1 ? PAGE_SIZE - pinned.length : PAGE_SIZE }),
    db.syncLogEntry.count({ where }),
  ]);
  const total = rest + pinned.length;
  // A task's failure is logged by the job runner, which knows the order's id but not its name: take the
  // name from the order's document or its other entries.
  const unnamed = [...new Set([...needsAction, ...rows].filter((e) => !e.orderName && e.orderId).map((e) => e.orderId!))];
  const named = unnamed.length
    ? await db.syncLogEntry.findMany({ where: { shopDomain, orderId: { in: unnamed }, orderName: { not: null } }, select: { orderId: true, orderName: true }, distinct: ["orderId"] })
    : [];
  const documents = unnamed.length
    ? await db.document.findMany({ where: { shopDomain, orderId: { in: unnamed }, orderName: { not: null } }, select: { orderId: true, orderName: true } })
    : [];
  const nameOf = new Map([...documents, ...named].map((n) => [n.orderId, n.orderName]));
  const entry = (e: (typeof rows)[number]): LogEntry => ({
    id: e.id,
    at: e.createdAt.toISOString(),
    status: e.status,
    orderName: e.orderName ?? (e.orderId ? (nameOf.get(e.orderId) ?? null) : null),
    message: e.message,
    retryJobId: e.status === "failed" && e.jobId && retryable.has(e.jobId) ? e.jobId : null,
    detail: redactDetail(e.detail),
  });
  return {
    status,
    page,
    hasNext: page * PAGE_SIZE < total,
    needsAction: pinned.length,
    entries: [...needsAction.map(entry), ...rows.map(entry)],
    sweep: await sweepState(db, shopDomain),
  };
}

/** The reconciliation sweep as the page shows it: how often it runs, the last one's outcome, whether one is under way. */
async function sweepState(db: Db, shopDomain: string) {
  const [shop, running] = await Promise.all([
    db.shop.findUnique({ where: { shopDomain }, select: { lastSweepAt: true, lastSweep: true } }),
    db.job.count({ where: { shopDomain, type: "reconcile.sweep", status: { in: ["queued", "running"] } } }),
  ]);
  let last: string | null = null;
  try {
    last = shop?.lastSweep ? describeSweep(JSON.parse(shop.lastSweep) as SweepSummary) : null;
  } catch {
    last = null;
  }
  return { everyMinutes: env().RECONCILE_EVERY_MINUTES, lastAt: shop?.lastSweepAt?.toISOString() ?? null, last, running: running > 0 };
}

/** "Check now": a sweep for missed orders at once (one per click). */
export function sweepNow(db: Db, shopDomain: string) {
  return requestSweep(db, { shopDomain, requestId: randomUUID() });
}

/** Retry of one or many failed tasks; another shop's task, or one not failed, is left alone. */
export async function retryTasks(db: Db, shopDomain: string, jobIds: string[]) {
  let queued = 0;
  for (const jobId of [...new Set(jobIds)].slice(0, 500)) {
    if ((await retryJob(db, { shopDomain, jobId })) === "queued") queued += 1;
  }
  return { queued, skipped: new Set(jobIds).size - queued };
}
