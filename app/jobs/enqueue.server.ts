// Enqueueing outside the webhook intake (staff actions, sweeps): the unique key makes a second enqueue
// of the same job a no-op, decided by the insert itself.
import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/errors";
import { jobRow, notifyJobEnqueued, type JobSpec } from "./queue";

export async function enqueueJob(db: Pick<Db, "job">, spec: JobSpec): Promise<{ id: string; created: boolean }> {
  try {
    const job = await db.job.create({ data: jobRow(spec) });
    notifyJobEnqueued();
    return { id: job.id, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await db.job.findUniqueOrThrow({ where: { uniqueKey: spec.uniqueKey }, select: { id: true } });
    return { id: existing.id, created: false };
  }
}
