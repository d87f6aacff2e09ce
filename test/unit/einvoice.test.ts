// The e-invoice of the shop's own documents, case by case: each VAT category EN 16931 knows, credit notes,
// gift cards, what is refused and why, and the Factur-X PDF read back (its attachment, XMP, and that it
// still opens and reads as before). Each XML is judged by the official EN 16931 rules.
import { describe, expect, it } from "vitest";
import type { NormalizedOrder } from "../../app/invoicing/order";
import { DEFAULT_PLAN_OPTIONS, planDocument } from "../../app/invoicing/plan";
import { divideRounded, parseRatio, toMinor } from "../../app/lib/money";
import { contentFromPlan, type Buyer, type ContentInput, type OwnInvoiceContent } from "../../app/providers/shop/own-invoice-content";
import { renderOwnInvoicePdf } from "../../app/providers/shop/own-invoice-pdf";
import { einvoiceModel, pdfTotalDue, vatPercent, type EInvoiceSeller } from "../../app/einvoice/en16931";
import { renderFacturX, renderUbl } from "../../app/einvoice/render.server";
import { describeAsserts, validateEn16931 } from "../helpers/en16931-rules";
import { associatedFiles, embeddedFiles, xmpMetadata } from "../helpers/pdf-attachments";
import { describeWithPdfText, pdfText } from "../helpers/pdf-text";
import { E_SELLER, E_SELLER_SETTINGS } from "../helpers/einvoice";

type LineSpec = { title: string; quantity: number; unit: bigint; rate: string; discount?: bigint };

/** A tax-excluded order with Shopify's per-line taxes (rounded half away from zero). */
function order(currency: string, lines: LineSpec[], extra: { shipping?: { price: bigint; rate: string }; giftCardPaid?: bigint } = {}): NormalizedOrder {
  const taxOf = (amount: bigint, rate: string) => {
    const r = parseRatio(rate);
    return { title: "VAT", rate: r, amount: divideRounded(amount * r.num, r.den) };
  };
  const orderLines = lines.map((l, i) => ({
    id: String(i + 1), sku: `SKU-${i + 1}`, variantId: null, title: l.title, quantity: l.quantity, unitPrice: l.unit, discount: l.discount ?? 0n,
    taxes: [taxOf(l.unit * BigInt(l.quantity) - (l.discount ?? 0n), l.rate)], isGiftCard: false, requiresShipping: true,
  }));
  const shipping = extra.shipping ? [{ title: "GLS", code: null, price: extra.shipping.price, discount: 0n, taxes: [taxOf(extra.shipping.price, extra.shipping.rate)] }] : [];
  const net = orderLines.reduce((s, l) => s + l.unitPrice * BigInt(l.quantity) - l.discount, 0n) + shipping.reduce((s, l) => s + l.price, 0n);
  const tax = [...orderLines, ...shipping].reduce((s, l) => s + l.taxes[0].amount, 0n);
  return {
    source: "admin-api", id: "7001", name: "#7001", currency, shopCurrency: currency, presentmentCurrency: currency, taxesIncluded: false,
    createdAt: "2026-11-21T10:00:00Z", cancelledAt: null, financialStatus: "paid", fulfillmentStatus: "unfulfilled", tags: [], channel: "web",
    gateways: [], locale: null, email: null, customer: null, company: null, billingAddress: null, shippingAddress: null,
    lines: orderLines, shipping, tip: 0n, duties: 0n, giftCardPaid: extra.giftCardPaid ?? 0n, total: net + tax, totalTax: tax, paymentTerms: null,
  };
}

const danishCompany: Buyer = { name: "Mette Holm", companyName: "Nordic Cafés ApS", vatId: "DK87654321", email: "ap@nordic-cafes.dk", addressLines: ["Åboulevarden 3", "8000 Aarhus C"], countryCode: "DK", isB2B: true };
const germanCompany: Buyer = { name: "Jonas Weber", companyName: "Rösterei Weber GmbH", vatId: "DE123456789", email: "rechnung@weber.de", addressLines: ["Hauptstraße 5", "10115 Berlin"], countryCode: "DE", isB2B: true };
const norwegianBuyer: Buyer = { name: "Ola Nordmann", companyName: null, vatId: null, email: "ola@example.no", addressLines: ["Karl Johans gate 1", "0154 Oslo"], countryCode: "NO", isB2B: false };

const coffee = (rate: string): LineSpec[] => [
  { title: "Kaffe Ærø blend 500 g", quantity: 3, unit: 8995n, rate, discount: 300n },
  { title: "Kanelbullar", quantity: 2, unit: 4500n, rate },
];

function content(o: NormalizedOrder, overrides: Partial<ContentInput> = {}): OwnInvoiceContent {
  return contentFromPlan({
    kind: "invoice",
    plan: { ...planDocument(o, { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" }), buyerReference: "PO-4711" },
    seller: E_SELLER,
    buyer: danishCompany,
    language: "en",
    issueDate: "2026-11-21",
    paymentTermsDays: 14,
    ...overrides,
  });
}

const first = (xml: string, element: string) => new RegExp(`<${element}[^>]*>([^<]*)</${element}>`).exec(xml)?.[1];
const all = (xml: string, element: string) => [...xml.matchAll(new RegExp(`<${element}[^>]*>([^<]*)</${element}>`, "g"))].map((m) => m[1]);

/** The document rendered in both formats, each passing the official rules; the CII read out of the PDF. */
async function rendered(c: OwnInvoiceContent, number = "INV-2026-7", seller: EInvoiceSeller = E_SELLER_SETTINGS) {
  const model = einvoiceModel({ content: c, number, seller });
  if (!model.ok) throw new Error(model.refusal.message);
  const ubl = await renderUbl(model.invoice);
  const ublReport = validateEn16931(ubl, "ubl");
  expect(ublReport.fatal, describeAsserts(ublReport.fatal)).toEqual([]);
  const pdf = await renderOwnInvoicePdf(c, { number });
  const facturX = await renderFacturX(model.invoice, pdf, { filename: `${number}.pdf`, language: "en-us" });
  const files = await embeddedFiles(facturX);
  const cii = files.find((f) => f.name === "factur-x.xml")!.bytes.toString("utf8");
  const ciiReport = validateEn16931(cii, "cii");
  expect(ciiReport.fatal, describeAsserts(ciiReport.fatal)).toEqual([]);
  if (ublReport.warnings.length + ciiReport.warnings.length > 0) console.info(`${number} warnings:\n${describeAsserts([...ublReport.warnings, ...ciiReport.warnings])}`);
  return { ubl, cii, pdf, facturX, files };
}

describe("e-invoices of the shop's own documents", () => {
  it("writes a VAT rate as EN 16931's percentage, exactly", () => {
    expect(["0.25", "0.075", "0.0825", "0", "0.19"].map(vatPercent)).toEqual(["25", "7.5", "8.25", "0", "19"]);
  });

  it("GIVEN a domestic B2B sale with a discount and shipping THEN it carries the seller, buyer, PO, SKUs, allowance, charge, VAT per rate and bank details", async () => {
    const c = content(order("EUR", [...coffee("0.25"), { title: "Bog", quantity: 1, unit: 19999n, rate: "0.12" }], { shipping: { price: 4900n, rate: "0.25" } }));
    const { ubl, cii } = await rendered(c);
    expect(first(ubl, "cbc:CustomizationID")).toBe("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0");
    expect(first(ubl, "cbc:BuyerReference")).toBe("PO-4711");
    expect(ubl).toContain("<cbc:RegistrationName>Ærøskøbing Kaffe ApS</cbc:RegistrationName>");
    expect(ubl).toContain("<cbc:CompanyID>DK12345678</cbc:CompanyID>");
    expect(ubl).toContain("<cbc:RegistrationName>Nordic Cafés ApS</cbc:RegistrationName>");
    expect(ubl).toContain("<cbc:CompanyID>DK87654321</cbc:CompanyID>");
    expect(all(ubl, "cbc:ID").filter((id) => id.startsWith("SKU-"))).toEqual(["SKU-1", "SKU-2", "SKU-3"]);
    expect(ubl).toMatch(/<cbc:ChargeIndicator>false<\/cbc:ChargeIndicator>[\s\S]*?<cbc:Amount currencyID="EUR">3.00<\/cbc:Amount>/);
    expect(ubl).toMatch(/<cbc:ChargeIndicator>true<\/cbc:ChargeIndicator>[\s\S]*?<cbc:Amount currencyID="EUR">49.00<\/cbc:Amount>/);
    // VAT per rate: 25% on 266.85 + 90.00 + the 49.00 shipping, 12% on the book
    expect(all(ubl, "cbc:TaxableAmount")).toEqual(["199.99", "405.85"]);
    expect(all(ubl, "cbc:TaxAmount").slice(1)).toEqual(["24.00", "101.46"]);
    expect(ubl).toContain("<cbc:ID>DK5000400440116243</cbc:ID>");
    expect(first(ubl, "cbc:DueDate")).toBe("2026-12-05");
    // The same document in CII, inside the PDF
    expect(first(cii, "ram:BuyerReference")).toBe("PO-4711");
    expect(first(cii, "ram:IBANID")).toBe("DK5000400440116243");
    // The money, to the minor unit: payable = the PDF's total = Shopify's total
    expect(toMinor(first(ubl, "cbc:PayableAmount")!, "EUR")).toBe(pdfTotalDue(c));
    expect(toMinor(first(cii, "ram:DuePayableAmount")!, "EUR")).toBe(BigInt(c.totals.gross));
  }, 60_000);

  it("GIVEN an intra-EU B2B sale of goods without VAT THEN its lines are K, intra-community supply, with the delivery country", async () => {
    const c = content(order("EUR", coffee("0"), { shipping: { price: 4900n, rate: "0" } }), { buyer: germanCompany });
    expect(c.reverseCharge).toBe(true);
    const { ubl, cii } = await rendered(c);
    expect(all(ubl, "cbc:TaxExemptionReasonCode")).toEqual(["VATEX-EU-IC"]);
    expect(ubl).toMatch(/<cac:ClassifiedTaxCategory>\s*<cbc:ID>K<\/cbc:ID>/);
    expect(cii).toContain("<ram:CategoryCode>K</ram:CategoryCode>");
  }, 60_000);

  it("GIVEN an intra-EU B2B sale without shipping (a service) THEN its lines are AE, reverse charge", async () => {
    const c = content(order("EUR", coffee("0")), { buyer: germanCompany });
    const { ubl } = await rendered(c);
    expect(all(ubl, "cbc:TaxExemptionReasonCode")).toEqual(["VATEX-EU-AE"]);
    expect(ubl).toMatch(/<cac:ClassifiedTaxCategory>\s*<cbc:ID>AE<\/cbc:ID>/);
  }, 60_000);

  it("GIVEN a sale to a buyer outside the EU without VAT THEN its lines are G, export", async () => {
    const c = content(order("EUR", coffee("0"), { shipping: { price: 4900n, rate: "0" } }), { buyer: norwegianBuyer });
    const { ubl } = await rendered(c);
    expect(all(ubl, "cbc:TaxExemptionReasonCode")).toEqual(["VATEX-EU-G"]);
    expect(ubl).toContain("<cbc:IdentificationCode>NO</cbc:IdentificationCode>");
  }, 60_000);

  it("GIVEN domestic 0% lines THEN they are Z, zero rated; with the shop's exemption reason they are E, exempt, with it", async () => {
    const c = content(order("EUR", [...coffee("0.25"), { title: "Avis", quantity: 1, unit: 3500n, rate: "0" }]));
    const zero = await rendered(c);
    expect(zero.ubl).toMatch(/<cac:ClassifiedTaxCategory>\s*<cbc:ID>Z<\/cbc:ID>/);
    const exempt = await rendered(c, "INV-2026-8", { ...E_SELLER_SETTINGS, exemptionReason: "Exempt under § 13 of the Danish VAT Act (newspapers)" });
    expect(exempt.ubl).toMatch(/<cac:ClassifiedTaxCategory>\s*<cbc:ID>E<\/cbc:ID>/);
    expect(exempt.ubl).toContain("<cbc:TaxExemptionReason>Exempt under § 13 of the Danish VAT Act (newspapers)</cbc:TaxExemptionReason>");
  }, 60_000);

  it("GIVEN a gift card paid part THEN it is the prepaid amount, and the payable amount is the rest", async () => {
    const o = order("EUR", coffee("0.25"), { giftCardPaid: 5000n });
    const c = content(o);
    const { ubl } = await rendered(c);
    expect(first(ubl, "cbc:PrepaidAmount")).toBe("50.00");
    expect(toMinor(first(ubl, "cbc:PayableAmount")!, "EUR")).toBe(o.total - 5000n);
    expect(toMinor(first(ubl, "cbc:TaxInclusiveAmount")!, "EUR")).toBe(o.total);
  }, 60_000);

  it("GIVEN a credit note THEN it is a UBL CreditNote (CII type 381) that names the invoice it credits", async () => {
    const c = content(order("EUR", coffee("0.25")), { kind: "credit-note", credits: [{ number: "INV-2026-7", issueDate: "2026-11-21" }] });
    const { ubl, cii } = await rendered(c, "CN-2026-1");
    expect(ubl).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
    expect(first(ubl, "cbc:CreditNoteTypeCode")).toBe("381");
    expect(ubl).toMatch(/<cac:BillingReference>\s*<cac:InvoiceDocumentReference>\s*<cbc:ID>INV-2026-7<\/cbc:ID>/);
    expect(first(cii, "ram:TypeCode")).toBe("381");
    expect(cii).toMatch(/<ram:InvoiceReferencedDocument>\s*<ram:IssuerAssignedID>INV-2026-7<\/ram:IssuerAssignedID>/);
  }, 60_000);

  it("GIVEN JPY (no decimals) THEN the amounts are whole yen and valid", async () => {
    const c = content(order("JPY", [{ title: "Matcha", quantity: 3, unit: 1980n, rate: "0.25" }]));
    const { ubl } = await rendered(c);
    expect(first(ubl, "cbc:PayableAmount")).toBe("7425");
  }, 60_000);

  it("refuses, in words, what cannot be an e-invoice: 3 decimals, no seller address, no VAT id, a French seller without SIREN, no buyer country", () => {
    const refusal = (c: OwnInvoiceContent, seller: EInvoiceSeller | null = E_SELLER_SETTINGS) => {
      const model = einvoiceModel({ content: c, number: "INV-1042", seller });
      return model.ok ? null : model.refusal;
    };
    expect(refusal(content(order("KWD", [{ title: "Dates", quantity: 2, unit: 3875n, rate: "0" }])))?.message).toBe(
      "E-invoice not made for INV-1042: EN 16931 allows at most 2 decimals in amounts, and KWD has 3. The PDF invoice was issued as usual.",
    );
    const eur = content(order("EUR", coffee("0.25")));
    expect(refusal(eur, null)).toMatchObject({ field: "seller.street", message: "E-invoice not made for INV-1042: set the shop's street, postcode and city under Settings → Connection → E-invoices." });
    expect(refusal(eur, { ...E_SELLER_SETTINGS, postcode: " " })).toMatchObject({ field: "seller.postcode", message: "E-invoice not made for INV-1042: set the shop's postcode under Settings → Connection → E-invoices." });
    expect(refusal({ ...eur, seller: { ...eur.seller, vatId: "" } })).toMatchObject({ field: "seller.vatId", message: "E-invoice not made for INV-1042: set the shop's VAT number under Settings → Connection → E-invoices." });
    expect(refusal({ ...eur, seller: { ...eur.seller, countryCode: "FR", vatId: "FR12345678901" } })?.field).toBe("seller.companyId");
    expect(refusal({ ...eur, buyer: { ...eur.buyer, countryCode: null } })?.field).toBe("buyer.countryCode");
  });
});

describeWithPdfText("the Factur-X PDF", () => {
  it("carries the validated XML as factur-x.xml (Alternative), says Factur-X EN 16931 in its XMP, and reads as the PDF did", async () => {
    const c = content(order("EUR", coffee("0.25"), { shipping: { price: 4900n, rate: "0.25" } }));
    const { pdf, facturX, files, cii } = await rendered(c);
    expect(files.map((f) => [f.name, f.relationship, f.subtype])).toEqual([["factur-x.xml", "Alternative", "text/xml"]]);
    expect(await associatedFiles(facturX)).toEqual(["factur-x.xml"]);
    expect(files[0].bytes.toString("utf8")).toBe(cii);
    const xmp = (await xmpMetadata(facturX))!;
    expect(xmp).toMatch(/<pdfaid:part>3<\/pdfaid:part>/);
    expect(xmp).toMatch(/<fx:DocumentFileName>factur-x.xml<\/fx:DocumentFileName>/);
    expect(xmp).toMatch(/<fx:ConformanceLevel>EN 16931<\/fx:ConformanceLevel>/);
    expect(xmp).toMatch(/<fx:DocumentType>INVOICE<\/fx:DocumentType>/);
    // A PDF reader opens it and reads the same words as in the plain PDF
    expect(pdfText(facturX)).toBe(pdfText(pdf));
  }, 60_000);
});
