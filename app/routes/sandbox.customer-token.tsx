// The sandbox's customer-account session tokens (a signed-in demo buyer), as shopify.sessionToken.get() hands
// them to a customer-account extension; 404 outside sandbox mode.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { isShopDomain, sandboxCustomerToken, sandboxOnly } from "../sandbox/admin-frame.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const refused = sandboxOnly();
  if (refused) return refused;
  const params = new URL(request.url).searchParams;
  const shop = params.get("shop");
  const customer = params.get("customer") ?? "";
  if (!isShopDomain(shop) || !/^\d{1,20}$/.test(customer)) return Response.json({ error: "needs ?shop=<name>.myshopify.com&customer=<id>" }, { status: 400 });
  return Response.json({ token: await sandboxCustomerToken(shop, customer) }, { headers: { "Cache-Control": "no-store" } });
};
