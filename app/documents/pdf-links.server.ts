// Short-lived signed links to a document's PDF, for the admin and for buyers. The link carries the
// document, who it is for, and when it expires, signed with HMAC-SHA256 under a key derived from the app's
// secret; the route that serves it checks the signature and the expiry and needs no session, so a link
// can be opened in a new tab or handed to a browser download. Whoever may see the document decides
// before a link is made (the admin's session; the buyer's customer-account token).
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import type { Db } from "../db.server";
import { storedPdfOrNull } from "../mail/document-pdf";
import { env } from "../lib/env.server";

export type PdfAudience = "admin" | "buyer";

/** How long a link works: long enough to open it, short enough that a leaked one soon stops working. */
export const PDF_LINK_TTL_SECONDS = { admin: 10 * 60, buyer: 5 * 60 } as const;

function signingKey(): Buffer {
  return Buffer.from(hkdfSync("sha256", env().SHOPIFY_API_SECRET, "invoice-bridge", "pdf-links/v1", 32));
}

function signature(documentId: string, audience: PdfAudience, expires: number): string {
  return createHmac("sha256", signingKey()).update(`${documentId}.${audience}.${expires}`).digest("base64url");
}

/**
 * The path (and query) of a signed link to the document's PDF, or (`format: "xml"`) to its UBL e-invoice.
 * One signature covers both files of a document: whoever may have the PDF may have the XML.
 */
export function signPdfLink(input: { documentId: string; audience: PdfAudience; now?: Date; path?: string; format?: "pdf" | "xml" }): string {
  const now = input.now ?? new Date();
  const expires = Math.floor(now.getTime() / 1000) + PDF_LINK_TTL_SECONDS[input.audience];
  const query = new URLSearchParams({ for: input.audience, expires: String(expires), signature: signature(input.documentId, input.audience, expires) });
  return `${input.path ?? "/documents"}/${encodeURIComponent(input.documentId)}.${input.format ?? "pdf"}?${query}`;
}

/** The signed link as a whole URL on the app's address, for links opened from an extension (admin or buyer). */
export function signedPdfUrl(input: { documentId: string; audience: PdfAudience; now?: Date; path?: string; format?: "pdf" | "xml" }): string {
  return new URL(signPdfLink(input), env().SHOPIFY_APP_URL).toString();
}

/** A signed link's answer in words (an invalid or expired link, a PDF that cannot be had right now). */
export function linkTextAnswer(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

/** A signed link's file, never cached, never sniffed as anything else. */
function fileAnswer(bytes: Uint8Array, name: string, type: string, disposition: "inline" | "attachment"): Response {
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: {
      "Content-Type": type,
      "Content-Length": String(bytes.length),
      "Content-Disposition": `${disposition}; filename="${name}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** A signed link's PDF: shown in the browser. */
export const pdfAnswer = (bytes: Uint8Array, name: string) => fileAnswer(bytes, name, "application/pdf", "inline");

/** A signed link's e-invoice: downloaded as a file. */
export const xmlAnswer = (bytes: Uint8Array, name: string) => fileAnswer(bytes, name, "application/xml; charset=utf-8", "attachment");

export type PdfLinkCheck = { ok: true } | { ok: false; status: 403 | 410; reason: string };

export function checkPdfLink(input: { documentId: string; params: URLSearchParams; now?: Date }): PdfLinkCheck {
  const audience = input.params.get("for");
  const expires = Number(input.params.get("expires"));
  const given = input.params.get("signature") ?? "";
  if ((audience !== "admin" && audience !== "buyer") || !Number.isInteger(expires)) {
    return { ok: false, status: 403, reason: "This link to the invoice is not valid." };
  }
  const expected = Buffer.from(signature(input.documentId, audience, expires));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, status: 403, reason: "This link to the invoice is not valid." };
  }
  if (expires * 1000 < (input.now ?? new Date()).getTime()) {
    return { ok: false, status: 410, reason: "This link to the invoice has expired. Open the invoice again from your account or the order to get a new one." };
  }
  return { ok: true };
}

/** A stored file of the document (its PDF, or its UBL e-invoice) when it is there and unchanged (its hash), else null. */
async function readStoredFile(db: Db, documentId: string, dataDir: string, file: "pdf" | "xml"): Promise<{ bytes: Buffer; name: string } | null> {
  const row = await db.document.findUnique({ where: { id: documentId } });
  if (!row) return null;
  const stored = file === "pdf" ? { path: row.pdfPath, sha256: row.pdfSha256 } : { path: row.einvoicePath, sha256: row.einvoiceSha256 };
  if (!stored.path) return null;
  const bytes = await storedPdfOrNull({ dataDir, documentId, invoiceNumber: row.number ?? row.id, pdfPath: stored.path, pdfSha256: stored.sha256 });
  if (!bytes) return null;
  const kind = row.kind === "creditNote" ? "Credit-note" : "Invoice";
  return { bytes, name: `${kind}-${(row.number ?? row.id).replace(/[^\w.-]+/g, "-")}.${file}` };
}

/** The stored PDF when it is there and unchanged, else null: the caller fetches it again. */
export const readStoredDocumentPdf = (db: Db, documentId: string, dataDir: string) => readStoredFile(db, documentId, dataDir, "pdf");

/** The stored UBL e-invoice when it is there and unchanged, else null. */
export const readStoredEInvoice = (db: Db, documentId: string, dataDir: string) => readStoredFile(db, documentId, dataDir, "xml");
