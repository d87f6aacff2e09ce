// The Shopify Admin simulator's order search, over HTTP with the app's own documents: the terms the app
// sends, Shopify's keyset pages, ordersCount, and a loud refusal of what the simulator does not implement.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORDERS_COUNT, ORDERS_FOR_IMPORT, ORDERS_UPDATED_SINCE } from "../../app/shopify/graphql";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const SHOP = "search.myshopify.com";
const sim = new ShopifyAdminSimulator();
const admin = () => httpAdminClient({ endpoint: sim.url, shop: SHOP, accessToken: "shpat_search", apiVersion: "2026-10", timeoutMs: 5000 });
type Page = { orders: { nodes: Array<{ legacyResourceId: string; name: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

const order = (createdAt: string) => sim.addOrder(SHOP, { createdAt, lines: [{ sku: "A", title: "A", quantity: 1, price: "10.00" }] });

describe("the Shopify Admin simulator's order search", () => {
  beforeAll(async () => {
    await sim.start();
    sim.addShop({ domain: SHOP, accessToken: "shpat_search", appUrl: "http://127.0.0.1:9", apiSecret: "x" });
  });
  afterAll(() => sim.close());

  it("keeps the reconciliation query's meaning: orders updated after a moment, oldest change first", async () => {
    const [a, b, c] = [order("2026-03-01T10:00:00Z"), order("2026-03-02T10:00:00Z"), order("2026-03-03T10:00:00Z")];
    sim.setOrderStatus(SHOP, a.id, { fulfillmentStatus: "fulfilled" });
    const page = await admin().request<Page>(ORDERS_UPDATED_SINCE, { query: `updated_at:>'${c.updatedAt}'` });
    expect(page.orders.nodes.map((n) => n.legacyResourceId)).toEqual([String(a.id)]);
    const all = await admin().request<Page>(ORDERS_UPDATED_SINCE, { query: "updated_at:>'2026-01-01T00:00:00Z'" });
    expect(all.orders.nodes.map((n) => n.legacyResourceId)).toEqual([b, c, a].map((o) => String(o.id)));
  });

  it("pages by creation with cursors that name an order, so an order added meanwhile neither repeats nor hides one", async () => {
    sim.shop(SHOP).orders.clear();
    const made = Array.from({ length: 5 }, (_, i) => order(`2026-04-0${i + 1}T10:00:00Z`));
    const query = "created_at:>='2026-04-01T00:00:00Z' created_at:<'2026-05-01T00:00:00Z'";
    const first = await admin().request<Page>(ORDERS_FOR_IMPORT.replace("first: 50", "first: 2"), { query });
    // An order created earlier than the cursor's arrives between pages (Shopify's keyset paging skips it).
    order("2026-04-01T05:00:00Z");
    const second = await admin().request<Page>(ORDERS_FOR_IMPORT.replace("first: 50", "first: 2"), { query, after: first.orders.pageInfo.endCursor });
    expect([...first.orders.nodes, ...second.orders.nodes].map((n) => n.legacyResourceId)).toEqual(made.slice(0, 4).map((o) => String(o.id)));
    expect(second.orders.pageInfo.hasNextPage).toBe(true);
  });

  it("counts exactly, or 'at least' when a limit is reached", async () => {
    sim.shop(SHOP).orders.clear();
    Array.from({ length: 3 }, (_, i) => order(`2026-04-0${i + 1}T10:00:00Z`));
    expect(await admin().request(ORDERS_COUNT, { query: "created_at:>='2026-04-01T00:00:00Z'" })).toEqual({ ordersCount: { count: 3, precision: "EXACT" } });
    const limited = await admin().request(ORDERS_COUNT.replace("limit: null", "limit: 2"), { query: "financial_status:paid" });
    expect(limited).toEqual({ ordersCount: { count: 2, precision: "AT_LEAST" } });
  });

  it("refuses a search it does not implement, by name, instead of ignoring it", async () => {
    await expect(admin().request(ORDERS_COUNT, { query: "email:bo@example.com" })).rejects.toMatchObject({
      code: "shopify_query",
      message: expect.stringContaining("the simulator does not support the search field 'email'"),
    });
    await expect(admin().request(ORDERS_COUNT, { query: "tag:a OR tag:b" })).rejects.toMatchObject({ message: expect.stringContaining("does not support OR") });
  });
});
