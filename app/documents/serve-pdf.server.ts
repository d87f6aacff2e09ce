// Serving a signed PDF link: check the link, read the stored copy (its hash checked), fetch it again from
// the accounting system when missing or damaged, and answer with the bytes, never cached by the browser.
import db from "../db.server";
import { refetchPdf } from "../invoicing/issue-document.use-case";
import { AppError } from "../lib/errors";
import { env } from "../lib/env.server";
import { logger } from "../lib/logger.server";
import { providerForShop } from "../providers/connections.server";
import { checkPdfLink, linkTextAnswer, pdfAnswer, readStoredDocumentPdf } from "./pdf-links.server";

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
