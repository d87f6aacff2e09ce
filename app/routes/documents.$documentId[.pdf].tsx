// A document's PDF behind a short-lived signed link (app/documents/pdf-links.server.ts). A missing or
// damaged stored copy is fetched again from the accounting system, never served.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { servePdf } from "../documents/serve-pdf.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => servePdf(request, params.documentId ?? "");
