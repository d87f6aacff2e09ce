// Invoices issued directly in the accounting system, for the customer-account Invoices page: the system lists
// the invoices of each of its customers that the buyer's visible orders were invoiced to (the buyer, and for a
// B2B buyer the colleagues whose orders their company locations hold), matched through the app's customer links.
// Each gets a short-lived signed download link that fetches its PDF from the system.
import type { Db } from "../db.server";
import { checkPdfLink, linkTextAnswer, pdfAnswer, signedPdfUrl } from "../documents/pdf-links.server";
import { PENDING } from "../invoicing/issue-document.use-case";
import { AppError } from "../lib/errors";
import { logger } from "../lib/logger.server";
import type { AccountingProvider, ListedInvoice } from "../providers/provider";

/** At most this many of the system's customers are listed per page view, and this many invoices of each. */
const MAX_CUSTOMERS = 10;
const MAX_INVOICES = 100;

export type ProviderFor = (shop: string) => Promise<{ provider: AccountingProvider; type: string } | null>;

export type ErpInvoice = ListedInvoice & { providerType: string; download: string };

/** What an ERP invoice's link names: the shop, the system and the document there. */
type ErpKey = { shop: string; type: string; ref: string; number: string | null };

const encode = (key: ErpKey) => Buffer.from(JSON.stringify(key)).toString("base64url");

/** The invoices the accounting system holds for these Shopify customers; empty where it cannot list them. */
export async function erpInvoices(deps: { db: Db; providerFor: ProviderFor; now?: () => Date }, input: { shopDomain: string; shopifyCustomerIds: string[] }): Promise<ErpInvoice[]> {
  const connection = await deps.providerFor(input.shopDomain).catch(() => null);
  const list = connection?.provider.listCustomerInvoices?.bind(connection.provider);
  if (!connection || !list || !connection.provider.capabilities.listCustomerInvoices || input.shopifyCustomerIds.length === 0) return [];
  const links = await deps.db.customerLink.findMany({
    where: { shopDomain: input.shopDomain, providerType: connection.type, shopifyCustomerId: { in: input.shopifyCustomerIds }, externalId: { not: PENDING } },
    select: { externalId: true },
  });
  const customers = [...new Set(links.map((l) => l.externalId))].slice(0, MAX_CUSTOMERS);
  const now = deps.now?.() ?? new Date();
  const lists = await Promise.all(
    customers.map((customerExternalId) =>
      list({ customerExternalId, limit: MAX_INVOICES }).catch((error: unknown) => {
        // The page still shows the app's own documents; the system's list comes back on the next visit.
        logger.warn({ shopDomain: input.shopDomain, code: error instanceof AppError ? error.code : "unexpected" }, "accounting system's invoice list not available");
        return [];
      }),
    ),
  );
  return lists.flat().map((invoice) => ({
    ...invoice,
    providerType: connection.type,
    download: signedPdfUrl({
      documentId: encode({ shop: input.shopDomain, type: connection.type, ref: invoice.document.providerRef, number: invoice.document.number }),
      audience: "buyer",
      now,
      path: "/account/erp-invoices",
    }),
  }));
}

/** The signed link's PDF, fetched from the accounting system (never stored: the system keeps it). */
export async function serveErpPdf(request: Request, key: string, deps: { providerFor: ProviderFor }): Promise<Response> {
  const text = linkTextAnswer;
  const check = checkPdfLink({ documentId: key, params: new URL(request.url).searchParams });
  if (!check.ok) return text(check.status, check.reason);
  let erp: ErpKey;
  try {
    erp = JSON.parse(Buffer.from(key, "base64url").toString("utf8")) as ErpKey;
  } catch {
    return text(403, "This link to the invoice is not valid.");
  }
  const connection = await deps.providerFor(erp.shop).catch(() => null);
  if (!connection || connection.type !== erp.type) return text(503, "The invoice's PDF is not available right now. Try again later.");
  try {
    const bytes = await connection.provider.getPdf({ document: { providerRef: erp.ref, number: erp.number, state: "booked", totalMinor: null } });
    const name = `Invoice-${(erp.number ?? "document").replace(/[^\w.-]+/g, "-")}.pdf`;
    return pdfAnswer(bytes, name);
  } catch (error) {
    logger.warn({ code: error instanceof AppError ? error.code : "unexpected" }, "ERP invoice PDF could not be fetched");
    return text(503, "The invoice's PDF is not available right now. Try again later.");
  }
}
