// Webhook intake: verify, record, enqueue, answer. Nothing else happens on the request path: no
// provider call and no Admin API call. The delivery row and its job are written in one transaction;
// the unique (shop, event id) row makes a repeated delivery a no-op, claimed by the insert itself.
import type { Db } from "../db.server";
import type { Logger } from "../lib/logger.server";
import { jobRow, notifyJobEnqueued, orderGroupKey, shopGroupKey } from "../jobs/queue";
import { routeForTopic, topicLabel } from "../jobs/topics";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { prismaIntakeStore, type IntakeStore } from "./intake-store.server";

export type WebhookContext = {
  shop: string;
  topic: string;
  webhookId: string;
  eventId?: string;
  apiVersion: string;
  triggeredAt?: string;
  payload: unknown;
};

export type IntakeDeps = {
  db: Db;
  logger: Logger;
  authenticateWebhook: (request: Request) => Promise<WebhookContext>;
  /** Where the delivery and its job are written; Prisma unless the web process's fast path passes its own. */
  store?: IntakeStore;
};

export type IntakeOutcome =
  | { kind: "recorded"; deliveryId: string; jobId: string }
  | { kind: "duplicate" }
  | { kind: "ignored"; reason: string }
  | { kind: "rejected"; status: number; reason: string };

/**
 * The largest body the intake reads. Shopify's order payloads are far smaller (a 250-line order is about half
 * a megabyte); anything bigger is refused before it is read, so that a body cannot fill the memory.
 */
export const MAX_WEBHOOK_BYTES = 8 * 1024 * 1024;

/** A shop as Shopify names it in X-Shopify-Shop-Domain (the same domains shopify-api's sanitizeShop takes). */
export const SHOP_DOMAIN = /^[a-zA-Z0-9][a-zA-Z0-9-_]*\.(myshopify\.com|shopify\.com|myshopify\.io|shop\.dev)$/;

export async function receiveWebhook(request: Request, deps: IntakeDeps): Promise<IntakeOutcome> {
  const path = new URL(request.url).pathname;
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > MAX_WEBHOOK_BYTES) {
    deps.logger.warn({ path, bytes: declared }, "webhook refused: its body is larger than the intake reads");
    return { kind: "rejected", status: 413, reason: "body too large" };
  }
  if (!Number.isFinite(declared)) {
    // No length given (chunked): read it here, up to the limit, and go on with what was read.
    const body = await readCapped(request, MAX_WEBHOOK_BYTES);
    if (body === null) {
      deps.logger.warn({ path }, "webhook refused: its body is larger than the intake reads");
      return { kind: "rejected", status: 413, reason: "body too large" };
    }
    request = new Request(request.url, { method: request.method, headers: request.headers, body: request.method === "GET" || request.method === "HEAD" ? undefined : new Uint8Array(body) });
  }
  // A shop header Shopify would never send: refused before anything is read (the library would throw on it).
  const shopHeader = request.headers.get("x-shopify-shop-domain");
  if (shopHeader !== null && !SHOP_DOMAIN.test(shopHeader)) {
    deps.logger.warn({ path, shop: shopHeader.slice(0, 100) }, "webhook refused: the shop domain is not a Shopify shop's");
    return { kind: "rejected", status: 400, reason: "shop domain is not valid" };
  }
  // The library reads the body to check the signature; keep a copy to store exactly what was signed.
  const copy = request.clone();
  let context: WebhookContext;
  try {
    context = await deps.authenticateWebhook(request);
  } catch (thrown) {
    if (thrown instanceof Response) {
      // 405 (not POST), 401 (bad HMAC), 400 (a missing header): the library's answers.
      deps.logger.warn({ status: thrown.status, path: new URL(request.url).pathname }, "webhook rejected");
      return { kind: "rejected", status: thrown.status, reason: thrown.statusText || "rejected" };
    }
    if (thrown instanceof SyntaxError || thrown instanceof RangeError) {
      // The signature was valid (it is checked before the body is parsed), but the body is not JSON.
      const shopDomain = request.headers.get("x-shopify-shop-domain") ?? "unknown";
      const topic = request.headers.get("x-shopify-topic") ?? "unknown";
      deps.logger.warn({ shopDomain, topic }, "webhook with a valid signature but a body that is not JSON");
      await writeSyncLog(deps.db, {
        shopDomain,
        status: "failed",
        message: `Shopify sent a ${topic} notification whose content could not be read (not JSON); it was refused, and Shopify will send it again.`,
        detail: { topic, webhookId: request.headers.get("x-shopify-webhook-id") },
      });
      return { kind: "rejected", status: 400, reason: "body is not JSON" };
    }
    throw thrown;
  }

  return recordDelivery(context, await copy.text(), deps);
}

/** After the signature check: route the topic, and record the delivery (exactly as signed) and its job. */
export async function recordDelivery(context: WebhookContext, rawBody: string, deps: Pick<IntakeDeps, "db" | "logger" | "store">): Promise<IntakeOutcome> {
  const route = routeForTopic(context.topic);
  if (!route) {
    deps.logger.info({ topic: context.topic, shop: context.shop }, "webhook topic without a job; acknowledged");
    return { kind: "ignored", reason: `no job for ${context.topic}` };
  }
  if (!isObject(context.payload)) {
    await writeSyncLog(deps.db, {
      shopDomain: context.shop,
      status: "failed",
      message: `Shopify sent a ${topicLabel(route.topic)} notification without the expected content; it was ignored.`,
      detail: { webhookId: context.webhookId },
    });
    return { kind: "rejected", status: 400, reason: "payload is not a JSON object" };
  }

  const dedupeKey = context.eventId || context.webhookId;
  const orderId = route.orderId?.(context.payload);
  const groupKey = route.group === "order" && orderId ? orderGroupKey(context.shop, orderId) : shopGroupKey(context.shop);
  const deliveryId = crypto.randomUUID();
  const jobId = crypto.randomUUID();

  const store = deps.store ?? prismaIntakeStore(deps.db);
  const delivery = {
    id: deliveryId,
    shopDomain: context.shop,
    topic: route.topic,
    dedupeKey,
    webhookId: context.webhookId,
    eventId: context.eventId ?? null,
    apiVersion: context.apiVersion,
    triggeredAt: parseDate(context.triggeredAt),
    payload: rawBody,
  };
  const job = {
    id: jobId,
    ...jobRow({ type: route.job, shopDomain: context.shop, uniqueKey: `webhook:${context.shop}:${dedupeKey}`, groupKey, payload: { deliveryId, topic: route.topic, orderId } }),
  };
  if ((await store.record(delivery, job)) === "duplicate") {
    // Shopify sends the same event again with the same content; other content under a used event id is kept
    // out (the first stays), and said in the process log.
    const first = await deps.db.webhookDelivery.findUnique({ where: { shopDomain_dedupeKey: { shopDomain: context.shop, dedupeKey } }, select: { payload: true } });
    if (first && first.payload !== rawBody) deps.logger.warn({ shop: context.shop, topic: route.topic, dedupeKey }, "webhook with a used event id but other content; the first delivery is kept");
    return { kind: "duplicate" };
  }
  notifyJobEnqueued();
  return { kind: "recorded", deliveryId, jobId };
}

/** The HTTP answer for an outcome. Shopify only needs a 2xx; the body is for people testing by hand. */
export function intakeResponse(outcome: IntakeOutcome): Response {
  if (outcome.kind === "rejected") return new Response(outcome.reason, { status: outcome.status });
  return new Response(null, { status: 200 });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The body, if it is at most `max` bytes; null when it is longer (reading stops there). */
async function readCapped(request: Request, max: number): Promise<Buffer | null> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
