// e-conomic's return from its installation URL: spend the state, check and store the Agreement Grant Token,
// and send the merchant back to the app in their Shopify admin.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { completeEconomicConnect } from "../providers/economic/economic-connect.server";
import { callbackAnswer } from "../admin/connect-callback.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  return callbackAnswer(await completeEconomicConnect(db, { state: params.get("state"), token: params.get("token") }), "economic");
};
