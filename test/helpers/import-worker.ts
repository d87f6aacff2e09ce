// A worker process with the app's real handlers, pointed at the Shopify simulator of the test that starts
// it (SHOPIFY_SIM_URL, SHOPIFY_SIM_TOKEN), on the test's database, so that the test can kill it (SIGKILL)
// in the middle of an import, as a crash or a redeploy would.
import db from "../../app/db.server";
import { logger } from "../../app/lib/logger.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { httpAdminClient, pacedByThrottle } from "../../app/shopify/admin-client.server";

const adminClientFor = async (shop: string) =>
  pacedByThrottle(httpAdminClient({ endpoint: process.env.SHOPIFY_SIM_URL!, shop, accessToken: process.env.SHOPIFY_SIM_TOKEN!, apiVersion: "2026-10", timeoutMs: 5000 }));

const worker = new EmbeddedWorker({
  db,
  logger,
  handlers: createHandlers({ db, logger, dataDir: process.env.DATA_DIR!, adminClientFor }),
  leaseMs: Number(process.env.LEASE_MS ?? 1500),
  pollMs: 20,
  workerId: "import-worker-to-kill",
});
worker.start();
process.stdout.write("started\n");
