// The two ways the intake writes a delivery and its job (Prisma, and the fast path's prepared statements)
// write the same rows, as Prisma reads them back, and treat a repeated event the same way.
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { jobRow } from "../../app/jobs/queue";
import { preparedIntakeStore, prismaIntakeStore, type IntakeStore } from "../../app/webhooks/intake-store.server";

const SHOP = "store.myshopify.com";
const db = await testDb();
const stores: Array<[string, IntakeStore]> = [
  ["Prisma", prismaIntakeStore(db)],
  ["prepared statements", preparedIntakeStore(process.env.DATABASE_URL)],
];
afterAll(() => Promise.all(stores.map(([, store]) => store.close())));

const rows = (dedupeKey: string, payload = '{"id":1,"note":"طلب 🎉"}') => {
  const deliveryId = randomUUID();
  return {
    delivery: {
      id: deliveryId,
      shopDomain: SHOP,
      topic: "ORDERS_PAID",
      dedupeKey,
      webhookId: `wh-${dedupeKey}`,
      eventId: dedupeKey,
      apiVersion: "2026-10",
      triggeredAt: new Date("2026-12-07T10:11:12.345Z"),
      payload,
    },
    job: {
      id: randomUUID(),
      ...jobRow({ type: "order.event", shopDomain: SHOP, uniqueKey: `webhook:${SHOP}:${dedupeKey}`, groupKey: `order:${SHOP}:1`, payload: { deliveryId, topic: "ORDERS_PAID", orderId: "1" } }),
    },
  };
};

describeWithDb("the intake's stores", () => {
  beforeEach(() => resetDb());

  it("write the same delivery and job, field for field, as Prisma reads them", async () => {
    const read = async (deliveryId: string, jobId: string) => {
      const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
      const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      return { delivery, job };
    };
    const results = [];
    for (const [name, store] of stores) {
      const { delivery, job } = rows(`event-${name}`);
      const before = Date.now();
      expect(await store.record(delivery, job)).toBe("recorded");
      const back = await read(delivery.id, job.id);
      // Times are real instants (not shifted by a time zone), close to now.
      expect(back.delivery.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 5);
      expect(back.delivery.receivedAt.getTime()).toBeLessThanOrEqual(Date.now() + 5);
      expect(back.job.runAt.getTime()).toBe(job.runAt.getTime());
      expect(back.delivery.triggeredAt?.toISOString()).toBe("2026-12-07T10:11:12.345Z");
      results.push(back);
    }
    // Apart from ids, keys and times, the two ways wrote the same thing.
    const comparable = ({ delivery, job }: Awaited<ReturnType<typeof read>>) => ({
      delivery: { ...delivery, id: "", dedupeKey: "", webhookId: "", eventId: "", receivedAt: null },
      job: { ...job, id: "", uniqueKey: "", payload: JSON.parse(job.payload).topic, runAt: null, createdAt: null, updatedAt: null },
    });
    expect(comparable(results[1])).toEqual(comparable(results[0]));
    expect(results[1].job).toMatchObject({ status: "queued", attempts: 0, maxAttempts: 8, leaseOwner: null, finishedAt: null });
    // The worker finds both as due jobs.
    expect(await db.job.count({ where: { status: "queued", runAt: { lte: new Date() } } })).toBe(2);
  });

  it.each(stores.map(([name]) => name))("%s: a repeated event is a duplicate and writes nothing, whichever way the first came", async (name) => {
    const store = stores.find(([n]) => n === name)![1];
    for (const [, first] of stores) {
      const key = randomUUID();
      expect(await first.record(rows(key).delivery, rows(key).job)).toBe("recorded");
      const again = rows(key, '{"id":1,"other":"content"}');
      expect(await store.record(again.delivery, again.job)).toBe("duplicate");
    }
    expect([await db.webhookDelivery.count(), await db.job.count()]).toEqual([2, 2]);
  });

  it.each(stores.map(([name]) => name))("%s: a new delivery whose job is already there (its first delivery was redacted) writes neither row", async (name) => {
    const store = stores.find(([n]) => n === name)![1];
    const key = randomUUID();
    const first = rows(key);
    await store.record(first.delivery, first.job);
    await db.webhookDelivery.deleteMany();
    const again = rows(key);
    expect(await store.record(again.delivery, again.job)).toBe("duplicate");
    expect([await db.webhookDelivery.count(), await db.job.count()]).toEqual([0, 1]);
  });

  it.each(stores.map(([name]) => name))("%s: 50 deliveries at once, one event among them twice: 50 recorded, the repeat a duplicate", async (name) => {
    const store = stores.find(([n]) => n === name)![1];
    const keys = Array.from({ length: 50 }, () => randomUUID());
    const outcomes = await Promise.all([...keys, keys[7]].map((key) => rows(key)).map(({ delivery, job }) => store.record(delivery, job)));
    expect(outcomes.filter((o) => o === "recorded")).toHaveLength(50);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(1);
    expect([await db.webhookDelivery.count(), await db.job.count()]).toEqual([50, 50]);
  });
});
