// The stored PDF of a document, read for an e-mail only when it is exactly the file we stored: a
// missing file, a path outside the data folder, or bytes whose sha256 differs from the one kept at
// fetch time make a PdfMissingError, which the caller answers by fetching the PDF again. A buyer never
// gets an e-mail without its invoice, nor someone else's file.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { PermanentError } from "../lib/errors";

export class PdfMissingError extends PermanentError {
  readonly documentId: string;
  readonly problem: "missing" | "damaged";

  constructor(input: { documentId: string; invoiceNumber: string; problem: "missing" | "damaged"; detail: string }) {
    super(
      "pdf_missing",
      `The stored PDF of invoice ${input.invoiceNumber} is ${input.problem}, so it was not e-mailed. ` +
        "Fetch the PDF again from the accounting system (Retry), then send the e-mail.",
      { detail: input.detail },
    );
    this.documentId = input.documentId;
    this.problem = input.problem;
  }
}

export async function readStoredPdf(input: {
  dataDir: string;
  documentId: string;
  invoiceNumber: string;
  pdfPath: string | null;
  pdfSha256: string | null;
}): Promise<Buffer> {
  const fail = (problem: "missing" | "damaged", detail: string) =>
    new PdfMissingError({ documentId: input.documentId, invoiceNumber: input.invoiceNumber, problem, detail });
  if (!input.pdfPath || !input.pdfSha256) throw fail("missing", "the document has no stored PDF");
  const root = path.resolve(input.dataDir);
  const file = path.resolve(root, input.pdfPath);
  if (!file.startsWith(root + path.sep)) throw fail("missing", "the stored PDF path leaves the data folder");
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw fail("missing", `the stored PDF cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (sha256 !== input.pdfSha256.toLowerCase()) throw fail("damaged", `sha256 ${sha256} differs from the stored ${input.pdfSha256}`);
  return bytes;
}

/** The stored PDF when it is there and unchanged, else null (for callers that fetch it again instead). */
export async function storedPdfOrNull(input: Parameters<typeof readStoredPdf>[0]): Promise<Buffer | null> {
  try {
    return await readStoredPdf(input);
  } catch (error) {
    if (error instanceof PdfMissingError) return null;
    throw error;
  }
}
