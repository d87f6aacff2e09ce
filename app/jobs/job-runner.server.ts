// What running a job means, whoever feeds the jobs (the embedded worker's polling, or BullMQ):
// - a job is taken with a conditional update (queued → running), so two workers never take one job;
// - jobs of one group (one order, or one shop) never overlap: a job first takes its group's row in
//   JobGroupLock, by insert (unique) or by taking over an expired lease;
// - a running job holds a lease that it renews; when its worker dies the lease runs out and the job is
//   queued again (or failed, if that was its last attempt);
// - failures are read by error class: retryable → backoff with jitter (Retry-After wins), permanent or
//   auth → stop; after the last attempt the job is failed, in the sync log.
// Every step is one conditional statement, so it holds on SQLite and PostgreSQL alike.
import os from "node:os";
import type { Db, Prisma } from "../db.server";
import type { Logger } from "../lib/logger.server";
import { classify, RetryableError } from "../lib/errors";
import { isUniqueViolation } from "../db/errors";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { backoffDelayMs, type JobHandler, type JobRecord } from "./queue";
import { withLeaseCheck } from "./lease";
import type { JobType } from "./topics";

export type JobRow = Awaited<ReturnType<Db["job"]["findMany"]>>[number];

export type RunnerOptions = {
  db: Db;
  logger: Logger;
  handlers: Record<JobType, JobHandler>;
  leaseMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Worker identity in leases; unique per process by default. */
  workerId?: string;
  /** The jitter source (tests pass a fixed one). */
  random?: () => number;
};

export type Acquired = { row: JobRow } | { row?: undefined; reason: "gone" | "not-due" | "group-busy" | "taken" };

export class JobRunner {
  readonly db: Db;
  readonly logger: Logger;
  readonly leaseMs: number;
  readonly workerId: string;
  private readonly handlers: Record<JobType, JobHandler>;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly random: () => number;

  constructor(options: RunnerOptions) {
    this.db = options.db;
    this.logger = options.logger;
    this.handlers = options.handlers;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 5_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 60 * 60_000;
    this.random = options.random ?? Math.random;
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  }

  /** Queued jobs whose time has come, oldest first. */
  dueJobs(limit: number): Promise<JobRow[]> {
    return this.db.job.findMany({
      where: { status: "queued", runAt: { lte: new Date() } },
      orderBy: [{ runAt: "asc" }, { createdAt: "asc" }],
      take: limit,
    });
  }

  /** Takes a job for this worker: its group first, then the job itself. */
  async acquire(candidate: JobRow): Promise<Acquired> {
    if (candidate.groupKey && !(await this.lockGroup(candidate.groupKey, candidate.id))) {
      return { reason: "group-busy" };
    }
    const leaseUntil = new Date(Date.now() + this.leaseMs);
    const { count } = await this.db.job.updateMany({
      where: { id: candidate.id, status: "queued", runAt: { lte: new Date() } },
      data: { status: "running", leaseOwner: this.workerId, leaseUntil, attempts: { increment: 1 } },
    });
    if (count !== 1) {
      if (candidate.groupKey) await this.unlockGroup(candidate.groupKey);
      return { reason: "taken" };
    }
    return { row: { ...candidate, status: "running", attempts: candidate.attempts + 1, leaseOwner: this.workerId, leaseUntil } };
  }

  async acquireById(id: string): Promise<Acquired> {
    const row = await this.db.job.findUnique({ where: { id } });
    if (!row || row.status !== "queued") return { reason: "gone" };
    if (row.runAt.getTime() > Date.now()) return { reason: "not-due" };
    return this.acquire(row);
  }

  /** Runs an acquired job to its outcome, renewing its lease meanwhile. */
  async run(row: JobRow): Promise<void> {
    const job = toRecord(row);
    const heartbeat = setInterval(() => {
      void this.renewLease(row).catch((error: unknown) => this.logger.warn({ err: error, jobId: row.id }, "lease renewal failed"));
    }, Math.max(250, Math.floor(this.leaseMs / 3)));
    try {
      const handler = this.handlers[job.type];
      if (!handler) throw new Error(`no handler for job type ${job.type}`);
      await withLeaseCheck({ jobId: row.id, attempt: row.attempts }, () => this.holds(row), () => handler({ job, lastAttempt: job.attempts >= job.maxAttempts }));
      await this.finish(row, { status: "done", finishedAt: new Date(), lastError: null });
    } catch (thrown) {
      await this.fail(row, job, thrown);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Jobs whose worker died: their lease ran out. Queue them again, or fail them if out of attempts. */
  async recoverExpiredLeases() {
    const expired = await this.db.job.findMany({ where: { status: "running", leaseUntil: { lt: new Date() } }, take: 100 });
    for (const row of expired) {
      const outOfAttempts = row.attempts >= row.maxAttempts;
      const { count } = await this.db.job.updateMany({
        where: { id: row.id, status: "running", leaseUntil: row.leaseUntil },
        data: outOfAttempts
          ? { status: "failed", finishedAt: new Date(), leaseOwner: null, leaseUntil: null, lastError: "worker stopped during the last attempt" }
          : { status: "queued", runAt: new Date(), leaseOwner: null, leaseUntil: null, lastError: "worker stopped before finishing" },
      });
      if (count !== 1) continue;
      this.logger.warn({ jobId: row.id, owner: row.leaseOwner }, outOfAttempts ? "expired job failed" : "expired job requeued");
      await writeSyncLog(this.db, {
        shopDomain: row.shopDomain,
        jobId: row.id,
        orderId: orderIdOf(row),
        status: outOfAttempts ? "failed" : "retrying",
        message: outOfAttempts
          ? "A background task stopped during its last attempt and was not finished. Use Retry to run it again."
          : "A background task was interrupted (the app restarted); it is being run again.",
        detail: { jobType: row.type, attempt: row.attempts },
      });
    }
  }

  private async lockGroup(groupKey: string, jobId: string): Promise<boolean> {
    const leaseUntil = new Date(Date.now() + this.leaseMs);
    try {
      await this.db.jobGroupLock.create({ data: { groupKey, owner: this.workerId, jobId, leaseUntil } });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // Held: take it over only if its holder's lease ran out (the holder died).
    const { count } = await this.db.jobGroupLock.updateMany({
      where: { groupKey, leaseUntil: { lt: new Date() } },
      data: { owner: this.workerId, jobId, leaseUntil },
    });
    return count === 1;
  }

  private async unlockGroup(groupKey: string) {
    await this.db.jobGroupLock.deleteMany({ where: { groupKey, owner: this.workerId } });
  }

  /**
   * Whether this worker still holds the job with time to spare (a third of the lease, which a renewal restores
   * to a full lease), so that no other run of it can start during the step that follows. A job of a group is
   * held through its group: every run of a grouped job (and of its order's other jobs) takes the group first,
   * so while the group is this run's, nothing else of the order runs. One statement either way.
   */
  private async holds(row: JobRow): Promise<boolean> {
    const margin = new Date(Date.now() + Math.floor(this.leaseMs / 3));
    if (row.groupKey) {
      return (await this.db.jobGroupLock.count({ where: { groupKey: row.groupKey, owner: this.workerId, jobId: row.id, leaseUntil: { gt: margin } } })) === 1;
    }
    return (await this.db.job.count({ where: { id: row.id, leaseOwner: this.workerId, status: "running", leaseUntil: { gt: margin } } })) === 1;
  }

  private async renewLease(row: JobRow) {
    const leaseUntil = new Date(Date.now() + this.leaseMs);
    await this.db.job.updateMany({ where: { id: row.id, leaseOwner: this.workerId, status: "running" }, data: { leaseUntil } });
    if (row.groupKey) {
      await this.db.jobGroupLock.updateMany({ where: { groupKey: row.groupKey, owner: this.workerId }, data: { leaseUntil } });
    }
  }

  /**
   * Writes the outcome, and releases the group, in one commit: only if this worker still holds the job
   * (its lease was not taken over).
   */
  private async finish(row: JobRow, data: Prisma.JobUpdateManyMutationInput) {
    const [{ count }] = await this.db.$transaction([
      this.db.job.updateMany({
        where: { id: row.id, leaseOwner: this.workerId, status: "running" },
        data: { ...data, leaseOwner: null, leaseUntil: null },
      }),
      this.db.jobGroupLock.deleteMany({ where: { groupKey: row.groupKey ?? "", owner: this.workerId } }),
    ]);
    return count === 1;
  }

  private async fail(row: JobRow, job: JobRecord, thrown: unknown) {
    const error = classify(thrown);
    const orderId = typeof job.payload.orderId === "string" ? job.payload.orderId : null;
    const detail = { jobType: job.type, attempt: job.attempts, code: error.code, error: error.message };
    this.logger.warn({ jobId: job.id, type: job.type, attempt: job.attempts, code: error.code, err: error.message }, "job failed");
    const lastAttempt = job.attempts >= job.maxAttempts;
    if (error.kind === "retryable" && !lastAttempt) {
      const delay = backoffDelayMs(job.attempts, {
        baseMs: this.backoffBaseMs,
        maxMs: this.backoffMaxMs,
        retryAfterMs: error instanceof RetryableError ? error.retryAfterMs : undefined,
        random: this.random,
      });
      const runAt = new Date(Date.now() + delay);
      if (await this.finish(row, { status: "queued", runAt, lastError: error.message })) {
        await writeSyncLog(this.db, {
          shopDomain: job.shopDomain,
          orderId,
          jobId: job.id,
          status: "retrying",
          message: `${error.merchantMessage} Attempt ${job.attempts} of ${job.maxAttempts} failed; the next one is at ${runAt.toISOString()}.`,
          detail: { ...detail, delayMs: delay, nextAttemptAt: runAt.toISOString() },
        });
      }
      return;
    }
    if (await this.finish(row, { status: "failed", finishedAt: new Date(), lastError: error.message })) {
      const why =
        error.kind === "retryable"
          ? `It was tried ${job.attempts} times without success. Use Retry when the cause is fixed.`
          : "It will not be retried automatically. Fix the cause, then use Retry.";
      await writeSyncLog(this.db, {
        shopDomain: job.shopDomain,
        orderId,
        jobId: job.id,
        status: "failed",
        message: `${error.merchantMessage} ${why}`,
        detail,
      });
    }
  }
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    type: row.type as JobType,
    shopDomain: row.shopDomain,
    uniqueKey: row.uniqueKey,
    groupKey: row.groupKey,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
  };
}

function orderIdOf(row: JobRow): string | null {
  const payload = JSON.parse(row.payload) as { orderId?: unknown };
  return typeof payload.orderId === "string" ? payload.orderId : null;
}

/** Work until nothing is due (for tests and `--once` runs); shared by both adapters. */
export async function drainUntilIdle(
  db: Db,
  step: () => Promise<void>,
  options: { timeoutMs?: number; waitForDelayedMs?: number } = {},
) {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    await step();
    const horizon = new Date(Date.now() + (options.waitForDelayedMs ?? 0));
    const due = await db.job.count({ where: { OR: [{ status: "queued", runAt: { lte: horizon } }, { status: "running" }] } });
    if (due === 0) return;
    if (Date.now() > deadline) throw new Error(`drain timed out with ${due} job(s) due`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
