// The queue port. The webhook intake and the staff actions describe a job; an adapter runs it.
//
// The Job table is the durable record of every job in both adapters: it is written in the same
// transaction as whatever caused the job (a webhook delivery, a staff action), so a job exists exactly
// when its cause does. The embedded adapter polls that table (embedded-worker.server.ts); the BullMQ
// adapter relays its due rows to Redis (bullmq-worker.server.ts). Both run jobs through JobRunner.
import { BroadcastChannel } from "node:worker_threads";
import type { JobType } from "./topics";

export type JobSpec = {
  type: JobType;
  shopDomain: string;
  /** Enqueueing the same key twice makes one job. */
  uniqueKey: string;
  /** Jobs with the same group never run at the same time (one order, or one shop). */
  groupKey?: string;
  payload: Record<string, unknown>;
  runAt?: Date;
  maxAttempts?: number;
};

export type JobRecord = {
  id: string;
  type: JobType;
  shopDomain: string;
  uniqueKey: string;
  groupKey: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
};

export type JobContext = {
  job: JobRecord;
  /** True when this is the last attempt the job will get. */
  lastAttempt: boolean;
};

export type JobHandler = (context: JobContext) => Promise<void>;

export const DEFAULT_MAX_ATTEMPTS = 8;

export function orderGroupKey(shopDomain: string, orderId: string) {
  return `${shopDomain}:order:${orderId}`;
}

export function shopGroupKey(shopDomain: string) {
  return `${shopDomain}:shop`;
}

/** The job row for a spec, as stored by every adapter. */
export function jobRow(spec: JobSpec) {
  return {
    type: spec.type,
    shopDomain: spec.shopDomain,
    uniqueKey: spec.uniqueKey,
    groupKey: spec.groupKey ?? null,
    payload: JSON.stringify(spec.payload),
    runAt: spec.runAt ?? new Date(),
    maxAttempts: spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
}

/**
 * Exponential backoff with jitter: 2^(attempt-1) × base, capped, then a random point in its upper half
 * so that jobs that failed together do not come back together. A Retry-After from the other side wins
 * when it is longer.
 */
export function backoffDelayMs(
  attempt: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number; random?: () => number },
): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential / 2 + (exponential / 2) * (options.random ?? Math.random)());
  return Math.max(jittered, options.retryAfterMs ?? 0);
}

/**
 * Wake-ups: whoever commits a job calls notifyJobEnqueued, so that a worker in this thread or in the
 * worker thread of this process starts at once instead of at its next poll.
 */
type Waker = () => void;
const wakers = new Set<Waker>();
const channel = new BroadcastChannel("invoice-bridge:jobs");
channel.unref();
channel.onmessage = () => {
  for (const wake of wakers) wake();
};

export function onJobEnqueued(waker: Waker): () => void {
  wakers.add(waker);
  return () => wakers.delete(waker);
}

export function notifyJobEnqueued() {
  for (const wake of wakers) wake();
  channel.postMessage("enqueued");
}
