// The embedded queue adapter's worker: it works the Job table from inside the app process.
//
// - Claiming is a conditional update (status queued → running), so two workers never take one job.
// - A job holds a lease that it renews while it runs; when its worker dies, the lease runs out and the
//   job is queued again (or failed, if that was its last attempt).
// - Jobs of one group (one order, or one shop) never overlap: a job first takes its group's row in
//   JobGroupLock, by insert (unique) or by taking over an expired lease, before it is claimed.
// Every step is a single conditional statement, so it holds on SQLite and on PostgreSQL alike.
import os from "node:os";
import type { Db, Prisma } from "../db.server";
import type { Logger } from "../lib/logger.server";
import { classify, RetryableError } from "../lib/errors";
import { isUniqueViolation } from "../db/errors";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { backoffDelayMs, onJobEnqueued, type JobHandler, type JobRecord } from "./queue";
import type { JobType } from "./topics";

export type WorkerOptions = {
  db: Db;
  logger: Logger;
  handlers: Record<JobType, JobHandler>;
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Worker identity in leases; unique per process by default. */
  workerId?: string;
  /** The jitter source (tests pass a fixed one). */
  random?: () => number;
};

type JobRow = Awaited<ReturnType<Db["job"]["findMany"]>>[number];

export class EmbeddedWorker {
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly handlers: Record<JobType, JobHandler>;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly random: () => number;
  readonly workerId: string;

  private running = new Map<string, Promise<void>>();
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private nextLeaseCheck = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(options: WorkerOptions) {
    this.db = options.db;
    this.logger = options.logger;
    this.handlers = options.handlers;
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 500;
    this.backoffBaseMs = options.backoffBaseMs ?? 5_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 60 * 60_000;
    this.random = options.random ?? Math.random;
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = onJobEnqueued(() => this.poke());
    this.poke();
  }

  /** Stops claiming; waits for the jobs in hand to finish. */
  async stop() {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled(this.running.values());
  }

  /**
   * Work until nothing is due (for tests and `--once` runs). Jobs delayed by less than `waitForDelayedMs`
   * (retries in backoff) count as due, so that a drain sees them through.
   */
  async drain(options: { timeoutMs?: number; waitForDelayedMs?: number } = {}) {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      await this.tick();
      await Promise.allSettled(this.running.values());
      const horizon = new Date(Date.now() + (options.waitForDelayedMs ?? 0));
      const due = await this.db.job.count({
        where: { OR: [{ status: "queued", runAt: { lte: horizon } }, { status: "running" }] },
      });
      if (due === 0 && this.running.size === 0) return;
      if (Date.now() > deadline) throw new Error(`worker drain timed out with ${due} job(s) due`);
      await sleep(20);
    }
  }

  private poke() {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.ticking = this.tick()
      .catch((error: unknown) => this.logger.error({ err: error }, "worker poll failed"))
      .finally(() => {
        this.ticking = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.poke();
        } else {
          this.timer = setTimeout(() => this.poke(), this.pollMs);
        }
      });
  }

  /** One pass: recover expired leases (now and then), then claim due jobs up to the concurrency limit. */
  async tick() {
    if (Date.now() >= this.nextLeaseCheck) {
      this.nextLeaseCheck = Date.now() + Math.min(5_000, this.leaseMs / 2);
      await this.recoverExpiredLeases();
    }
    const free = this.concurrency - this.running.size;
    if (free <= 0) return;
    const now = new Date();
    const candidates = await this.db.job.findMany({
      where: { status: "queued", runAt: { lte: now } },
      orderBy: [{ runAt: "asc" }, { createdAt: "asc" }],
      take: free * 4,
    });
    const groupsTaken = new Set<string>();
    for (const candidate of candidates) {
      if (this.running.size >= this.concurrency) break;
      if (candidate.groupKey && groupsTaken.has(candidate.groupKey)) continue;
      if (candidate.groupKey && !(await this.lockGroup(candidate.groupKey, candidate.id))) continue;
      const claimed = await this.claim(candidate);
      if (!claimed) {
        if (candidate.groupKey) await this.unlockGroup(candidate.groupKey);
        continue;
      }
      if (candidate.groupKey) groupsTaken.add(candidate.groupKey);
      const run = this.run(claimed).finally(() => {
        this.running.delete(claimed.id);
        this.poke();
      });
      this.running.set(claimed.id, run);
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

  private async claim(candidate: JobRow): Promise<JobRow | undefined> {
    const leaseUntil = new Date(Date.now() + this.leaseMs);
    const { count } = await this.db.job.updateMany({
      where: { id: candidate.id, status: "queued" },
      data: { status: "running", leaseOwner: this.workerId, leaseUntil, attempts: { increment: 1 } },
    });
    if (count !== 1) return undefined;
    return { ...candidate, status: "running", attempts: candidate.attempts + 1, leaseOwner: this.workerId, leaseUntil };
  }

  private async run(row: JobRow) {
    const job = toRecord(row);
    const heartbeat = setInterval(() => {
      void this.renewLease(row).catch((error: unknown) => this.logger.warn({ err: error, jobId: row.id }, "lease renewal failed"));
    }, Math.max(250, Math.floor(this.leaseMs / 3)));
    try {
      const handler = this.handlers[job.type];
      if (!handler) throw new Error(`no handler for job type ${job.type}`);
      await handler({ job, lastAttempt: job.attempts >= job.maxAttempts });
      await this.finish(row, { status: "done", finishedAt: new Date(), lastError: null });
    } catch (thrown) {
      await this.fail(row, job, thrown);
    } finally {
      clearInterval(heartbeat);
    }
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

  /** Jobs whose worker died: their lease ran out. Queue them again, or fail them if out of attempts. */
  async recoverExpiredLeases() {
    const expired = await this.db.job.findMany({
      where: { status: "running", leaseUntil: { lt: new Date() } },
      take: 100,
    });
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

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
