// The customer-account extensions' order endpoint (extensions/invoice-account: the order status block and the
// order action): GET → the order's booked invoices, each with a short-lived signed download link, and its
// credit notes. Only for the signed-in buyer's own orders and their company locations' (app/account/).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { answerBuyer, NOT_FOUND, preflight } from "../account/account-answer.server";
import { orderDocuments } from "../account/account-invoices.server";
import { providerForShop } from "../providers/connections.server";
import { adminClientFor } from "../shopify/admin.server";

const deps = { db, adminClientFor, providerFor: providerForShop(db) };

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  answerBuyer(request, async (buyer) => {
    const orderId = decodeURIComponent(params.orderId ?? "").replace(/^gid:\/\/shopify\/Order\//, "");
    return (await orderDocuments(deps, buyer, orderId)) ?? NOT_FOUND();
  });

// The browser's CORS preflight arrives as OPTIONS; nothing else is accepted here.
export const action = ({ request }: ActionFunctionArgs) => (request.method === "OPTIONS" ? preflight() : new Response(null, { status: 405, headers: { Allow: "GET, OPTIONS", "Access-Control-Allow-Origin": "*" } }));
