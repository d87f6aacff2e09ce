// The embedded queue adapter: a worker that polls the Job table (and wakes at once when a job is
// committed in this process). What running a job means is in job-runner.server.ts.
import { onJobEnqueued } from "./queue";
import { drainUntilIdle, JobRunner, type RunnerOptions } from "./job-runner.server";

export type WorkerOptions = RunnerOptions & { concurrency?: number; pollMs?: number };

export class EmbeddedWorker {
  private readonly runner: JobRunner;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private running = new Map<string, Promise<void>>();
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private nextLeaseCheck = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(options: WorkerOptions) {
    this.runner = new JobRunner(options);
    this.concurrency = options.concurrency ?? 4;
    this.pollMs = options.pollMs ?? 500;
  }

  get workerId() {
    return this.runner.workerId;
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
   * Work until nothing is due. Jobs delayed by less than `waitForDelayedMs` (retries in backoff) count
   * as due, so that a drain sees them through.
   */
  drain(options: { timeoutMs?: number; waitForDelayedMs?: number } = {}) {
    return drainUntilIdle(
      this.runner.db,
      async () => {
        await this.tick();
        await Promise.allSettled(this.running.values());
      },
      options,
    );
  }

  private poke() {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.ticking = this.tick()
      .catch((error: unknown) => this.runner.logger.error({ err: error }, "worker poll failed"))
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

  /** One pass: recover expired leases (now and then), then take due jobs up to the concurrency limit. */
  async tick() {
    if (Date.now() >= this.nextLeaseCheck) {
      this.nextLeaseCheck = Date.now() + Math.min(5_000, this.runner.leaseMs / 2);
      await this.runner.recoverExpiredLeases();
    }
    const free = this.concurrency - this.running.size;
    if (free <= 0) return;
    const groupsTaken = new Set<string>();
    for (const candidate of await this.runner.dueJobs(free * 4)) {
      if (this.running.size >= this.concurrency) break;
      if (candidate.groupKey && groupsTaken.has(candidate.groupKey)) continue;
      const acquired = await this.runner.acquire(candidate);
      if (!acquired.row) continue;
      if (candidate.groupKey) groupsTaken.add(candidate.groupKey);
      const id = acquired.row.id;
      const run = this.runner.run(acquired.row).finally(() => {
        this.running.delete(id);
        this.poke();
      });
      this.running.set(id, run);
    }
  }
}
