// Retry, as the merchant presses it in the sync log: a failed job is queued again, with fresh attempts.
import type { Db } from "../db.server";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { notifyJobEnqueued } from "./queue";

export async function retryJob(db: Db, input: { shopDomain: string; jobId: string }): Promise<"queued" | "not-failed"> {
  // Conditional: only a failed job of this shop; a job that is queued or running already is left alone.
  const { count } = await db.job.updateMany({
    where: { id: input.jobId, shopDomain: input.shopDomain, status: "failed" },
    data: { status: "queued", runAt: new Date(), attempts: 0, lastError: null, finishedAt: null },
  });
  if (count === 0) return "not-failed";
  const job = await db.job.findUniqueOrThrow({ where: { id: input.jobId } });
  const orderId = (JSON.parse(job.payload) as { orderId?: string }).orderId ?? null;
  await writeSyncLog(db, { shopDomain: input.shopDomain, orderId, jobId: job.id, status: "queued", message: "Retry requested: the task will run again shortly." });
  notifyJobEnqueued();
  return "queued";
}
