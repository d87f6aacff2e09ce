// "Connect Visma eAccounting": sends the merchant, out of the admin's frame, to Visma's sign-in page,
// with a one-time state that the callback checks.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { startVismaConnect } from "../providers/visma/visma-connect.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  const url = await startVismaConnect(db, session.shop);
  // Visma's sign-in page cannot be shown inside the Shopify admin's frame.
  return redirect(url, { target: "_top" });
};
