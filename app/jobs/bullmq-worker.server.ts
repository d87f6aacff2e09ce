// The BullMQ adapter, for several web and worker processes: Redis carries the work to the workers.
//
// The Job table stays the record of every job (it is written in the same transaction as its cause; see
// queue.ts), and BullMQ carries job ids: a relay adds each due job to the Redis queue, under a BullMQ
// id made of our id and attempt, so that relaying the same attempt twice adds it once. A worker takes a
// job id from Redis and runs it through the same JobRunner as the embedded adapter, so taking the job
// (a conditional update) and the per-order lock stay in the database: a job relayed twice, or whose
// order is busy, is never run twice or alongside. Retries are decided by the runner (runAt in the
// table) and relayed again when due. The relay runs on wake-ups (a job committed in this process) and
// on a timer, which also finds what a crash between commit and relay left behind.
import { DelayedError, Queue, Worker, type Job as BullJob } from "bullmq";
import { drainUntilIdle, JobRunner, type RunnerOptions } from "./job-runner.server";
import { onJobEnqueued } from "./queue";

export type BullmqOptions = RunnerOptions & {
  redisUrl: string;
  /** Redis key prefix; tests use one of their own. */
  prefix?: string;
  queueName?: string;
  concurrency?: number;
  /** How often the relay sweeps the table for due jobs. */
  pollMs?: number;
  /** How long a job waits in Redis before another try when its order is busy. */
  groupBusyDelayMs?: number;
};

type Payload = { id: string };

/** Due jobs read from the table per round of a sweep. */
const RELAY_BATCH = 500;

function connection(redisUrl: string) {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    // BullMQ workers block on Redis; they must not give up on a slow command.
    maxRetriesPerRequest: null,
  };
}

/** Adds the due jobs of the table to the Redis queue. Used by workers and by web processes alike. */
export class BullmqRelay {
  readonly queue: Queue<Payload>;
  private timer: NodeJS.Timeout | undefined;
  private relaying: Promise<void> | undefined;
  private again = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly runner: JobRunner,
    private readonly options: Pick<BullmqOptions, "redisUrl" | "prefix" | "queueName" | "pollMs">,
  ) {
    this.queue = new Queue<Payload>(options.queueName ?? "invoice-bridge-jobs", {
      connection: connection(options.redisUrl),
      prefix: options.prefix ?? "ib",
    });
  }

  start() {
    this.unsubscribe = onJobEnqueued(() => void this.relay());
    const loop = () => {
      this.timer = setTimeout(() => void this.relay().finally(loop), this.options.pollMs ?? 1000);
    };
    void this.relay();
    loop();
  }

  async stop() {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.relaying;
    await this.queue.close();
  }

  /** One sweep; concurrent calls fold into one more sweep after the current one. */
  relay(): Promise<void> {
    if (this.relaying) {
      this.again = true;
      return this.relaying;
    }
    this.relaying = (async () => {
      try {
        // Relayed jobs stay queued in the table until a worker takes them, so a sweep reads one batch: the
        // oldest due. It reads again when a wake-up came in meanwhile, even if it found nothing: that
        // job may have been committed after the read began.
        do {
          this.again = false;
          const due = await this.runner.dueJobs(RELAY_BATCH);
          if (due.length === 0) continue;
          await this.queue.addBulk(
            due.map((job) => ({
              name: job.type,
              data: { id: job.id },
              opts: { jobId: `${job.id}-${job.attempts}`, removeOnComplete: true, removeOnFail: 1000 },
            })),
          );
        } while (this.again);
      } catch (error) {
        this.runner.logger.error({ err: error }, "relaying jobs to Redis failed; the next sweep tries again");
      } finally {
        this.relaying = undefined;
      }
    })();
    return this.relaying;
  }
}

export class BullmqWorker {
  private readonly runner: JobRunner;
  private readonly relay: BullmqRelay;
  private worker: Worker<Payload> | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BullmqOptions) {
    this.runner = new JobRunner(options);
    this.relay = new BullmqRelay(this.runner, options);
  }

  get workerId() {
    return this.runner.workerId;
  }

  start() {
    this.worker = new Worker<Payload>(this.options.queueName ?? "invoice-bridge-jobs", (job, token) => this.process(job, token), {
      connection: connection(this.options.redisUrl),
      prefix: this.options.prefix ?? "ib",
      concurrency: this.options.concurrency ?? 4,
    });
    this.worker.on("error", (error) => this.runner.logger.error({ err: error }, "BullMQ worker error"));
    this.relay.start();
    const recover = () => {
      this.leaseTimer = setTimeout(
        () => void this.runner.recoverExpiredLeases().finally(recover),
        Math.min(5_000, this.runner.leaseMs / 2),
      );
    };
    void this.runner.recoverExpiredLeases();
    recover();
  }

  /** Stops taking jobs; waits for the jobs in hand to finish. */
  async stop() {
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    await this.worker?.close();
    await this.relay.stop();
  }

  /** Work until nothing is due (for tests): relay, and let the BullMQ workers run what was relayed. */
  drain(options: { timeoutMs?: number; waitForDelayedMs?: number } = {}) {
    return drainUntilIdle(this.runner.db, () => this.relay.relay(), options);
  }

  private async process(job: BullJob<Payload>, token?: string) {
    const acquired = await this.runner.acquireById(job.data.id);
    if (acquired.row) return this.runner.run(acquired.row);
    if (acquired.reason === "group-busy") {
      // Another job of the same order is running: come back shortly, without counting an attempt.
      await job.moveToDelayed(Date.now() + (this.options.groupBusyDelayMs ?? 200), token);
      throw new DelayedError();
    }
    // Done, taken by another worker, or not due yet (the relay brings it back when it is).
  }
}
