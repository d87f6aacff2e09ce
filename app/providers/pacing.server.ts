// Request pacing for providers with a published rate limit (Visma: 600 requests per minute per client and
// endpoint). Each request waits for a token first, so the limit is kept rather than discovered through
// 429s. One process (the embedded worker) paces in memory; several worker processes (QUEUE=bullmq) share
// the count in Redis.
//
// The limit is written as N requests per second, not 600 per minute: a fixed 60-second window would let
// 1,200 requests through across a window boundary, which a sliding count (the stricter reading of
// "per minute") refuses. Any 60 s span overlaps at most 61 one-second windows, so 9 per second keeps
// every span at ≤ 549.
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterQueue, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env } from "../lib/env.server";

export type Pace = (key: string) => Promise<void>;

export type PaceOptions = { name: string; perSecond: number; store?: "memory" | "redis"; redisUrl?: string };

const paces = new Map<string, Pace>();
let redis: Redis | undefined;

export function createPace(options: PaceOptions): Pace {
  let limiter: RateLimiterAbstract;
  if (options.store === "redis") {
    redis ??= new Redis(options.redisUrl ?? env().REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `ib-pace:${options.name}`, points: options.perSecond, duration: 1 });
  } else {
    limiter = new RateLimiterMemory({ keyPrefix: options.name, points: options.perSecond, duration: 1 });
  }
  const queue = new RateLimiterQueue(limiter);
  return async (key) => {
    await queue.removeTokens(1, key);
  };
}

/** The process's pacer for a provider, created once. */
export function paceFor(name: string, perSecond: number): Pace {
  let pace = paces.get(name);
  if (!pace) {
    pace = createPace({ name, perSecond, store: env().QUEUE === "bullmq" ? "redis" : "memory" });
    paces.set(name, pace);
  }
  return pace;
}

/** Visma eAccounting: 600 requests per minute per client and endpoint, kept as 9 per second. */
export const VISMA_REQUESTS_PER_SECOND = 9;
