// Where the intake records a delivery and its job: one commit for both, and the unique (shop, event id)
// row makes a repeated delivery a no-op, claimed by the insert itself.
//
// Two ways to the same rows. Through Prisma (the default, and what every other part of the app uses), and
// through the driver with statements prepared once, for the web process's fast path (fast-intake.server.ts):
// Prisma spends about 1.5 ms of CPU per delivery building and compiling its two inserts, which is most of the
// intake's cost at 500 deliveries a second on two cores, while the prepared statements cost a few hundredths
// of a millisecond. The statements write exactly what Prisma writes (test/integration/intake-store.test.ts
// reads both back through Prisma and compares them), so the worker cannot tell which way a row came.
import path from "node:path";
import { Worker } from "node:worker_threads";
import pg from "pg";
import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/errors";
import { databaseFlavour, sqliteFileFromUrl } from "../lib/database-url";

export type DeliveryRow = {
  id: string;
  shopDomain: string;
  topic: string;
  dedupeKey: string;
  webhookId: string;
  eventId: string | null;
  apiVersion: string;
  triggeredAt: Date | null;
  payload: string;
};

export type JobInsert = {
  id: string;
  type: string;
  shopDomain: string;
  uniqueKey: string;
  groupKey: string | null;
  payload: string;
  runAt: Date;
  maxAttempts: number;
};

export interface IntakeStore {
  /** Both rows in one commit; "duplicate" (and nothing written) when the event, or its job, is already stored. */
  record(delivery: DeliveryRow, job: JobInsert): Promise<"recorded" | "duplicate">;
  close(): Promise<void>;
}

export function prismaIntakeStore(db: Db): IntakeStore {
  return {
    async record(delivery, job) {
      try {
        // createMany: the same insert without reading the row back, which the request path does not need.
        await db.$transaction([db.webhookDelivery.createMany({ data: [delivery] }), db.job.createMany({ data: [job] })]);
        return "recorded";
      } catch (error) {
        if (isUniqueViolation(error)) return "duplicate";
        throw error;
      }
    },
    async close() {},
  };
}

/** The prepared-statement store for the database DATABASE_URL names. */
export function preparedIntakeStore(url: string | undefined): IntakeStore {
  return databaseFlavour(url) === "postgresql" ? postgresIntakeStore(url!) : sqliteIntakeStore(path.resolve(sqliteFileFromUrl(url)));
}

/**
 * SQLite: a thread of its own holds the connection (intake-writer.thread.ts). better-sqlite3 is synchronous, so
 * on the event loop every commit's sync to disk, and now and then a WAL checkpoint's, would hold back every
 * request behind it; in the thread they hold back only the deliveries being written, and those that arrive
 * meanwhile go into the next commit together (group commit).
 */
function sqliteIntakeStore(file: string): IntakeStore {
  type Waiting = { resolve: (outcome: "recorded" | "duplicate") => void; reject: (error: unknown) => void };
  const waiting = new Map<number, Waiting>();
  let next = 0;
  let thread: Worker | null = null;
  const start = () => {
    const t = new Worker(path.join(import.meta.dirname, "intake-writer.thread.ts"), { execArgv: ["--import", "tsx"], workerData: { file } });
    t.unref();
    t.on("message", (answer: WriterAnswer) => {
      const w = waiting.get(answer.id);
      waiting.delete(answer.id);
      if (answer.error) w?.reject(new Error(`recording the webhook delivery failed: ${answer.error}`));
      else w?.resolve(answer.outcome!);
    });
    // A thread that died fails what it held (Shopify sends those again); the next delivery starts another.
    const fail = (error: unknown) => {
      if (thread === t) thread = null;
      for (const w of waiting.values()) w.reject(error instanceof Error ? error : new Error("the intake's writer thread stopped"));
      waiting.clear();
    };
    t.on("error", fail);
    t.on("exit", (code) => fail(new Error(`the intake's writer thread stopped (exit ${code})`)));
    return t;
  };
  return {
    record(delivery, job) {
      thread ??= start();
      const id = next++;
      const t = thread;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        t.postMessage({ id, delivery, job } satisfies WriterRequest);
      });
    },
    async close() {
      const t = thread;
      thread = null;
      if (!t) return;
      const exited = new Promise((resolve) => t.once("exit", resolve));
      t.postMessage({ close: true });
      await exited;
    },
  };
}

export type WriterRequest = { id: number; delivery: DeliveryRow; job: JobInsert } | { close: true };
export type WriterAnswer = { id: number; outcome?: "recorded" | "duplicate"; error?: string };

function postgresIntakeStore(url: string): IntakeStore {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  // One statement, so one round trip and one commit: the job is inserted only when the delivery was.
  // PostgreSQL keeps Prisma's DateTime as timestamp(3) without a time zone, holding UTC.
  const text = `WITH d AS (
      INSERT INTO "WebhookDelivery" ("id", "shopDomain", "topic", "dedupeKey", "webhookId", "eventId", "apiVersion", "triggeredAt", "payload", "receivedAt")
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamp(3), $9, $10::timestamp(3))
      ON CONFLICT ("shopDomain", "dedupeKey") DO NOTHING
      RETURNING 1
    )
    INSERT INTO "Job" ("id", "uniqueKey", "shopDomain", "type", "groupKey", "payload", "status", "runAt", "attempts", "maxAttempts", "createdAt", "updatedAt")
    SELECT $11, $12, $18, $13, $14, $15, 'queued', $16::timestamp(3), 0, $17, $10::timestamp(3), $10::timestamp(3) FROM d
    RETURNING 1`;
  const utc = (date: Date) => date.toISOString().slice(0, 23);
  return {
    async record(d, j) {
      try {
        const result = await pool.query({
          name: "ib_intake_record",
          text,
          values: [d.id, d.shopDomain, d.topic, d.dedupeKey, d.webhookId, d.eventId, d.apiVersion, d.triggeredAt ? utc(d.triggeredAt) : null, d.payload, utc(new Date()), j.id, j.uniqueKey, j.type, j.groupKey, j.payload, utc(j.runAt), j.maxAttempts, j.shopDomain],
        });
        return result.rowCount === 1 ? "recorded" : "duplicate";
      } catch (error) {
        // The job's unique key is taken (its delivery row was redacted since): the statement wrote nothing.
        if ((error as { code?: string }).code === "23505") return "duplicate";
        throw error;
      }
    },
    async close() {
      await pool.end();
    },
  };
}
