// The two files of an e-invoice, made by @e-invoice-eu/core from the model of en16931.ts:
// - UBL 2.1 (Invoice, or CreditNote for a credit note) with Peppol BIS Billing 3.0's customization id;
// - Factur-X, profile EN 16931: the PDF we print, made PDF/A-3 with the CII XML embedded as factur-x.xml
//   (relationship Alternative) and Factur-X's XMP metadata.
// The library checks the model against its own JSON schema of EN 16931 first, so that a document missing a
// required field fails here, loudly, rather than leaving half an e-invoice.
import type { Invoice, InvoiceService } from "@e-invoice-eu/core";

/** Peppol BIS Billing 3.0 on EN 16931 (BT-24). */
export const PEPPOL_BIS_3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
export const PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

let service: InvoiceService | undefined;

/** Loaded on first use: only a shop that issues its own e-invoices needs the library. */
async function invoiceService(): Promise<InvoiceService> {
  if (service) return service;
  const { InvoiceService } = await import("@e-invoice-eu/core");
  // The library reports what it fixed or warns about through this logger; nothing of it is for the merchant.
  const quiet = { log() {}, warn() {}, error() {} };
  service = new InvoiceService(quiet);
  return service;
}

/** A deep copy: the library fills defaults into the object it is given. */
const copy = (invoice: Invoice): Invoice => structuredClone(invoice);

export async function renderUbl(invoice: Invoice): Promise<string> {
  const model = copy(invoice);
  model["ubl:Invoice"]["cbc:CustomizationID"] = PEPPOL_BIS_3;
  model["ubl:Invoice"]["cbc:ProfileID"] = PEPPOL_PROFILE;
  const xml = await (await invoiceService()).generate(model, { format: "UBL", lang: "en-us" });
  if (typeof xml !== "string") throw new Error("the UBL renderer returned binary data");
  return xml;
}

export async function renderFacturX(invoice: Invoice, pdf: Uint8Array, input: { filename: string; language: string }): Promise<Uint8Array> {
  const result = await (await invoiceService()).generate(copy(invoice), {
    format: "Factur-X-EN16931",
    lang: input.language,
    pdf: { buffer: pdf, filename: input.filename, mimetype: "application/pdf" },
  });
  if (typeof result === "string") throw new Error("the Factur-X renderer returned text instead of a PDF");
  return result;
}
