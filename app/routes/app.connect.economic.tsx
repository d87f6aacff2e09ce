// "Approve in e-conomic": sends the merchant, out of the admin's frame, to e-conomic's installation URL,
// with a one-time state in the address e-conomic returns to.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import db from "../db.server";
import { startEconomicConnect } from "../providers/economic/economic-connect.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  return redirect(await startEconomicConnect(db, session.shop), { target: "_top" });
};

// The thrown answer's headers (App Bridge's "leave the frame" header) must reach the browser.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
