// Request pacing for providers with a published rate limit (Visma: 600 requests per minute per client and
// endpoint). Each request waits for a token first, so the limit is kept rather than discovered through
// 429s. One process (the embedded worker) paces in memory; several worker processes (QUEUE=bullmq) share
// the count in Redis.
//
// The limiter counts in fixed windows, each starting at the first request after the previous one ended, so
// windows never overlap. A fixed 60-second window would let 1,200 requests through across a window boundary,
// which a sliding count (the stricter reading of "per minute") refuses; short windows keep every 60 s span
// within the limit instead: a span of 60 s touches at most 60/d + 1 windows of d seconds. The rate is
// therefore given per second and counted in the shortest whole-second window that holds a whole number of
// requests (windowFor): 9.5 a second is 19 per 2 s, at most 31 × 19 = 589 in any 60 s, where 1-second
// windows could only allow 9 (61 × 9 = 549: a tenth of the quota never used).
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterQueue, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env } from "../lib/env.server";

export type Pace = (key: string) => Promise<void>;

export type PaceOptions = { name: string; perSecond: number; store?: "memory" | "redis"; redisUrl?: string };

/**
 * The limiter's window for a rate: the shortest whole number of seconds (up to 60) in which `perSecond`
 * makes a whole number of requests, and that number (9 → 9 per 1 s; 9.5 → 19 per 2 s).
 */
export function windowFor(perSecond: number): { points: number; seconds: number } {
  for (let seconds = 1; seconds <= 60; seconds++) {
    const points = Math.round(perSecond * seconds * 1e6) / 1e6;
    if (Number.isInteger(points) && points >= 1) return { points, seconds };
  }
  throw new Error(`A pace of ${perSecond} requests a second has no whole-second window; give it as a multiple of 1/60.`);
}

const paces = new Map<string, Pace>();
let redis: Redis | undefined;

export function createPace(options: PaceOptions): Pace {
  let limiter: RateLimiterAbstract;
  const { points, seconds: duration } = windowFor(options.perSecond);
  if (options.store === "redis") {
    redis ??= new Redis(options.redisUrl ?? env().REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `ib-pace:${options.name}`, points, duration });
  } else {
    limiter = new RateLimiterMemory({ keyPrefix: options.name, points, duration });
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

/**
 * Visma eAccounting: 600 requests per minute per client and endpoint (a sliding minute in the simulator),
 * kept as 9.5 a second in 2-second windows: at most 589 in any 60 s, 95% of the quota at full speed.
 */
export const VISMA_REQUESTS_PER_SECOND = 9.5;
