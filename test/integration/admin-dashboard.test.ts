// The dashboard's figures against a real database: what counts as today and this week, which failures
// need the merchant (a failed job's latest words, not a retried one), and where automatic booking stands.
import { beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { loadDashboard, verificationOf } from "../../app/admin/dashboard.server";

const SHOP = "dash.myshopify.com";
const NOW = new Date("2026-11-21T15:00:00Z");

describeWithDb("the dashboard's figures", () => {
  beforeEach(() => resetDb());

  it("counts today's and this week's documents, lists failed jobs once with their latest words, and shows the connection", async () => {
    const db = await testDb();
    const doc = (n: number, updatedAt: string, kind = "invoice", state = "finalized") =>
      db.document.create({ data: { shopDomain: SHOP, orderId: String(n), kind, source: "order", idempotencyKey: `k${n}`, providerType: "economic", state, updatedAt: new Date(updatedAt) } });
    await doc(1, "2026-11-21T09:00:00Z");
    await doc(2, "2026-11-19T09:00:00Z");
    await doc(3, "2026-11-01T09:00:00Z");
    await doc(4, "2026-11-21T10:00:00Z", "creditNote");
    await doc(5, "2026-11-21T10:00:00Z", "invoice", "created");
    const failed = await db.job.create({ data: { type: "order.event", shopDomain: SHOP, uniqueKey: "f", payload: "{}", status: "failed" } });
    const retried = await db.job.create({ data: { type: "order.event", shopDomain: SHOP, uniqueKey: "r", payload: "{}", status: "done" } });
    await db.syncLogEntry.create({ data: { shopDomain: SHOP, jobId: failed.id, status: "failed", message: "first words", createdAt: new Date("2026-11-21T08:00:00Z") } });
    await db.syncLogEntry.create({ data: { shopDomain: SHOP, jobId: failed.id, orderName: "#1", status: "failed", message: "latest words", createdAt: new Date("2026-11-21T09:00:00Z") } });
    await db.syncLogEntry.create({ data: { shopDomain: SHOP, jobId: retried.id, status: "failed", message: "fixed since" } });
    await db.connection.create({ data: { shopDomain: SHOP, providerType: "visma", encryptedCredentials: "x" } });
    const dashboard = await loadDashboard(db, SHOP, NOW);
    expect(dashboard.documents).toEqual({ today: 1, last7Days: 2, creditNotesLast7Days: 1 });
    expect(dashboard.failureCount).toBe(1);
    expect(dashboard.failures.map((f) => [f.orderName, f.message])).toEqual([["#1", "latest words"]]);
    expect(dashboard.connection).toMatchObject({ name: "Visma eAccounting", status: "active", message: null });
  });

  it("says where automatic booking stands: running, waiting for the merchant, confirmed", () => {
    const shop = (days: number, settings: Record<string, unknown>) => ({ verificationStartedAt: new Date(NOW.getTime() - days * 86_400_000), settings: JSON.stringify(settings) });
    expect(verificationOf(shop(3, { rules: { verificationDays: 14 } }), NOW)).toEqual({ state: "running", endsOn: "2026-12-02" });
    expect(verificationOf(shop(20, { rules: { verificationDays: 14 } }), NOW)).toEqual({ state: "awaiting-confirmation" });
    expect(verificationOf(shop(3, { rules: { bookingConfirmedAt: "2026-11-20T00:00:00Z" } }), NOW)).toEqual({ state: "confirmed" });
  });
});
