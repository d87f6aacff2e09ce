// Shopify's throttle, waited out instead of retried, for the historical import.
//
// Shopify refills a shop's bucket at 100 points a second on standard plans and asks for a query's whole
// requested cost up front (838 points for the order the sync reads), so an import of thousands of orders
// is throttled most of the way, by design: it runs at the speed Shopify refills. The client that every
// job uses waits out a short throttle (pacedByThrottle, up to 5 s, three times) and then leaves the wait
// to the job's retry; for an import job that would spend its few attempts on throttling alone, and fail
// orders that nothing is wrong with. Here the job keeps waiting, as long as Shopify's own answer says
// (plus a little jitter, so that jobs throttled together do not return together), within a budget.
// https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits
import { RetryableError } from "../lib/errors";
import type { ShopifyAdminClient } from "../shopify/admin-client.server";

export function waitingOutThrottle(client: ShopifyAdminClient, options: { budgetMs?: number; random?: () => number } = {}): ShopifyAdminClient {
  const budgetMs = options.budgetMs ?? 120_000;
  const random = options.random ?? Math.random;
  return {
    async request<T>(document: string, variables?: Record<string, unknown>) {
      const deadline = Date.now() + budgetMs;
      for (;;) {
        try {
          return await client.request<T>(document, variables);
        } catch (error) {
          if (!(error instanceof RetryableError) || error.code !== "shopify_throttled") throw error;
          const wait = (error.retryAfterMs ?? 1000) + Math.round(random() * 1000);
          // Past the budget, the job's own retry (with Shopify's wait as its Retry-After) takes over.
          if (Date.now() + wait > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    },
  };
}
