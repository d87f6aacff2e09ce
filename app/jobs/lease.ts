// Fencing for the steps that cannot be undone (a document made in the accounting system). A job holds a lease
// that its worker renews; a worker that stalls (a long pause, a starved database connection) can lose it, and
// the job may then run elsewhere while the stalled run goes on. The runner puts a check of the lease (and of the
// order's group lock) beside each run; `assertLeaseHeld()` asks it right before such a step, and stops the
// stalled run instead of making the document a second time. Outside a job it does nothing.
import { AsyncLocalStorage } from "node:async_hooks";
import { RetryableError } from "../lib/errors";

/** One run of a job: its id and attempt number (each attempt takes the job anew). */
export type JobRun = { jobId: string; attempt: number };

const current = new AsyncLocalStorage<{ held: () => Promise<boolean>; run: JobRun }>();

/** Runs `work` as `run`, with `held` as the lease check `assertLeaseHeld` uses. */
export function withLeaseCheck<T>(run: JobRun, held: () => Promise<boolean>, work: () => Promise<T>): Promise<T> {
  return current.run({ held, run }, work);
}

/** The job run this code is part of, if any: a claim made here names it, so that others can tell when it died. */
export function currentRun(): JobRun | null {
  return current.getStore()?.run ?? null;
}

export async function assertLeaseHeld(): Promise<void> {
  const store = current.getStore();
  if (store && !(await store.held())) {
    throw new RetryableError("lease_lost", "This task was taken over by another worker while it ran (this one stalled); it goes on there.", { outcome: "not-applied" });
  }
}
