// Serving a signed PDF link: check the link, read the stored copy (its hash checked), fetch it again from
// the accounting system when missing or damaged, and answer with the bytes, never cached by the browser.
import db from "../db.server";
import { refetchPdf } from "../invoicing/issue-document.use-case";
import { AppError } from "../lib/errors";
import { env } from "../lib/env.server";
import { logger } from "../lib/logger.server";
import { providerForShop } from "../providers/connections.server";
import { checkPdfLink, linkTextAnswer, pdfAnswer, readStoredDocumentPdf, readStoredEInvoice, xmlAnswer } from "./pdf-links.server";

export async function servePdf(request: Request, documentId: string, deps = { db, dataDir: env().DATA_DIR }): Promise<Response> {
  const text = linkTextAnswer;
  const check = checkPdfLink({ documentId, params: new URL(request.url).searchParams });
  if (!check.ok) return text(check.status, check.reason);
  let pdf = await readStoredDocumentPdf(deps.db, documentId, deps.dataDir);
  if (!pdf) {
    const row = await deps.db.document.findUnique({ where: { id: documentId } });
    if (!row || row.state !== "finalized") return text(404, "This invoice has no PDF yet.");
    try {
      const connection = await providerForShop(deps.db)(row.shopDomain);
      if (!connection) return text(503, "The invoice's PDF is not available right now. Try again later.");
      await refetchPdf({ db: deps.db, provider: connection.provider, dataDir: deps.dataDir }, documentId);
    } catch (error) {
      logger.warn({ documentId, code: error instanceof AppError ? error.code : "unexpected" }, "PDF could not be fetched again");
      return text(503, "The invoice's PDF is not available right now. Try again later.");
    }
    pdf = await readStoredDocumentPdf(deps.db, documentId, deps.dataDir);
    if (!pdf) return text(503, "The invoice's PDF is not available right now. Try again later.");
  }
  return pdfAnswer(pdf.bytes, pdf.name);
}

/**
 * Serving a signed link to the UBL e-invoice: the same link check, the stored file (its hash checked). It is
 * made when the invoice is booked; a document without one, or whose file is damaged, is said so in words.
 */
export async function serveEInvoice(request: Request, documentId: string, deps = { db, dataDir: env().DATA_DIR }): Promise<Response> {
  const check = checkPdfLink({ documentId, params: new URL(request.url).searchParams });
  if (!check.ok) return linkTextAnswer(check.status, check.reason);
  const xml = await readStoredEInvoice(deps.db, documentId, deps.dataDir);
  if (!xml) {
    const row = await deps.db.document.findUnique({ where: { id: documentId }, select: { einvoicePath: true } });
    if (row?.einvoicePath) {
      logger.warn({ documentId }, "stored e-invoice missing or damaged");
      return linkTextAnswer(503, "The e-invoice of this invoice is not available right now. The PDF invoice carries the same e-invoice inside it.");
    }
    return linkTextAnswer(404, "This invoice has no e-invoice (XML) file.");
  }
  return xmlAnswer(xml.bytes, xml.name);
}
