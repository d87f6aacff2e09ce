// The seller of the e-invoice tests (a Danish shop with everything EN 16931 asks for), and a plan judged as
// an e-invoice by the official rules.
import { expect } from "vitest";
import { einvoiceModel, pdfTotalDue, type EInvoiceSeller } from "../../app/einvoice/en16931";
import { renderFacturX, renderUbl } from "../../app/einvoice/render.server";
import { currencyExponent, toMinor } from "../../app/lib/money";
import type { DocumentPlan } from "../../app/providers/provider";
import { contentFromPlan, type Buyer, type OwnInvoiceContent, type Seller } from "../../app/providers/shop/own-invoice-content";
import { renderOwnInvoicePdf } from "../../app/providers/shop/own-invoice-pdf";
import { describeAsserts, validateEn16931, type FailedAssert } from "./en16931-rules";
import { embeddedFiles } from "./pdf-attachments";

export const E_SELLER: Seller = {
  name: "Ærøskøbing Kaffe ApS",
  addressLines: ["Vestergade 12", "5970 Ærøskøbing"],
  countryCode: "DK",
  vatId: "DK12345678",
  email: "hej@aeroe-kaffe.dk",
  phone: "+45 62 52 10 10",
  bank: { name: "Danske Bank", iban: "DK50 0040 0440 1162 43", bic: "DABADKKK", accountNumber: null },
};

export const E_SELLER_SETTINGS: EInvoiceSeller = { street: "Vestergade 12", postcode: "5970", city: "Ærøskøbing", companyId: null, exemptionReason: null };

const defaultBuyer: Buyer = { name: "Ole Hansen", companyName: null, vatId: null, email: "ole@example.dk", addressLines: ["Nørregade 7", "1165 København K"], countryCode: "DK", isB2B: false };

export type JudgedEInvoice =
  | { outcome: "refused"; message: string }
  | { outcome: "made"; content: OwnInvoiceContent; ubl: string; cii: string; warnings: FailedAssert[] };

/**
 * A plan as the shop's own document, rendered in both formats and judged by the official EN 16931 rules
 * (the CII read out of the Factur-X PDF); its payable amount must be the PDF's total due. A plan in a
 * currency with more than 2 decimals must be refused instead. Returns which it was, with the XML to look at.
 */
export async function expectEInvoiceOf(
  plan: DocumentPlan,
  input: { kind: "invoice" | "credit-note"; number: string; context: string; buyer?: Buyer; issueDate?: string; credits?: Array<{ number: string; issueDate: string | null }> },
): Promise<JudgedEInvoice> {
  const content = contentFromPlan({
    kind: input.kind,
    plan,
    seller: E_SELLER,
    buyer: input.buyer ?? defaultBuyer,
    language: "en",
    issueDate: input.issueDate ?? "2026-11-28",
    paymentTermsDays: 14,
    credits: input.kind === "credit-note" ? (input.credits ?? [{ number: "INV-1", issueDate: "2026-11-21" }]) : [],
  });
  const model = einvoiceModel({ content, number: input.number, seller: E_SELLER_SETTINGS });
  if (currencyExponent(plan.currency) > 2) {
    expect(model.ok, input.context).toBe(false);
    return { outcome: "refused", message: model.ok ? "" : model.refusal.message };
  }
  if (!model.ok) throw new Error(`${input.context}: ${model.refusal.message}`);
  const ubl = await renderUbl(model.invoice);
  const ublReport = validateEn16931(ubl, "ubl");
  expect(ublReport.fatal, `${input.context}, UBL:\n${describeAsserts(ublReport.fatal)}\n${ubl}`).toEqual([]);
  const facturX = await renderFacturX(model.invoice, await renderOwnInvoicePdf(content, { number: input.number }), { filename: `${input.number}.pdf`, language: "en-us" });
  const cii = (await embeddedFiles(facturX)).find((f) => f.name === "factur-x.xml")!.bytes.toString("utf8");
  const ciiReport = validateEn16931(cii, "cii");
  expect(ciiReport.fatal, `${input.context}, CII:\n${describeAsserts(ciiReport.fatal)}\n${cii}`).toEqual([]);
  expect(toMinor(firstOf(ubl, "cbc:PayableAmount")!, plan.currency), input.context).toBe(pdfTotalDue(content));
  return { outcome: "made", content, ubl, cii, warnings: [...ublReport.warnings, ...ciiReport.warnings] };
}

/** The first value of an element in an XML text, such as cbc:PayableAmount. */
export const firstOf = (xml: string, element: string) => new RegExp(`<${element}[^>]*>([^<]*)</${element}>`).exec(xml)?.[1];
