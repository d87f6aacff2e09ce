// The Admin client port as the worker gets it in sandbox mode. The environment is read once per process,
// so this file starts the simulator and sets its URL before any module of the app is loaded.
import { afterAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const SHOP = "port-test.myshopify.com";
const simulator = new ShopifyAdminSimulator();
await simulator.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = simulator.url;

describeWithDb("the Admin client port in sandbox mode", () => {
  afterAll(() => simulator.close());
  beforeEach(resetDb);

  it("uses the shop's stored offline session against the simulator, and asks to re-authorise without one", async () => {
    const { adminClientFor } = await import("../../app/shopify/admin.server");
    const { AuthError } = await import("../../app/lib/errors");
    const { SANDBOX_API_SECRET } = await import("../../app/lib/env.server");
    const { SHOP_DETAILS } = await import("../../app/shopify/graphql");
    // GIVEN no offline session: the merchant is asked to open the app
    await expect(adminClientFor(SHOP)).rejects.toBeInstanceOf(AuthError);
    // GIVEN the session that an install stores
    simulator.addShop({ domain: SHOP, accessToken: "shpat_port", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET });
    const db = await testDb();
    await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", accessToken: "shpat_port", scope: "write_orders,read_customers" } });
    // THEN the port reaches the simulator with that token
    const client = await adminClientFor(SHOP);
    expect(await client.request<{ shop: { myshopifyDomain: string } }>(SHOP_DETAILS)).toEqual({
      shop: expect.objectContaining({ myshopifyDomain: SHOP }),
    });
    expect(simulator.shop(SHOP).requests).toEqual([expect.objectContaining({ operationName: "ShopDetails", throttled: false })]);
  });
});
