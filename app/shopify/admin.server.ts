// Which Admin client the worker gets for a shop: the simulator in sandbox mode, Shopify otherwise.
import { env } from "../lib/env.server";
import { AuthError, RetryableError } from "../lib/errors";
import shopify, { API_VERSION, unauthenticated } from "../shopify.server";
import { httpAdminClient, libraryAdminClient, pacedByThrottle, type ShopifyAdminClient } from "./admin-client.server";

export async function adminClientFor(shop: string): Promise<ShopifyAdminClient> {
  const config = env();
  const endpoint = config.SHOPIFY_ADMIN_ENDPOINT;
  if (!endpoint) {
    // The sandbox never talks to the real Shopify, even by mistake.
    if (config.IB_SANDBOX) throw new RetryableError("shopify_unreachable", "Shopify cannot be reached from the sandbox (no simulator is configured).");
    return pacedByThrottle(libraryAdminClient(shop, unauthenticated.admin));
  }
  // Sandbox: the offline session the demo seeded holds the simulator's token.
  const session = await shopify.sessionStorage.loadSession(`offline_${shop}`);
  if (!session?.accessToken) {
    throw new AuthError("shopify_no_session", "The app has no access to this shop yet. Open it in the Shopify admin to install it.");
  }
  return pacedByThrottle(httpAdminClient({ endpoint, shop, accessToken: session.accessToken, apiVersion: API_VERSION }));
}
