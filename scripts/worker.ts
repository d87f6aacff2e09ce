// npm run worker — the job worker as its own process, for setups where the web processes run with
// WORKER=off (several web processes, one or more workers, PostgreSQL).
import db, { configureWorkerConnection } from "../app/db.server";
import { createWorker } from "../app/jobs/worker.server";
import { logger } from "../app/lib/logger.server";

await configureWorkerConnection(db);
const worker = createWorker();
worker.start();
logger.info({ workerId: worker.workerId }, "worker started");

const stop = () => {
  logger.info("worker stopping: finishing the jobs in hand");
  void worker.stop().finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
