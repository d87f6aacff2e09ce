// Database suites run on SQLite and, in the postgresql project, on PostgreSQL. There, without a server,
// they are skipped with the reason in their title.
import { describe, inject } from "vitest";

const skipReason = inject("pgSkipReason");

export const describeWithDb: typeof describe = Object.assign(
  (name: string, fn: () => void) =>
    describe.skipIf(Boolean(skipReason))(skipReason ? `${name} (SKIPPED: ${skipReason})` : name, fn),
  describe,
) as typeof describe;

/** The database of this test file (SQLite or PostgreSQL), through the app's own client. */
export async function testDb() {
  const { default: db } = await import("../../app/db.server");
  return db;
}

/** Empties every table between tests (the schema stays). */
export async function resetDb() {
  const db = await testDb();
  await db.$transaction([
    db.syncLogEntry.deleteMany(),
    db.job.deleteMany(),
    db.jobGroupLock.deleteMany(),
    db.webhookDelivery.deleteMany(),
    db.document.deleteMany(),
    db.customerLink.deleteMany(),
    db.productLink.deleteMany(),
    db.dataRequest.deleteMany(),
    db.connection.deleteMany(),
    db.oAuthState.deleteMany(),
    db.documentSequence.deleteMany(),
    db.ownDocument.deleteMany(),
    db.emailDelivery.deleteMany(),
    db.importRun.deleteMany(),
    db.bulkRun.deleteMany(),
    db.session.deleteMany(),
    db.shop.deleteMany(),
  ]);
}
