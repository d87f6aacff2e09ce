// The dashboard's figures for one shop: documents made today and in the last 7 days, the failures that
// need the merchant, the connection's health, and whether the verification period still holds automatic
// booking back (the banner every page shows until the merchant confirms).
import type { Db } from "../db.server";
import { readShopSettings } from "../invoicing/settings";
import { bookingConfirmed } from "../invoicing/rules";
import { NAMES } from "../providers/registry";
import type { ProviderType } from "../providers/provider";

export type Verification =
  | { state: "running"; endsOn: string }
  | { state: "awaiting-confirmation" }
  | { state: "confirmed" };

export type Dashboard = {
  documents: { today: number; last7Days: number; creditNotesLast7Days: number };
  failures: Array<{ id: string; at: string; orderName: string | null; message: string; jobId: string | null }>;
  failureCount: number;
  connection: { name: string; status: string; message: string | null; since: string; verifiedAt: string | null } | null;
  verification: Verification;
};

/** Where automatic booking stands: held back during the verification period, and until the merchant confirms. */
export function verificationOf(shop: { verificationStartedAt: Date; settings: string } | null, now: Date): Verification {
  const rules = readShopSettings(shop?.settings).rules;
  const startedAt = shop?.verificationStartedAt ?? now;
  const endsOn = new Date(startedAt.getTime() + rules.verificationDays * 86_400_000);
  if (bookingConfirmed(rules, startedAt)) return { state: "confirmed" };
  if (now < endsOn) return { state: "running", endsOn: endsOn.toISOString().slice(0, 10) };
  return { state: "awaiting-confirmation" };
}

export async function loadDashboard(db: Db, shopDomain: string, now = new Date()): Promise<Dashboard> {
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
  const made = { shopDomain, state: "finalized" } as const;
  const [today, last7Days, creditNotesLast7Days, failedJobs, shop, connection] = await Promise.all([
    db.document.count({ where: { ...made, kind: "invoice", updatedAt: { gte: startOfDay } } }),
    db.document.count({ where: { ...made, kind: "invoice", updatedAt: { gte: weekAgo } } }),
    db.document.count({ where: { ...made, kind: "creditNote", updatedAt: { gte: weekAgo } } }),
    db.job.findMany({ where: { shopDomain, status: "failed" }, select: { id: true }, orderBy: { finishedAt: "desc" }, take: 200 }),
    db.shop.findUnique({ where: { shopDomain } }),
    db.connection.findFirst({ where: { shopDomain, status: { in: ["active", "paused"] } }, orderBy: { createdAt: "asc" } }),
  ]);
  // A failure that needs the merchant is a failed job; its latest log entry says why, in words.
  const entries = await db.syncLogEntry.findMany({
    where: { shopDomain, status: "failed", jobId: { in: failedJobs.map((j) => j.id) } },
    orderBy: { createdAt: "desc" },
  });
  // Newest first: the first entry of each job is its latest.
  const latestPerJob = entries.filter((e, i) => entries.findIndex((other) => other.jobId === e.jobId) === i);
  return {
    documents: { today, last7Days, creditNotesLast7Days },
    failures: latestPerJob.slice(0, 5).map((e) => ({ id: e.id, at: e.createdAt.toISOString(), orderName: e.orderName, message: e.message, jobId: e.jobId })),
    failureCount: latestPerJob.length,
    connection: connection
      ? { name: NAMES[connection.providerType as ProviderType] ?? connection.providerType, status: connection.status, message: connection.statusMessage, since: connection.updatedAt.toISOString(), verifiedAt: connection.verifiedAt?.toISOString() ?? null }
      : null,
    verification: verificationOf(shop, now),
  };
}
