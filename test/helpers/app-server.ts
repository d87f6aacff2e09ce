// The app's webhook routes on a real HTTP port, for tests where the simulator delivers over the wire.
// (The demo and the benchmark run the whole Remix server; tests need only these routes.) As in server.ts,
// the fast path comes first and hands everything else to the Remix route's full intake; with
// `{ fastPath: false }` every delivery takes the full intake.
import http from "node:http";
import db from "../../app/db.server";
import { env } from "../../app/lib/env.server";
import { logger } from "../../app/lib/logger.server";
import { fastWebhookIntake } from "../../app/webhooks/fast-intake.server";
import { preparedIntakeStore } from "../../app/webhooks/intake-store.server";
import { webhookAction } from "../../app/webhooks/webhook-route.server";

export type WebhookServer = {
  url: string;
  /** Deliveries the fast path handed on to the full intake. */
  handedOn: () => number;
  close: () => Promise<void>;
};

export async function serveWebhookRoutes(
  options: { fastPath?: boolean; logger?: typeof logger; fullIntake?: (request: Request) => Promise<Response> } = {},
): Promise<WebhookServer> {
  let handedOn = 0;
  const fullIntake = options.fullIntake ?? ((request: Request) => webhookAction({ request, params: {}, context: {} }));
  const store = options.fastPath === false ? null : preparedIntakeStore(process.env.DATABASE_URL);
  const fast = store
    ? fastWebhookIntake({
        db,
        logger: options.logger ?? logger,
        store,
        apiSecret: env().SHOPIFY_API_SECRET,
        fullIntake: (request) => {
          handedOn += 1;
          return fullIntake(request);
        },
      })
    : null;
  const server = http.createServer((req, res) => {
    const viaRemix = async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      });
      const response = await fullIntake(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    };
    if (fast) fast(req, res, () => void viaRemix());
    else void viaRemix();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    handedOn: () => handedOn,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store?.close();
    },
  };
}
