// The shop's own data about a buyer that an account-code mapping reads (a provider's `accounts`, Intact's):
// the company's external id and the mapping's metafield, read fresh from the Admin API, since staff change
// them in Shopify and the mapping must follow at once.
import type { AccountSubject } from "../providers/provider";
import type { ShopifyAdminClient } from "./admin-client.server";
import { COMPANY_ACCOUNT, CUSTOMER_ACCOUNT } from "./graphql";

type Metafield = { namespace: string; key: string } | null;
/** A query needs some metafield to name; with none asked for, one that no one sets. */
const NONE = { namespace: "invoice_bridge", key: "unused" };

const gid = (type: string, id: string) => (id.startsWith("gid://") ? id : `gid://shopify/${type}/${id}`);

export async function companyForAccount(admin: ShopifyAdminClient, companyId: string, metafield: Metafield): Promise<AccountSubject["company"]> {
  type Answer = { company: { id: string; name: string; externalId: string | null; metafield: { value: string } | null } | null };
  const { company } = await admin.request<Answer>(COMPANY_ACCOUNT, { id: gid("Company", companyId), ...(metafield ?? NONE) });
  return company ? { id: company.id, name: company.name, externalId: company.externalId, metafield: metafield ? (company.metafield?.value ?? null) : null } : null;
}

export async function customerForAccount(admin: ShopifyAdminClient, customerId: string, metafield: Metafield): Promise<AccountSubject["customer"]> {
  type Answer = { customer: { id: string; defaultEmailAddress: { emailAddress: string } | null; metafield: { value: string } | null } | null };
  const { customer } = await admin.request<Answer>(CUSTOMER_ACCOUNT, { id: gid("Customer", customerId), ...(metafield ?? NONE) });
  return customer ? { id: customer.id, email: customer.defaultEmailAddress?.emailAddress ?? null, metafield: metafield ? (customer.metafield?.value ?? null) : null } : null;
}

/** An order's buyer: its company (for a B2B order) and its customer, as the mapping reads them. */
export async function orderAccountSubject(
  admin: ShopifyAdminClient,
  order: { email: string | null; customer: { id: string } | null; company: { id: string; name: string; externalId: string | null } | null },
  metafield: Metafield,
): Promise<AccountSubject> {
  const [company, customer] = await Promise.all([
    order.company ? companyForAccount(admin, order.company.id, metafield) : null,
    order.customer && metafield ? customerForAccount(admin, order.customer.id, metafield) : null,
  ]);
  return {
    company: company ?? (order.company ? { ...order.company, metafield: null } : null),
    customer: customer ? { ...customer, email: order.email ?? customer.email } : { id: order.customer?.id ?? null, email: order.email, metafield: null },
  };
}
