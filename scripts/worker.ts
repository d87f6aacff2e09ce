// npm run worker — the job worker as its own process, for setups where the web processes run with
// WORKER=off (several web processes, one or more workers, PostgreSQL).
import db, { configureWorkerConnection } from "../app/db.server";
import { createWorker } from "../app/jobs/worker.server";
import { env } from "../app/lib/env.server";
import { logger } from "../app/lib/logger.server";
import { startSweepSchedule } from "../app/reconcile/reconcile.server";

await configureWorkerConnection(db);
const worker = await createWorker();
worker.start();
// Every RECONCILE_EVERY_MINUTES, a sweep per shop for orders whose webhooks never arrived.
startSweepSchedule({ db, logger, everyMinutes: env().RECONCILE_EVERY_MINUTES });
logger.info({ workerId: worker.workerId }, "worker started");

const stop = () => {
  logger.info("worker stopping: finishing the jobs in hand");
  void worker.stop().finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
