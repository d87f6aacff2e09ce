// "Connect Visma eAccounting": sends the merchant, out of the admin's frame, to Visma's sign-in page,
// with a one-time state that the callback checks.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import db from "../db.server";
import { startVismaConnect } from "../providers/visma/visma-connect.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  const url = await startVismaConnect(db, session.shop);
  // Visma's sign-in page cannot be shown inside the Shopify admin's frame. Reached by the app's own
  // navigation (a data request), this answers 401 with App Bridge's header naming where to go.
  return redirect(url, { target: "_top" });
};

// The thrown answer's headers (App Bridge's "leave the frame" header) must reach the browser.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
