import { afterEach, beforeEach, expect, inject, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { orderPayload, webhookRequest } from "../helpers/webhooks";
import { webhookAction } from "../../app/webhooks/webhook-route.server";
import { startWorkerThread, type WorkerThreadHandle } from "../../app/jobs/worker.server";

let handle: WorkerThreadHandle | undefined;

async function waitFor<T>(probe: () => Promise<T | undefined | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeWithDb("the embedded worker thread", () => {
  beforeEach(async () => {
    await resetDb();
    process.env.WORKER = "embedded";
    process.env.JOB_POLL_MS = "60000"; // only a wake-up can make it run within the test
  });
  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
    process.env.WORKER = "off";
    delete process.env.JOB_POLL_MS;
    delete process.env.QUEUE;
    delete process.env.QUEUE_PREFIX;
  });

  it("runs in a thread of the web process, is woken by the intake, and stops cleanly", async () => {
    // GIVEN the worker thread, started and idle
    const started = startWorkerThread();
    expect(started).toBeDefined();
    handle = started;
    await new Promise((r) => setTimeout(r, 1500)); // let it start and finish its first (empty) poll
    // WHEN a webhook is recorded
    const response = await webhookAction({ request: webhookRequest({ body: orderPayload({ name: "#7001" }) }), params: {}, context: {} });
    expect(response.status).toBe(200);
    // THEN the thread runs its job (long before its next poll) with the real handlers
    const db = await testDb();
    const job = await waitFor(() => db.job.findFirst({ where: { status: "done" } }));
    expect(job.attempts).toBe(1);
    const entry = await db.syncLogEntry.findFirstOrThrow({ where: { orderName: "#7001", message: { contains: "ready for" } } });
    expect(entry.message).toContain("Order #7001: ready for an invoice draft");
    // AND stopping it ends the thread (twice is harmless)
    await started!.stop();
    await started!.stop();
  }, 60_000);

  it.skipIf(Boolean(inject("redisSkipReason")))("runs on BullMQ when QUEUE=bullmq: the commit reaches Redis, the thread runs the job", async () => {
    process.env.QUEUE = "bullmq";
    process.env.QUEUE_PREFIX = `ibtest-thread-${process.pid}-${Date.now()}`;
    const started = startWorkerThread();
    handle = started;
    await new Promise((r) => setTimeout(r, 1500));
    const response = await webhookAction({ request: webhookRequest({ body: orderPayload({ name: "#7002" }) }), params: {}, context: {} });
    expect(response.status).toBe(200);
    const db = await testDb();
    const job = await waitFor(() => db.job.findFirst({ where: { status: "done" } }));
    expect(job.attempts).toBe(1);
    const entry = await db.syncLogEntry.findFirstOrThrow({ where: { orderName: "#7002", message: { contains: "ready for" } } });
    expect(entry.message).toContain("Order #7002: ready for an invoice draft");
  }, 60_000);

  it("is not started when WORKER=off", () => {
    process.env.WORKER = "off";
    expect(startWorkerThread()).toBeUndefined();
  });
});
