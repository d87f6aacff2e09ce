// The worker as the app runs it: in the web process (WORKER=embedded, the default) or alone
// (`npm run worker`, WORKER=off on the web processes).
import db from "../db.server";
import { env } from "../lib/env.server";
import { logger } from "../lib/logger.server";
import { EmbeddedWorker } from "./embedded-worker.server";
import { createHandlers } from "./handlers.server";

declare global {
  var __ibWorker: EmbeddedWorker | undefined;
}

export function createWorker() {
  const config = env();
  return new EmbeddedWorker({
    db,
    logger,
    handlers: createHandlers({ db, logger, dataDir: config.DATA_DIR }),
    concurrency: config.WORKER_CONCURRENCY,
    leaseMs: config.JOB_LEASE_MS,
    pollMs: config.JOB_POLL_MS,
  });
}

/** Starts the worker once per process; the server calls this when it starts. */
export function startEmbeddedWorker(): EmbeddedWorker | undefined {
  if (env().WORKER !== "embedded") return undefined;
  globalThis.__ibWorker ??= createWorker();
  globalThis.__ibWorker.start();
  return globalThis.__ibWorker;
}
