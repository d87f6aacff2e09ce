// The embedded worker's thread. The web process hosts the worker in a thread of its own, so that jobs
// use the machine's other core and never hold up the event loop that answers webhooks (SQLite calls are
// synchronous). "stop" from the host finishes the jobs in hand and ends the thread.
import { parentPort } from "node:worker_threads";
import db, { configureWorkerConnection } from "../db.server";
import { createWorker } from "./worker.server";
import { env } from "../lib/env.server";
import { logger } from "../lib/logger.server";
import { startSweepSchedule } from "../reconcile/reconcile.server";

await configureWorkerConnection(db);
const worker = await createWorker();
worker.start();
// Every RECONCILE_EVERY_MINUTES, a sweep per shop for orders whose webhooks never arrived.
startSweepSchedule({ db, logger, everyMinutes: env().RECONCILE_EVERY_MINUTES });

parentPort?.on("message", (message: unknown) => {
  if (message === "stop") {
    void worker.stop().finally(() => process.exit(0));
  }
});
