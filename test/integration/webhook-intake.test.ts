import { beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { orderPayload, SHOP, webhookRequest } from "../helpers/webhooks";
import { webhookAction } from "../../app/webhooks/webhook-route.server";

const call = (request: Request) => webhookAction({ request, params: {}, context: {} });

describeWithDb("webhook intake", () => {
  beforeEach(resetDb);

  it("answers a signed webhook with 200 and stores exactly one delivery and one job", async () => {
    // GIVEN a signed orders/paid delivery
    const body = orderPayload({ name: "#1042 Ærø ✓" });
    const rawBody = JSON.stringify(body);
    // WHEN it arrives
    const response = await call(webhookRequest({ rawBody, eventId: "evt-1" }));
    // THEN it is acknowledged, the raw body is kept as signed, and one job points at it
    expect(response.status).toBe(200);
    const db = await testDb();
    const deliveries = await db.webhookDelivery.findMany();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ shopDomain: SHOP, topic: "ORDERS_PAID", dedupeKey: "evt-1", payload: rawBody });
    const jobs = await db.job.findMany();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ type: "order.event", status: "queued", groupKey: `${SHOP}:order:820982911946154` });
    expect(JSON.parse(jobs[0].payload)).toMatchObject({ deliveryId: deliveries[0].id, orderId: "820982911946154" });
  });

  it("makes one job when the same event arrives three times at once", async () => {
    const rawBody = JSON.stringify(orderPayload());
    const responses = await Promise.all(
      [1, 2, 3].map(() => call(webhookRequest({ rawBody, eventId: "evt-same" }))),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const db = await testDb();
    expect(await db.job.count()).toBe(1);
    expect(await db.webhookDelivery.count()).toBe(1);
  });

  it("stores each of many concurrent events once, repeats included, when they share one commit", async () => {
    // GIVEN ten different events, each delivered twice, all at the same moment
    const requests = Array.from({ length: 10 }, (_, i) => {
      const rawBody = JSON.stringify(orderPayload({ id: 9000 + i }));
      return [webhookRequest({ rawBody, eventId: `evt-${i}` }), webhookRequest({ rawBody, eventId: `evt-${i}` })];
    }).flat();
    // WHEN they arrive together
    const responses = await Promise.all(requests.map(call));
    // THEN every delivery is acknowledged, and each event is stored with one job
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const db = await testDb();
    const keys = (await db.webhookDelivery.findMany({ orderBy: { dedupeKey: "asc" } })).map((d) => d.dedupeKey);
    expect(keys).toEqual(Array.from({ length: 10 }, (_, i) => `evt-${i}`).sort());
    expect(await db.job.count()).toBe(10);
  });

  it("falls back to the webhook id when there is no event id", async () => {
    const rawBody = JSON.stringify(orderPayload());
    await call(webhookRequest({ rawBody, eventId: null, webhookId: "wh-1" }));
    await call(webhookRequest({ rawBody, eventId: null, webhookId: "wh-1" }));
    await call(webhookRequest({ rawBody, eventId: null, webhookId: "wh-2" }));
    const db = await testDb();
    expect((await db.webhookDelivery.findMany({ orderBy: { dedupeKey: "asc" } })).map((d) => d.dedupeKey)).toEqual(["wh-1", "wh-2"]);
    expect(await db.job.count()).toBe(2);
  });

  it("refuses a bad HMAC with 401 and stores nothing", async () => {
    const response = await call(webhookRequest({ secret: "not-the-app-secret" }));
    expect(response.status).toBe(401);
    const db = await testDb();
    expect(await db.webhookDelivery.count()).toBe(0);
    expect(await db.job.count()).toBe(0);
  });

  it.each(["X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"])(
    "refuses a delivery without %s with 400 and stores nothing",
    async (header) => {
      const response = await call(webhookRequest({ omit: [header] }));
      expect(response.status).toBe(400);
      const db = await testDb();
      expect(await db.webhookDelivery.count()).toBe(0);
      expect(await db.job.count()).toBe(0);
    },
  );

  it("answers GET with 405", async () => {
    const response = await call(webhookRequest({ method: "GET" }));
    expect(response.status).toBe(405);
  });

  it("refuses a correctly signed body that is not JSON with 400 and a log line, and queues nothing", async () => {
    const response = await call(webhookRequest({ rawBody: "{not json", topic: "orders/create" }));
    expect(response.status).toBe(400);
    const db = await testDb();
    expect(await db.job.count()).toBe(0);
    const log = await db.syncLogEntry.findMany();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ shopDomain: SHOP, status: "failed" });
    expect(log[0].message).toContain("orders/create");
    expect(log[0].message).toContain("not JSON");
  });

  it("groups a refund with its order", async () => {
    await call(webhookRequest({ topic: "refunds/create", path: "/webhooks/refunds", body: { id: 77, order_id: 820982911946154, refund_line_items: [] } }));
    const db = await testDb();
    const job = await db.job.findFirstOrThrow();
    expect(job.groupKey).toBe(`${SHOP}:order:820982911946154`);
  });

  it("stores a 250-line order whole", async () => {
    const lines = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, sku: `SKU-${i}`, title: `Line ${i} — ünïcødé`, quantity: 1, price: "1.00" }));
    const rawBody = JSON.stringify(orderPayload({ line_items: lines }));
    expect((await call(webhookRequest({ rawBody }))).status).toBe(200);
    const db = await testDb();
    const stored = JSON.parse((await db.webhookDelivery.findFirstOrThrow()).payload);
    expect(stored.line_items).toHaveLength(250);
    expect(stored.line_items[249].title).toBe("Line 249 — ünïcødé");
  });
});
