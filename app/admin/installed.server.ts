// An install, or an install after an uninstall (shopify.server.ts's afterAuth). A shop that comes back keeps
// what it had until shop/redact erases it 48 hours after the uninstall: its connection, its documents and its
// settings (the verification period does not start again). What the uninstall stopped resumes: the tasks it
// cancelled are queued again, and a check for missed orders runs at once for the orders changed meanwhile.
import type { Db } from "../db.server";
import { notifyJobEnqueued } from "../jobs/queue";
import { requestSweep } from "../reconcile/reconcile.server";
import { writeSyncLog } from "../sync-log/sync-log.server";

/** What the uninstall writes on the tasks it stops (app/jobs/handlers.server.ts). */
export const STOPPED_BY_UNINSTALL = "the app was uninstalled";

export async function onInstalled(db: Db, shopDomain: string, now = new Date()): Promise<{ reinstalled: boolean; resumed: number }> {
  const before = await db.shop.findUnique({ where: { shopDomain }, select: { status: true } });
  await db.shop.upsert({ where: { shopDomain }, update: { status: "installed", uninstalledAt: null }, create: { shopDomain } });
  if (before?.status !== "uninstalled") return { reinstalled: false, resumed: 0 };
  const { count } = await db.job.updateMany({
    where: { shopDomain, status: "cancelled", lastError: STOPPED_BY_UNINSTALL },
    data: { status: "queued", runAt: now, finishedAt: null, lastError: null, leaseOwner: null, leaseUntil: null },
  });
  await requestSweep(db, { shopDomain, requestId: `reinstall-${now.getTime()}` });
  notifyJobEnqueued();
  const kept = await db.document.count({ where: { shopDomain } });
  await writeSyncLog(db, {
    shopDomain,
    status: "info",
    message:
      `The app was installed again. The ${kept} document(s) made before are kept` +
      (count > 0 ? `, and the ${count} task(s) the uninstall stopped run now` : "") +
      ". Orders changed in Shopify meanwhile are being checked for.",
  });
  return { reinstalled: true, resumed: count };
}
