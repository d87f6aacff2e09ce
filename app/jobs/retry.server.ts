// Retry, as the merchant presses it in the sync log: a failed job is queued again, with fresh attempts.
import type { Db } from "../db.server";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { notifyJobEnqueued } from "./queue";
import { SUBMITTING } from "../invoicing/issue-document.use-case";

export async function retryJob(db: Db, input: { shopDomain: string; jobId: string }): Promise<"queued" | "not-failed"> {
  // Conditional: only a failed job of this shop; a job that is queued or running already is left alone.
  const { count } = await db.job.updateMany({
    where: { id: input.jobId, shopDomain: input.shopDomain, status: "failed" },
    data: { status: "queued", runAt: new Date(), attempts: 0, lastError: null, finishedAt: null },
  });
  if (count === 0) return "not-failed";
  const job = await db.job.findUniqueOrThrow({ where: { id: input.jobId } });
  const orderId = (JSON.parse(job.payload) as { orderId?: string }).orderId ?? null;
  // A document whose making got no answer, in a system that cannot be asked, waits for the merchant to
  // look there (issue-document.use-case.ts); their Retry says they have, so it may be made again.
  const released = orderId
    ? await db.document.updateMany({ where: { shopDomain: input.shopDomain, orderId, state: SUBMITTING, providerRef: null }, data: { state: "claimed" } })
    : { count: 0 };
  await writeSyncLog(db, {
    shopDomain: input.shopDomain,
    orderId,
    jobId: job.id,
    status: "queued",
    message: `Retry requested: the task will run again shortly.${released.count > 0 ? " The document whose answer was lost will be made again." : ""}`,
  });
  notifyJobEnqueued();
  return "queued";
}
