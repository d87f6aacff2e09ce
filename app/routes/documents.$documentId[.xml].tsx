// A document's UBL e-invoice behind the same short-lived signed link as its PDF (app/documents/pdf-links.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { serveEInvoice } from "../documents/serve-pdf.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => serveEInvoice(request, params.documentId ?? "");
