// The webhook intake's fast path, ahead of Remix in the web process (server.ts). The common case, a
// complete, correctly signed delivery of a topic we handle, is checked and recorded here: the signature with
// node:crypto (HMAC-SHA256 of the raw body under the app's secret, compared in constant time, as Shopify
// documents it), and the rows with prepared statements (intake-store.server.ts). Everything else (a wrong or
// missing signature or header, a body that is not JSON, a chunked or oversized body, a topic without a job,
// another HTTP method) goes on, with the body already read, to the full intake of the Remix route
// (receiveWebhook), where shopify-api's own validation gives the answer and the log its words. So the fast
// path can only accept what the full path would accept, and never refuses anything itself.
//
// Why not shopify-api on the common path too: its validation costs about 0.45 ms of CPU per delivery (it
// converts the request through its runtime adapters and computes the HMAC with WebCrypto), Remix's routing
// and Request objects about as much again, Prisma's two inserts about 1.5 ms; the checks here cost a few
// hundredths of a millisecond. Figures: `npm run bench:webhooks`, README "Performance".
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "../db.server";
import type { Logger } from "../lib/logger.server";
import { routeForTopic } from "../jobs/topics";
import type { IntakeStore } from "./intake-store.server";
import { MAX_WEBHOOK_BYTES, recordDelivery, SHOP_DOMAIN, type IntakeOutcome } from "./intake.server";

/** The intake routes (shopify.app.toml) whose deliveries the fast path takes. */
export const FAST_INTAKE_PATHS = new Set(["/webhooks/orders", "/webhooks/refunds"]);

export type FastIntakeDeps = {
  db: Db;
  logger: Logger;
  store: IntakeStore;
  apiSecret: string;
  /** The full intake, for everything the fast path does not take: the Remix route's action. */
  fullIntake: (request: Request) => Promise<Response>;
};

type Next = (error?: unknown) => void;

export function fastWebhookIntake(deps: FastIntakeDeps) {
  return (req: IncomingMessage, res: ServerResponse, next: Next) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (req.method !== "POST" || !FAST_INTAKE_PATHS.has(path)) return next();
    const declared = Number(req.headers["content-length"]);
    // Chunked or too large: the full intake reads it capped, and answers 413 where it must.
    if (!(declared <= MAX_WEBHOOK_BYTES)) return next();
    handle(req, res, deps).catch((error: unknown) => {
      deps.logger.error({ err: error, path }, "webhook intake failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: FastIntakeDeps) {
  const body = await readBody(req);
  const outcome = accepted(req, body, deps.apiSecret);
  if (!outcome) {
    const answer = await deps.fullIntake(asRequest(req, body));
    res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(await answer.arrayBuffer()));
    return;
  }
  const recorded: IntakeOutcome = await recordDelivery(outcome, body.toString("utf8"), deps);
  if (recorded.kind === "rejected") res.writeHead(recorded.status, { "content-type": "text/plain" }).end(recorded.reason);
  else res.writeHead(200).end();
}

/** The delivery's context when it is complete and correctly signed for a topic with a job; otherwise null. */
function accepted(req: IncomingMessage, body: Buffer, apiSecret: string) {
  const h = req.headers;
  const header = (name: string) => (typeof h[name] === "string" && h[name] !== "" ? (h[name] as string) : null);
  const hmac = header("x-shopify-hmac-sha256");
  const topic = header("x-shopify-topic");
  const shop = header("x-shopify-shop-domain");
  const apiVersion = header("x-shopify-api-version");
  const webhookId = header("x-shopify-webhook-id");
  if (!hmac || !topic || !shop || !apiVersion || !webhookId || h["shopify-hmac-sha256"] !== undefined) return null;
  if (!SHOP_DOMAIN.test(shop) || !routeForTopic(topic)) return null;
  const expected = createHmac("sha256", apiSecret).update(body).digest();
  const given = Buffer.from(hmac, "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  return {
    shop,
    topic,
    webhookId,
    eventId: header("x-shopify-event-id") ?? undefined,
    triggeredAt: header("x-shopify-triggered-at") ?? undefined,
    apiVersion,
    payload,
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function asRequest(req: IncomingMessage, body: Buffer): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, { method: req.method, headers, body: new Uint8Array(body) });
}
