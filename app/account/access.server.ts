// What a signed-in buyer may see, decided by us through the Admin API: an order is theirs when its customer is
// the buyer, or when it is a B2B order of a company location the buyer has a role in. Anything else is answered
// as if it did not exist (404, not 403: nothing about another buyer's orders leaks). Answers are kept briefly
// (a minute), so that a page of invoices does not ask Shopify the same question for every row.
import type { ShopifyAdminClient } from "../shopify/admin-client.server";
import { COMPANY_LOCATION_ORDER_IDS, CUSTOMER_COMPANY_ROLES, CUSTOMER_ORDER_IDS, ORDER_BUYER } from "../shopify/graphql";
import type { Buyer } from "./customer-token.server";

const TTL_MS = 60_000;
const MAX_ENTRIES = 5_000;
/** At most this many orders per buyer or location are read for the Invoices page (10 pages of 250). */
const MAX_ORDER_PAGES = 10;

const cache = new Map<string, { at: number; value: unknown }>();

async function cached<T>(key: string, now: number, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.value as T;
  const value = await load();
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { at: now, value });
  return value;
}

/** Forgets every kept answer (tests, and a buyer's roles changed in Shopify). */
export function forgetAccess(): void {
  cache.clear();
}

export type CompanyLocation = { id: string; name: string; companyId: string; companyName: string };

/** The company locations the buyer has a role in. */
export function buyerLocations(admin: ShopifyAdminClient, buyer: Buyer, now = Date.now()): Promise<CompanyLocation[]> {
  return cached(`roles:${buyer.shopDomain}:${buyer.customerId}`, now, async () => {
    type Answer = {
      customer: { companyContactProfiles: Array<{ company: { id: string; name: string }; roleAssignments: { nodes: Array<{ companyLocation: { id: string; name: string } }> } }> } | null;
    };
    const answer = await admin.request<Answer>(CUSTOMER_COMPANY_ROLES, { id: `gid://shopify/Customer/${buyer.customerId}` });
    const locations = new Map<string, CompanyLocation>();
    for (const profile of answer.customer?.companyContactProfiles ?? []) {
      for (const { companyLocation } of profile.roleAssignments.nodes) locations.set(companyLocation.id, { id: companyLocation.id, name: companyLocation.name, companyId: profile.company.id, companyName: profile.company.name });
    }
    return [...locations.values()];
  });
}

export type VisibleOrder = { orderId: string; name: string; financialStatus: string | null; via: "own" | "company"; location: CompanyLocation | null };

/** The order, when the buyer may see it; null otherwise (missing, another buyer's, a guest order, another location's). */
export async function visibleOrder(admin: ShopifyAdminClient, buyer: Buyer, orderId: string, now = Date.now()): Promise<VisibleOrder | null> {
  if (!/^\d{1,20}$/.test(orderId)) return null;
  type Answer = {
    order: {
      name: string;
      displayFinancialStatus: string | null;
      customer: { id: string } | null;
      purchasingEntity: { __typename: string; company?: { name: string }; location?: { id: string; name: string } } | null;
    } | null;
  };
  const order = await cached(`order:${buyer.shopDomain}:${orderId}`, now, async () => (await admin.request<Answer>(ORDER_BUYER, { id: `gid://shopify/Order/${orderId}` })).order);
  if (!order) return null;
  const entity = order.purchasingEntity?.__typename === "PurchasingCompany" ? order.purchasingEntity : null;
  const own = order.customer?.id === `gid://shopify/Customer/${buyer.customerId}`;
  // A B2B order is also its company location's: a colleague with a role there sees it.
  const location = entity?.location ? ((await buyerLocations(admin, buyer, now)).find((l) => l.id === entity.location!.id) ?? null) : null;
  const found = { orderId, name: order.name, financialStatus: order.displayFinancialStatus };
  if (own) return { ...found, via: "own", location };
  return location ? { ...found, via: "company", location } : null;
}

export type OrderPaymentStatus = { orderId: string; financialStatus: string | null; customerId: string | null };

/** Every order the buyer may see: their own, and those of the company locations they have a role in. */
export async function visibleOrders(admin: ShopifyAdminClient, buyer: Buyer, now = Date.now()): Promise<{ orders: OrderPaymentStatus[]; locations: CompanyLocation[] }> {
  const locations = await buyerLocations(admin, buyer, now);
  const pages = async (query: string, id: string, root: "customer" | "companyLocation") =>
    cached(`orders:${buyer.shopDomain}:${id}`, now, async () => {
      type Page = { nodes: Array<{ id: string; displayFinancialStatus: string | null; customer: { id: string } | null }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      const found: OrderPaymentStatus[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_ORDER_PAGES; page++) {
        const answer: Record<string, { orders: Page } | null> = await admin.request(query, { id, after });
        const orders = answer[root]?.orders;
        if (!orders) break;
        for (const node of orders.nodes) {
          found.push({ orderId: node.id.replace(/^gid:\/\/shopify\/Order\//, ""), financialStatus: node.displayFinancialStatus, customerId: node.customer?.id.replace(/^gid:\/\/shopify\/Customer\//, "") ?? null });
        }
        if (!orders.pageInfo.hasNextPage) break;
        after = orders.pageInfo.endCursor;
      }
      return found;
    });
  const lists = await Promise.all([
    pages(CUSTOMER_ORDER_IDS, `gid://shopify/Customer/${buyer.customerId}`, "customer"),
    ...locations.map((l) => pages(COMPANY_LOCATION_ORDER_IDS, l.id, "companyLocation")),
  ]);
  const byId = new Map<string, OrderPaymentStatus>();
  for (const list of lists) for (const order of list) byId.set(order.orderId, order);
  return { orders: [...byId.values()], locations };
}
