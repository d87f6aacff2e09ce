// Visma's OAuth callback: check and spend the state, store the tokens, and send the merchant back to the app
// in their Shopify admin.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { completeVismaConnect } from "../providers/visma/visma-connect.server";
import { callbackAnswer } from "../admin/connect-callback.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  return callbackAnswer(await completeVismaConnect(db, { state: params.get("state"), code: params.get("code"), error: params.get("error") }), "visma");
};
