// The BullMQ relay hands due jobs from the table to Redis. A wake-up (a job just committed) that comes in
// while a sweep is reading the table must not be lost, even when that read found nothing: the job was
// committed after the read began, and without another read it would wait for the next timed sweep.
import { afterAll, describe, expect, inject, it } from "vitest";
import { BullmqRelay } from "../../app/jobs/bullmq-worker.server";
import type { JobRunner } from "../../app/jobs/job-runner.server";
import { logger } from "../../app/lib/logger.server";

const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const PREFIX = `ibtest-relay-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const redisSkipReason = inject("redisSkipReason");

type DueJob = Awaited<ReturnType<JobRunner["dueJobs"]>>[number];

function dueJob(id: string): DueJob {
  const now = new Date();
  return {
    id, uniqueKey: id, shopDomain: "relay.myshopify.com", type: "sync-order", groupKey: "order:1", payload: "{}", status: "queued",
    runAt: now, attempts: 0, maxAttempts: 8, leaseOwner: null, leaseUntil: null, lastError: null, createdAt: now, updatedAt: now, finishedAt: null,
  };
}

const relays: BullmqRelay[] = [];
afterAll(async () => {
  for (const relay of relays) {
    await relay.queue.obliterate({ force: true });
    await relay.stop();
  }
});

describe.skipIf(Boolean(redisSkipReason))("the BullMQ relay", () => {
  it("reads the table again when a wake-up came in during a sweep that found nothing", async () => {
    // GIVEN a table whose first read began before the job was committed, and a relay with no timed sweep soon
    let releaseFirstRead!: () => void;
    const firstRead = new Promise<void>((resolve) => (releaseFirstRead = resolve));
    let reads = 0;
    const runner = {
      logger,
      async dueJobs() {
        reads += 1;
        if (reads === 1) {
          await firstRead;
          return [];
        }
        return [dueJob("job-committed-meanwhile")];
      },
    } satisfies Pick<JobRunner, "logger" | "dueJobs">;
    const relay = new BullmqRelay(runner as unknown as JobRunner, { redisUrl: REDIS_URL, prefix: PREFIX, pollMs: 60_000 });
    relays.push(relay);
    // WHEN a sweep is reading, the job's wake-up arrives, and then the read returns empty
    const sweep = relay.relay();
    void relay.relay();
    releaseFirstRead();
    await sweep;
    // THEN the job is in Redis at once, not a minute later
    expect(reads).toBe(2);
    const inRedis = await relay.queue.getJob("job-committed-meanwhile-0");
    expect(inRedis?.data).toEqual({ id: "job-committed-meanwhile" });
  });

  it("reads once when nothing woke it", async () => {
    let reads = 0;
    const runner = {
      logger,
      async dueJobs() {
        reads += 1;
        return [dueJob(`job-${reads}`)];
      },
    } satisfies Pick<JobRunner, "logger" | "dueJobs">;
    const relay = new BullmqRelay(runner as unknown as JobRunner, { redisUrl: REDIS_URL, prefix: `${PREFIX}-b`, pollMs: 60_000 });
    relays.push(relay);
    await relay.relay();
    expect(reads).toBe(1);
    expect((await relay.queue.getJob("job-1-0"))?.data).toEqual({ id: "job-1" });
    expect(await relay.queue.getJobCounts("waiting")).toEqual({ waiting: 1 });
  });
});
