// The Invoices page's loader and actions against a real database: filters, search, keyset pages that
// neither skip nor repeat over many documents, signed PDF links, and the bulk actions.
import { beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { emailDocuments, listDocuments, retryDocuments } from "../../app/admin/invoices.server";
import { orderGroupKey } from "../../app/jobs/queue";

const SHOP = "invoices.myshopify.com";

describeWithDb("the Invoices page's loader and actions", () => {
  beforeEach(() => resetDb());

  async function seed(count: number) {
    const db = await testDb();
    const base = Date.UTC(2026, 10, 1);
    await db.document.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        shopDomain: SHOP, orderId: String(1000 + i), orderName: `#${1000 + i}`, kind: i % 10 === 9 ? "creditNote" : "invoice", source: i % 10 === 9 ? `refund:${i}` : "order",
        idempotencyKey: `k${i}`, providerType: i % 3 === 0 ? "visma" : "economic", state: i % 7 === 0 ? "created" : "finalized", number: i % 7 === 0 ? null : String(10000 + i),
        currency: "DKK", totalMinor: BigInt(1000 * (i + 1)), pdfPath: i % 7 === 0 ? null : `documents/${SHOP}/${i}.pdf`, pdfSha256: "x",
        createdAt: new Date(base + i * 3_600_000),
      })),
    });
    await db.document.create({ data: { shopDomain: "other.myshopify.com", orderId: "1", orderName: "#1000", kind: "invoice", source: "order", idempotencyKey: "other", providerType: "economic", state: "finalized" } });
  }

  it("pages of 50, newest first, that neither skip nor repeat; filters and search; PDF links for booked documents", async () => {
    await seed(120);
    const db = await testDb();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof listDocuments>> = await listDocuments(db, SHOP, { after });
      expect(page.total).toBe(120);
      seen.push(...page.rows.map((r) => r.orderName!));
      after = page.nextAfter;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(seen[0]).toBe("#1119");
    const first = await listDocuments(db, SHOP);
    expect(first.rows[0]).toMatchObject({ orderName: "#1119", kind: "Credit note", state: "Draft", total: "1200.00 DKK", provider: "e-conomic", pdf: null });
    expect(first.rows[1]).toMatchObject({ orderName: "#1118", kind: "Invoice", state: "Booked", number: "10118" });
    expect(first.rows[1].pdf).toMatch(/^\/documents\/.+\.pdf\?for=admin&expires=\d+&signature=/);
    expect(first.providers.map((p) => p.label).sort()).toEqual(["Visma eAccounting", "e-conomic"]);
    const drafts = await listDocuments(db, SHOP, { state: "created" });
    expect(drafts.total).toBe(18);
    expect(drafts.rows.every((r) => r.state === "Draft" && r.pdf === null)).toBe(true);
    expect((await listDocuments(db, SHOP, { provider: "visma" })).total).toBe(40);
    expect((await listDocuments(db, SHOP, { q: "1007" })).rows.map((r) => r.orderName)).toEqual(["#1007"]);
    expect((await listDocuments(db, SHOP, { from: "2026-11-02", to: "2026-11-02" })).total).toBe(24);
  });

  it("bulk: Retry queues the selected orders' failed tasks; Send e-mail queues booked documents once per click", async () => {
    await seed(10);
    const db = await testDb();
    const [booked, draft] = await Promise.all([db.document.findFirstOrThrow({ where: { orderId: "1001" } }), db.document.findFirstOrThrow({ where: { orderId: "1000" } })]);
    const failed = await db.job.create({ data: { type: "order.event", shopDomain: SHOP, uniqueKey: "f", groupKey: orderGroupKey(SHOP, "1000"), payload: "{}", status: "failed" } });
    expect(await retryDocuments(db, SHOP, [draft.id, booked.id])).toEqual({ queued: 1 });
    expect((await db.job.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("queued");
    expect(await emailDocuments(db, SHOP, [booked.id, draft.id], "click-0000-0001")).toEqual({ queued: 1, skipped: 1 });
    expect(await emailDocuments(db, SHOP, [booked.id], "click-0000-0001")).toEqual({ queued: 0, skipped: 0 });
    expect(await db.job.count({ where: { type: "document.email" } })).toBe(1);
  });
});
