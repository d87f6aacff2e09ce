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
import Database from "better-sqlite3";
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

// Prisma's SQLite adapter keeps a DateTime as ISO 8601 text with an explicit UTC offset.
const sqliteTime = (date: Date) => date.toISOString().replace("Z", "+00:00");

class Duplicate extends Error {}

function sqliteIntakeStore(file: string): IntakeStore {
  const sqlite = new Database(file, { timeout: 10_000 });
  // The file is in WAL mode already (the migrations set it); this connection keeps full durability, since
  // Shopify's 200 promises the delivery is on disk.
  sqlite.pragma("synchronous = FULL");
  const delivery = sqlite.prepare(
    `INSERT INTO "WebhookDelivery" ("id", "shopDomain", "topic", "dedupeKey", "webhookId", "eventId", "apiVersion", "triggeredAt", "payload", "receivedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("shopDomain", "dedupeKey") DO NOTHING`,
  );
  const job = sqlite.prepare(
    `INSERT INTO "Job" ("id", "uniqueKey", "shopDomain", "type", "groupKey", "payload", "status", "runAt", "attempts", "maxAttempts", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, 0, ?, ?, ?) ON CONFLICT ("uniqueKey") DO NOTHING`,
  );
  const both = sqlite.transaction((d: DeliveryRow, j: JobInsert) => {
    const now = sqliteTime(new Date());
    const stored = delivery.run(d.id, d.shopDomain, d.topic, d.dedupeKey, d.webhookId, d.eventId, d.apiVersion, d.triggeredAt ? sqliteTime(d.triggeredAt) : null, d.payload, now);
    if (stored.changes === 0) throw new Duplicate();
    const queued = job.run(j.id, j.uniqueKey, j.shopDomain, j.type, j.groupKey, j.payload, sqliteTime(j.runAt), j.maxAttempts, now, now);
    // Its job is there already (the delivery row was redacted since): nothing is written, as with Prisma.
    if (queued.changes === 0) throw new Duplicate();
  });
  return {
    async record(d, j) {
      try {
        // IMMEDIATE: the write lock first, so that the commit never has to upgrade a read lock and fail busy.
        both.immediate(d, j);
        return "recorded";
      } catch (error) {
        if (error instanceof Duplicate) return "duplicate";
        throw error;
      }
    },
    async close() {
      sqlite.close();
    },
  };
}

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
