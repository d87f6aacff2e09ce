// The PDF of an invoice issued directly in the accounting system, behind a short-lived signed link that the
// customer-account Invoices page hands out (app/account/erp-invoices.server.ts). The link names the shop, the
// system and the document there, and is signed, so no session is needed to open it.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { serveErpPdf } from "../account/erp-invoices.server";
import { providerForShop } from "../providers/connections.server";

const deps = { db, providerFor: providerForShop(db) };

export const loader = ({ request, params }: LoaderFunctionArgs) => serveErpPdf(request, params.key ?? "", deps);
