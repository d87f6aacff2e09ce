// The sync log's loader and action against a real database: failures that need action first, filters,
// pages, redacted details, and Retry that touches only this shop's failed tasks.
import { beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { loadSyncLog, redactDetail, retryTasks } from "../../app/admin/sync-log.server";

const SHOP = "log.myshopify.com";

describeWithDb("the sync log's loader and action", () => {
  beforeEach(() => resetDb());

  async function seed() {
    const db = await testDb();
    const failed = await db.job.create({ data: { type: "order.event", shopDomain: SHOP, uniqueKey: "failed", payload: "{}", status: "failed" } });
    const other = await db.job.create({ data: { type: "order.event", shopDomain: "other.myshopify.com", uniqueKey: "other", payload: "{}", status: "failed" } });
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 10, minute));
    await db.syncLogEntry.create({ data: { shopDomain: SHOP, jobId: failed.id, orderId: "1", status: "failed", message: "the failure", createdAt: at(0), detail: JSON.stringify({ code: "x", error: "refused for anna@example.dk", apiKey: "k-123", customer: { email: "anna@example.dk", name: "Anna" } }) } });
    for (let i = 1; i <= 60; i++) await db.syncLogEntry.create({ data: { shopDomain: SHOP, orderId: String(100 + i), orderName: `#${100 + i}`, status: i % 2 ? "done" : "skipped", message: `entry ${i}`, createdAt: at(i) } });
    await db.document.create({ data: { shopDomain: SHOP, orderId: "1", orderName: "#1001", kind: "invoice", source: "order", idempotencyKey: "k1", providerType: "economic" } });
    return { failed, other };
  }

  it("lists the failure that needs action first, named after its order, then the newest, 50 a page", async () => {
    const { failed } = await seed();
    const db = await testDb();
    const first = await loadSyncLog(db, SHOP);
    expect(first.needsAction).toBe(1);
    expect(first.entries[0]).toMatchObject({ message: "the failure", orderName: "#1001", retryJobId: failed.id });
    expect(first.entries[1].message).toBe("entry 60");
    expect(first.entries).toHaveLength(50);
    expect(first.hasNext).toBe(true);
    const second = await loadSyncLog(db, SHOP, { page: 2 });
    expect(second.entries.map((e) => e.message).at(-1)).toBe("entry 1");
    const skipped = await loadSyncLog(db, SHOP, { status: "skipped" });
    expect(skipped.entries.every((e) => e.status === "skipped")).toBe(true);
    expect(skipped.entries).toHaveLength(30);
  });

  it("shows details with secrets and personal data redacted", async () => {
    await seed();
    const [failure] = (await loadSyncLog(await testDb(), SHOP)).entries;
    expect(JSON.parse(failure.detail!)).toEqual({ code: "x", error: "refused for (e-mail redacted)", apiKey: "(redacted)", customer: { email: "(redacted)", name: "(redacted)" } });
    expect(redactDetail("not json, from bob@example.com")).toBe("not json, from (e-mail redacted)");
  });

  it("retries this shop's failed tasks only, once", async () => {
    const { failed, other } = await seed();
    const db = await testDb();
    expect(await retryTasks(db, SHOP, [failed.id, other.id, failed.id])).toEqual({ queued: 1, skipped: 1 });
    expect((await db.job.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("queued");
    expect((await db.job.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("failed");
    expect(await retryTasks(db, SHOP, [failed.id])).toEqual({ queued: 0, skipped: 1 });
    expect((await loadSyncLog(db, SHOP)).needsAction).toBe(0);
  });
});
