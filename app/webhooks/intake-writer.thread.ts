// The thread that writes webhook deliveries to SQLite for the intake's fast path (intake-store.server.ts):
// one connection, statements prepared once, and group commit. The deliveries that arrived while a commit
// was syncing are written in the next transaction together, each in a savepoint of its own (a duplicate
// undoes only itself), so that they share one sync to disk.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { DeliveryRow, JobInsert, WriterAnswer, WriterRequest } from "./intake-store.server";

const sqlite = new Database((workerData as { file: string }).file, { timeout: 10_000 });
// The file is in WAL mode already (the migrations set it); this connection keeps full durability, since
// Shopify's 200 promises the delivery is on disk.
sqlite.pragma("synchronous = FULL");

// Prisma's SQLite adapter keeps a DateTime as ISO 8601 text with an explicit UTC offset.
const sqliteTime = (date: Date) => date.toISOString().replace("Z", "+00:00");

const insertDelivery = sqlite.prepare(
  `INSERT INTO "WebhookDelivery" ("id", "shopDomain", "topic", "dedupeKey", "webhookId", "eventId", "apiVersion", "triggeredAt", "payload", "receivedAt")
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("shopDomain", "dedupeKey") DO NOTHING`,
);
const insertJob = sqlite.prepare(
  `INSERT INTO "Job" ("id", "uniqueKey", "shopDomain", "type", "groupKey", "payload", "status", "runAt", "attempts", "maxAttempts", "createdAt", "updatedAt")
   VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, 0, ?, ?, ?) ON CONFLICT ("uniqueKey") DO NOTHING`,
);

class Duplicate extends Error {}

const one = sqlite.transaction((d: DeliveryRow, j: JobInsert, now: string) => {
  const stored = insertDelivery.run(d.id, d.shopDomain, d.topic, d.dedupeKey, d.webhookId, d.eventId, d.apiVersion, d.triggeredAt ? sqliteTime(d.triggeredAt) : null, d.payload, now);
  if (stored.changes === 0) throw new Duplicate();
  const queued = insertJob.run(j.id, j.uniqueKey, j.shopDomain, j.type, j.groupKey, j.payload, sqliteTime(j.runAt), j.maxAttempts, now, now);
  // Its job is there already (the delivery row was redacted since): nothing is written, as with Prisma.
  if (queued.changes === 0) throw new Duplicate();
});

type Pending = { id: number; delivery: DeliveryRow; job: JobInsert };
const all = sqlite.transaction((batch: Pending[]) => {
  const now = sqliteTime(new Date());
  return batch.map(({ delivery, job }) => {
    try {
      one(delivery, job, now);
      return "recorded" as const;
    } catch (error) {
      if (error instanceof Duplicate) return "duplicate" as const;
      throw error;
    }
  });
});

let pending: Pending[] = [];
const port = parentPort!;
const flush = () => {
  const batch = pending;
  pending = [];
  try {
    // IMMEDIATE: the write lock first, so that the commit never has to upgrade a read lock and fail busy.
    const outcomes = all.immediate(batch);
    batch.forEach(({ id }, i) => port.postMessage({ id, outcome: outcomes[i] } satisfies WriterAnswer));
  } catch (error) {
    for (const { id } of batch) port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies WriterAnswer);
  }
};

port.on("message", (message: WriterRequest) => {
  if ("close" in message) {
    if (pending.length) flush();
    sqlite.close();
    port.close();
    return;
  }
  if (pending.push(message) === 1) setImmediate(flush);
});
