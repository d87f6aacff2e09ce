// One order event through the order sync, as the worker runs it, against the Shopify simulator: for tests
// that drive the use case directly (without the intake and the queue).
import { syncOrder } from "../../app/invoicing/sync-order.use-case";
import { logger } from "../../app/lib/logger.server";
import { providerForShop } from "../../app/providers/connections.server";
import { httpAdminClient, pacedByThrottle } from "../../app/shopify/admin-client.server";
import type { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { testDb } from "./db";

export function orderSync(input: { shopify: () => ShopifyAdminSimulator; shop: string; accessToken: string; now?: Date }) {
  return async (orderId: number, topic = "ORDERS_PAID") => {
    const db = await testDb();
    const shopify = input.shopify();
    await syncOrder(
      { shopDomain: input.shop, orderId: String(orderId), topic, payload: shopify.restOrderPayload(input.shop, orderId) as unknown as Record<string, unknown>, jobId: "job", deliveryId: "delivery" },
      {
        db,
        logger,
        adminClientFor: async () => pacedByThrottle(httpAdminClient({ endpoint: shopify.url, shop: input.shop, accessToken: input.accessToken, apiVersion: "2026-10", timeoutMs: 2000 })),
        providerFor: providerForShop(db),
        dataDir: process.env.DATA_DIR!,
        now: () => input.now ?? new Date("2026-11-21T12:00:00Z"),
      },
    );
  };
}
