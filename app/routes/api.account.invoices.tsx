// The customer-account Invoices page's endpoint (extensions/invoice-account): GET ?page=N → the signed-in
// buyer's invoices and credit notes, and for a B2B buyer those of the company locations they have a role in,
// newest first, 20 a page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { answerBuyer, preflight } from "../account/account-answer.server";
import { buyerDocuments } from "../account/account-invoices.server";
import { providerForShop } from "../providers/connections.server";
import { adminClientFor } from "../shopify/admin.server";

const deps = { db, adminClientFor, providerFor: providerForShop(db) };

export const loader = ({ request }: LoaderFunctionArgs) =>
  answerBuyer(request, (buyer) => buyerDocuments(deps, buyer, { page: Number(new URL(request.url).searchParams.get("page") ?? "1") }));

export const action = ({ request }: ActionFunctionArgs) => (request.method === "OPTIONS" ? preflight() : new Response(null, { status: 405, headers: { Allow: "GET, OPTIONS", "Access-Control-Allow-Origin": "*" } }));
