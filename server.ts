// The app's HTTP server: Remix on Express, plus the job worker in a thread of this process (unless
// WORKER=off).
// In production it serves the Vite build (npm run build); otherwise Vite's dev middleware.
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";

import { startRelayForWebProcess, startWorkerThread } from "./app/jobs/worker.server";
import db from "./app/db.server";
import { env } from "./app/lib/env.server";
import { logger } from "./app/lib/logger.server";
import { fastWebhookIntake } from "./app/webhooks/fast-intake.server";
import { preparedIntakeStore } from "./app/webhooks/intake-store.server";
import { webhookAction } from "./app/webhooks/webhook-route.server";

export async function startServer(options: { port: number; host?: string; production?: boolean }) {
  const app = express();
  app.disable("x-powered-by");
  // Liveness, ahead of everything (a load balancer's check needs no framework); also the bare route the webhook
  // benchmark compares the intake with: it reads the body and answers 200, nothing more.
  app.all("/healthz", (req, res) => {
    req.resume();
    req.on("end", () => res.status(200).type("text/plain").send("ok"));
  });
  // The common webhook delivery is checked and recorded before anything else runs; the rest goes on to the
  // Remix route's full intake (app/webhooks/fast-intake.server.ts).
  const config = env();
  const intakeStore = config.WEBHOOK_FAST_PATH === "on" ? preparedIntakeStore(process.env.DATABASE_URL) : null;
  if (intakeStore) {
    app.use(
      fastWebhookIntake({
        db,
        logger,
        store: intakeStore,
        apiSecret: config.SHOPIFY_API_SECRET,
        fullIntake: (request) => webhookAction({ request, params: {}, context: {} }),
      }),
    );
  }
  let build: ServerBuild | (() => Promise<ServerBuild>);
  let closeVite: (() => Promise<void>) | undefined;
  if (options.production) {
    app.use("/assets", express.static(path.resolve("build/client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.resolve("build/client"), { maxAge: "1h" }));
    build = (await import(path.resolve("build/server/index.js"))) as ServerBuild;
  } else {
    const vite = await import("vite");
    const server = await vite.createServer({ server: { middlewareMode: true }, appType: "custom" });
    app.use(server.middlewares);
    build = () => server.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => server.close();
  }
  app.all("*", createRequestHandler({ build, mode: options.production ? "production" : "development" }));

  // The job worker runs in a thread of this process (unless WORKER=off); with WORKER=off on BullMQ,
  // this process still relays its jobs to Redis.
  const worker = startWorkerThread() ?? (await startRelayForWebProcess());

  const listener = await new Promise<import("node:http").Server>((resolve) => {
    const server = app.listen(options.port, options.host ?? "0.0.0.0", () => resolve(server));
  });
  return {
    url: `http://${options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1"}:${(listener.address() as { port: number }).port}`,
    worker,
    async close() {
      await new Promise((resolve) => listener.close(resolve));
      await worker?.stop();
      await intakeStore?.close();
      await closeVite?.();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const production = process.env.NODE_ENV === "production";
  const port = Number(process.env.PORT ?? 3000);
  startServer({ port, production }).then(
    (server) => {
      console.log(`Invoice Bridge listening on ${server.url} (${production ? "production" : "development"})`);
      // Finish the jobs in hand before leaving; their leases would bring them back anyway.
      const shutdown = () => {
        void server.close().finally(() => process.exit(0));
      };
      process.once("SIGTERM", shutdown);
      process.once("SIGINT", shutdown);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
