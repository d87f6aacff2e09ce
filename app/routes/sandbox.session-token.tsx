// The sandbox's session tokens, as App Bridge hands them out; 404 outside sandbox mode.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { isShopDomain, sandboxOnly, sandboxSessionToken } from "../sandbox/admin-frame.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const refused = sandboxOnly();
  if (refused) return refused;
  const shop = new URL(request.url).searchParams.get("shop");
  if (!isShopDomain(shop)) return Response.json({ error: "shop must be a *.myshopify.com domain" }, { status: 400 });
  return Response.json({ token: await sandboxSessionToken(shop) }, { headers: { "Cache-Control": "no-store" } });
};
