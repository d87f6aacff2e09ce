// The reconciliation sweep: the orders whose webhooks never arrived are found and invoiced anyway.
//
// Shopify retries a failed delivery for a while and then gives up, and a delivery can be lost on the way, so
// webhooks alone lose orders now and then. Every RECONCILE_EVERY_MINUTES (5 by default; also on the Sync
// log page's button), each installed shop with an accounting system gets one `reconcile.sweep` job, which
// lists the orders changed in Shopify since the last sweep (updated_at, a page of 100 at a time, waiting
// out Shopify's cost bucket rather than failing on it) and gives `order.reconcile` to each order that
// - has no document yet,
// - and no task of its own that is pending or was made after the order last changed (its webhook came).
// `order.reconcile` is the normal order sync (rules, plan, provider, exactly once), so an order that a late
// webhook handles meanwhile is not documented twice, and an order the rules skip is logged as skipped.
// The sweep leaves out the last minute (webhooks of just now are still on their way) and keeps its place
// (Shop.sweptUntil) only when it listed everything, so that a sweep that failed midway is done again.
import type { Db } from "../db.server";
import { enqueueJob } from "../jobs/enqueue.server";
import { orderGroupKey, type JobContext } from "../jobs/queue";
import { waitingOutThrottle } from "../import/shopify-throttle";
import type { Logger } from "../lib/logger.server";
import type { ShopifyAdminClient } from "../shopify/admin-client.server";
import { ORDERS_UPDATED_SINCE } from "../shopify/graphql";
import { writeSyncLog } from "../sync-log/sync-log.server";

/** Webhooks of the last minute may still be on their way: the sweep stops short of them. */
export const SETTLE_MS = 60_000;
/** A shop's first sweep looks back this far (older orders are the historical import's). */
const FIRST_LOOKBACK_MS = 24 * 60 * 60_000;
/** A task made this long before the order's updated_at still counts as its webhook (clock skew). */
const SKEW_MS = 5_000;
/** At most this many orders are named in the sync-log line. */
const NAMED = 10;

export type SweepSummary = { checked: number; queued: number; orders: string[]; by: "schedule" | "staff"; since: string; until: string };

/** One sweep job per installed, connected shop for this slot of time; a second call in the same slot adds none. */
export async function scheduleSweeps(db: Db, input: { now: Date; everyMs: number }): Promise<number> {
  const shops = await db.shop.findMany({ where: { status: "installed" }, select: { shopDomain: true } });
  const connected = new Set(
    (await db.connection.findMany({ where: { shopDomain: { in: shops.map((s) => s.shopDomain) }, status: "active" }, select: { shopDomain: true } })).map((c) => c.shopDomain),
  );
  const slot = Math.floor(input.now.getTime() / input.everyMs);
  let queued = 0;
  for (const shopDomain of connected) {
    const { created } = await enqueueJob(db, { type: "reconcile.sweep", shopDomain, uniqueKey: `reconcile.sweep:${shopDomain}:${slot}`, groupKey: sweepGroup(shopDomain), payload: { by: "schedule" } });
    if (created) queued += 1;
  }
  return queued;
}

/** The Sync log page's button: a sweep now (one per click). */
export async function requestSweep(db: Db, input: { shopDomain: string; requestId: string }) {
  return enqueueJob(db, { type: "reconcile.sweep", shopDomain: input.shopDomain, uniqueKey: `reconcile.sweep:${input.shopDomain}:staff:${input.requestId}`, groupKey: sweepGroup(input.shopDomain), payload: { by: "staff" } });
}

const sweepGroup = (shopDomain: string) => `${shopDomain}:reconcile`;

/** Schedules the sweeps every `everyMinutes` (0: never) from a worker process; returns the stop. */
export function startSweepSchedule(input: { db: Db; logger: Logger; everyMinutes: number; now?: () => Date }): () => void {
  if (input.everyMinutes <= 0) return () => {};
  const everyMs = input.everyMinutes * 60_000;
  const tick = () =>
    scheduleSweeps(input.db, { now: input.now?.() ?? new Date(), everyMs }).catch((error: unknown) => input.logger.error({ err: error }, "scheduling the reconciliation sweep failed; the next tick tries again"));
  // Each process ticks; the slot's unique key makes one job of it, whichever process is first.
  const timer = setInterval(() => void tick(), Math.min(everyMs, 60_000));
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}

type OrdersPage = {
  orders: { nodes: Array<{ legacyResourceId: string; name: string; updatedAt: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

export type SweepDeps = { db: Db; adminClientFor: (shop: string) => Promise<ShopifyAdminClient>; now?: () => Date };

/** `reconcile.sweep`: the shop's orders changed since the last sweep, each without a document or a task of its own queued. */
export async function sweepShop(context: JobContext, deps: SweepDeps): Promise<SweepSummary | null> {
  const { job } = context;
  const { db } = deps;
  const shop = await db.shop.findUnique({ where: { shopDomain: job.shopDomain } });
  if (!shop || shop.status !== "installed") return null;
  const now = deps.now?.() ?? new Date();
  const until = new Date(now.getTime() - SETTLE_MS);
  const since = shop.sweptUntil ?? new Date(Math.max(shop.installedAt.getTime(), now.getTime() - FIRST_LOOKBACK_MS));
  const by = job.payload.by === "staff" ? "staff" : "schedule";
  const summary: SweepSummary = { checked: 0, queued: 0, orders: [], by, since: since.toISOString(), until: until.toISOString() };
  if (since < until) {
    const admin = waitingOutThrottle(await deps.adminClientFor(job.shopDomain));
    const query = `updated_at:>'${since.toISOString()}' AND updated_at:<='${until.toISOString()}'`;
    let after: string | null = null;
    do {
      const page: OrdersPage = await admin.request<OrdersPage>(ORDERS_UPDATED_SINCE, { query, after });
      for (const node of page.orders.nodes) {
        summary.checked += 1;
        if (await queueIfMissed(db, job.shopDomain, node)) {
          summary.queued += 1;
          summary.orders.push(node.name);
        }
      }
      after = page.orders.pageInfo.hasNextPage ? page.orders.pageInfo.endCursor : null;
    } while (after);
  }
  await db.shop.update({
    where: { shopDomain: job.shopDomain },
    data: { sweptUntil: since < until ? until : shop.sweptUntil, lastSweepAt: now, lastSweep: JSON.stringify(summary) },
  });
  // A sweep that found nothing says so only when staff asked for it; the Sync log page shows the last one.
  if (summary.queued > 0 || by === "staff") await writeSyncLog(db, { shopDomain: job.shopDomain, jobId: job.id, status: summary.queued > 0 ? "info" : "done", message: describeSweep(summary) });
  return summary;
}

/** The order's change reached the app (a task of its own), or it has a document: nothing to do. Else its sync is queued. */
async function queueIfMissed(db: Db, shopDomain: string, node: { legacyResourceId: string; name: string; updatedAt: string }): Promise<boolean> {
  const orderId = node.legacyResourceId;
  const groupKey = orderGroupKey(shopDomain, orderId);
  const changed = new Date(node.updatedAt);
  const [document, seen] = await Promise.all([
    db.document.findFirst({ where: { shopDomain, orderId, kind: "invoice" }, select: { id: true } }),
    db.job.findFirst({ where: { groupKey, OR: [{ status: { in: ["queued", "running"] } }, { createdAt: { gte: new Date(changed.getTime() - SKEW_MS) } }] }, select: { id: true } }),
  ]);
  if (document || seen) return false;
  const { created } = await enqueueJob(db, {
    type: "order.reconcile",
    shopDomain,
    uniqueKey: `order.reconcile:${shopDomain}:${orderId}:${node.updatedAt}`,
    groupKey,
    payload: { orderId, name: node.name, updatedAt: node.updatedAt },
  });
  return created;
}

export function describeSweep(summary: SweepSummary): string {
  const window = `changed in Shopify since ${summary.since.slice(0, 16).replace("T", " ")} UTC`;
  if (summary.queued === 0) return `Checked for missed orders: ${summary.checked} order(s) ${window}; each had reached the app. Nothing was missing.`;
  const named = summary.orders.slice(0, NAMED).join(", ") + (summary.orders.length > NAMED ? `, and ${summary.orders.length - NAMED} more` : "");
  return `Checked for missed orders: ${summary.queued} of ${summary.checked} order(s) ${window} never reached the app through Shopify's notifications (${named}). They are being processed now.`;
}
