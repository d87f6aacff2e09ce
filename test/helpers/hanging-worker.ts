// A worker process that claims a job and then hangs in it, so that a test can kill it (SIGKILL) the way
// a crash or a redeploy would, and check that another worker runs the job again after the lease.
import db from "../../app/db.server";
import { logger } from "../../app/lib/logger.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import type { JobHandler } from "../../app/jobs/queue";

const hang: JobHandler = async () => {
  process.stdout.write("claimed\n");
  await new Promise(() => undefined);
};

const worker = new EmbeddedWorker({
  db,
  logger,
  handlers: new Proxy({}, { get: () => hang }) as never,
  leaseMs: Number(process.env.LEASE_MS ?? 1000),
  pollMs: 20,
  workerId: "doomed-worker",
});
worker.start();
