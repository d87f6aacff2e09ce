// The worker as the app runs it: in a thread of the web process (WORKER=embedded, the default), or
// alone (`npm run worker`, with WORKER=off on the web processes).
import path from "node:path";
import { Worker } from "node:worker_threads";
import db from "../db.server";
import { env, loadEnv } from "../lib/env.server";
import { logger } from "../lib/logger.server";
import type { BullmqRelay, BullmqWorker } from "./bullmq-worker.server";
import { EmbeddedWorker } from "./embedded-worker.server";
import { createHandlers } from "./handlers.server";
import { JobRunner } from "./job-runner.server";
import { adminClientFor } from "../shopify/admin.server";

// BullMQ and its Redis client are loaded only when QUEUE=bullmq: one machine on SQLite never pays for them.
const bullmq = () => import("./bullmq-worker.server");

/** The worker of the configured queue adapter (QUEUE). */
export async function createWorker(): Promise<EmbeddedWorker | BullmqWorker> {
  const config = env();
  const options = {
    db,
    logger,
    handlers: createHandlers({ db, logger, dataDir: config.DATA_DIR, adminClientFor }),
    concurrency: config.WORKER_CONCURRENCY,
    leaseMs: config.JOB_LEASE_MS,
    pollMs: config.JOB_POLL_MS,
    backoffBaseMs: config.JOB_BACKOFF_BASE_MS,
    backoffMaxMs: config.JOB_BACKOFF_MAX_MS,
  };
  if (config.QUEUE !== "bullmq") return new EmbeddedWorker(options);
  const { BullmqWorker } = await bullmq();
  return new BullmqWorker({ ...options, redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
}

/**
 * A web process without a worker (WORKER=off) on BullMQ still hands its jobs to Redis as soon as they
 * are committed; the workers' own relays would find them only at their next sweep.
 */
export async function startRelayForWebProcess(): Promise<BullmqRelay | undefined> {
  const config = loadEnv();
  if (config.QUEUE !== "bullmq" || config.WORKER !== "off") return undefined;
  const { BullmqRelay } = await bullmq();
  const runner = new JobRunner({ db, logger, handlers: createHandlers({ db, logger, dataDir: config.DATA_DIR, adminClientFor }) });
  const relay = new BullmqRelay(runner, { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, pollMs: config.JOB_POLL_MS });
  relay.start();
  return relay;
}

export type WorkerThreadHandle = { stop(): Promise<void> };

const THREAD_ENTRY = path.join(import.meta.dirname, "worker-thread.ts");

/**
 * Starts the worker thread (TypeScript, through tsx) and keeps it running: a thread that dies is
 * started again after a pause; the leases of its jobs bring them back.
 */
export function startWorkerThread(options: { restartDelayMs?: number } = {}): WorkerThreadHandle | undefined {
  // Read afresh: this runs once, at startup, and the thread inherits the same environment.
  if (loadEnv().WORKER !== "embedded") return undefined;
  let stopping = false;
  let running = false;
  let thread: Worker;
  const spawn = () => {
    thread = new Worker(THREAD_ENTRY, { execArgv: ["--import", "tsx"], resourceLimits: { maxOldGenerationSizeMb: loadEnv().WORKER_HEAP_MB } });
    running = true;
    thread.on("error", (error) => logger.error({ err: error }, "worker thread failed"));
    thread.on("exit", (code) => {
      running = false;
      if (stopping) return;
      logger.error({ code }, "worker thread stopped unexpectedly; starting it again");
      setTimeout(spawn, options.restartDelayMs ?? 1000).unref();
    });
  };
  spawn();
  return {
    async stop() {
      stopping = true;
      if (!running) return;
      const exited = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
      thread.postMessage("stop");
      await exited;
    },
  };
}
