// The two files of an e-invoice, made by @e-invoice-eu/core's format services from the model of en16931.ts:
// - UBL 2.1 (Invoice, or CreditNote for a credit note) with Peppol BIS Billing 3.0's customization id;
// - Factur-X, profile EN 16931: the PDF we print, made PDF/A-3 with the CII XML embedded as factur-x.xml
//   (relationship Alternative) and Factur-X's XMP metadata.
//
// The model is first checked against the library's JSON schema of EN 16931 (with the format's own
// additions), so that a document missing a required field fails here, loudly, instead of leaving half an
// e-invoice. This is what the library's InvoiceService.generate does, with two differences: the schema is
// compiled once per format rather than on every call (that compile was most of a Factur-X PDF's 200-300
// ms), and the preceding-invoice workaround below is applied after the check, not before.
import type { EInvoiceFormat, Invoice } from "@e-invoice-eu/core";
import type { ValidateFunction } from "ajv/dist/2019";

/** Peppol BIS Billing 3.0 on EN 16931 (BT-24). */
export const PEPPOL_BIS_3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
export const PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

export class EInvoiceSchemaError extends Error {}

type Format = { formatter: EInvoiceFormat; validate: ValidateFunction<Invoice>; name: string };
const formats = new Map<string, Promise<Format>>();

// The library reports what it fixed or warns about through this logger; nothing of it is for the merchant.
const quiet = { log() {}, warn() {}, error() {} };

/** Loaded on first use: only a shop that issues its own e-invoices needs the library. */
function format(name: "UBL" | "Factur-X-EN16931"): Promise<Format> {
  let loading = formats.get(name);
  if (!loading) {
    loading = (async () => {
      const [{ FormatFactoryService, invoiceSchema }, { Ajv2019 }] = await Promise.all([import("@e-invoice-eu/core"), import("ajv/dist/2019.js")]);
      const factory = new FormatFactoryService();
      const formatter = factory.createFormatService(name, quiet);
      const schema = structuredClone(invoiceSchema);
      formatter.patchSchema(schema);
      const validate = new Ajv2019({ strict: true, allErrors: true, useDefaults: true }).compile<Invoice>(schema);
      return { formatter, validate, name: factory.normalizeFormat(name) };
    })();
    formats.set(name, loading);
  }
  return loading;
}

/** The model, checked and with the format's defaults filled in (a copy: the caller's model is not touched). */
function checked(f: Format, model: Invoice): Invoice {
  const invoice = structuredClone(model);
  if (!f.validate(invoice)) {
    const errors = (f.validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
    throw new EInvoiceSchemaError(`the e-invoice is incomplete: ${errors.join("; ")}`);
  }
  f.formatter.fillInvoiceDefaults(invoice);
  return invoice;
}

export async function renderUbl(model: Invoice): Promise<string> {
  const f = await format("UBL");
  const invoice = checked(f, model);
  invoice["ubl:Invoice"]["cbc:CustomizationID"] = PEPPOL_BIS_3;
  invoice["ubl:Invoice"]["cbc:ProfileID"] = PEPPOL_PROFILE;
  const xml = await f.formatter.generate(invoice, { format: f.name, lang: "en-us" });
  if (typeof xml !== "string") throw new Error("the UBL renderer returned binary data");
  return xml;
}

/**
 * @e-invoice-eu/core 2.3.4 maps a preceding invoice (BG-3) to CII from cac:BillingReference/cbc:ID, one
 * level above where UBL (and the library's own schema) has it, cac:InvoiceDocumentReference/cbc:ID; as
 * it is, a credit note's CII would lose the invoice it credits. After the schema check, the number and
 * date are given at that level too; the date as CII's format 102 (YYYYMMDD), which that mapping does not
 * convert to.
 */
function withCiiBillingReference(invoice: Invoice): Invoice {
  const references = invoice["ubl:Invoice"]["cac:BillingReference"];
  if (!references) return invoice;
  invoice["ubl:Invoice"]["cac:BillingReference"] = references.map((reference) => {
    const { "cbc:ID": id, "cbc:IssueDate": issueDate } = reference["cac:InvoiceDocumentReference"];
    return { ...reference, "cbc:ID": id, ...(issueDate ? { "cbc:IssueDate": issueDate.replaceAll("-", "") } : {}) };
  });
  return invoice;
}

export async function renderFacturX(model: Invoice, pdf: Uint8Array, input: { filename: string; language: string }): Promise<Uint8Array> {
  const f = await format("Factur-X-EN16931");
  const invoice = withCiiBillingReference(checked(f, model));
  const result = await f.formatter.generate(invoice, {
    format: f.name,
    lang: input.language,
    pdf: { buffer: pdf, filename: input.filename, mimetype: "application/pdf" },
  });
  if (typeof result === "string") throw new Error("the Factur-X renderer returned text instead of a PDF");
  return result;
}
