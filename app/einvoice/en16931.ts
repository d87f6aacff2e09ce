// The shop's own invoice or credit note as an EN 16931 e-invoice, from the very content its PDF is printed
// from (OwnInvoiceContent), so that the PDF and the XML can never disagree. The result is the semantic
// model in @e-invoice-eu/core's UBL-shaped JSON; render.server.ts turns it into UBL 2.1 (Peppol BIS
// Billing 3.0) and into the CII inside a Factur-X PDF.
//
// Where a document cannot be a valid e-invoice, it is refused with the field and where to set it, never
// made half-valid: EN 16931 allows at most 2 decimals in amounts (so no KWD), and requires the seller's
// VAT id and address and the buyer's country.
//
// How the content maps:
// - product, tip, duties and adjustment lines are invoice lines (net amounts: EN 16931 prices are net);
// - discount and shipping-discount lines are document-level allowances, shipping lines charges, each with
//   the VAT category and rate of the line it came from;
// - our rounding line is the rounding amount (BT-114), and gift cards paid the prepaid amount (BT-113);
// - the VAT breakdown is the content's own, per category and rate, unchanged.
import type { Invoice } from "@e-invoice-eu/core";
import { currencyExponent, formatMinor, parseRatio, ratioToString } from "../lib/money";
import type { OwnInvoiceContent } from "../providers/shop/own-invoice-content";
import { EU_COUNTRIES } from "../lib/eu";


/** UNCL 5305, the VAT categories an own invoice can carry. */
export type VatCategory = "S" | "Z" | "E" | "AE" | "K" | "G";

/** What the merchant sets for e-invoices beyond what the PDF already asks (Settings → E-mail). */
export type EInvoiceSeller = {
  /** Street, postcode and city apart: the XML has a field for each. */
  street: string;
  postcode: string;
  city: string;
  /** The legal registration id (BT-30), where the seller's country requires one (FR: SIREN). */
  companyId: string | null;
  /** Why 0% lines of a domestic sale are exempt (category E); without it they are zero-rated (Z). */
  exemptionReason: string | null;
};

export type EInvoiceInput = {
  content: OwnInvoiceContent;
  /** The document's number (an own document has one once it is final). */
  number: string;
  seller: EInvoiceSeller | null;
};

export type Refusal = { code: string; field: string; where: string; message: string };
export type EInvoiceModel = { ok: true; invoice: Invoice; payable: bigint; category: (rate: string) => VatCategory } | { ok: false; refusal: Refusal };

const ALLOWANCE_KINDS = new Set(["discount", "shipping-discount"]);
const CHARGE_KINDS = new Set(["shipping"]);

/** "0.25" → "25", "0.075" → "7.5": a VAT rate as EN 16931's percentage, exactly. */
export function vatPercent(rate: string): string {
  const ratio = parseRatio(rate);
  return ratioToString({ num: ratio.num * 100n, den: ratio.den });
}

function refuse(number: string, code: string, field: string, where: string, why: string): EInvoiceModel {
  return { ok: false, refusal: { code, field, where, message: `E-invoice not made for ${number}: ${why}` } };
}

/** The e-invoice of an own document, or why it cannot be one. */
export function einvoiceModel({ content, number, seller }: EInvoiceInput): EInvoiceModel {
  const currency = content.currency;
  const where = "Settings → Connection → E-invoices";
  if (currencyExponent(currency) > 2) {
    return refuse(number, "einvoice_currency_decimals", "currency", "", `EN 16931 allows at most 2 decimals in amounts, and ${currency} has ${currencyExponent(currency)}. The PDF invoice was issued as usual.`);
  }
  if (content.lines.some((line) => line.kind === "sales-tax")) {
    return refuse(number, "einvoice_sales_tax", "lines", "", "the order carries sales tax, which EN 16931 (a VAT standard) cannot express. The PDF invoice was issued as usual.");
  }
  const s = content.seller;
  if (!s.vatId.trim()) return refuse(number, "einvoice_seller_vat", "seller.vatId", where, `set the shop's VAT number under ${where}.`);
  if (!seller) return refuse(number, "einvoice_seller_address", "seller.street", where, `set the shop's street, postcode and city under ${where}.`);
  for (const [field, value, label] of [["seller.street", seller.street, "street"], ["seller.postcode", seller.postcode, "postcode"], ["seller.city", seller.city, "city"]] as const) {
    if (!value.trim()) return refuse(number, "einvoice_seller_address", field, where, `set the shop's ${label} under ${where}.`);
  }
  const sellerCountry = s.countryCode.toUpperCase();
  if (sellerCountry === "FR" && !seller.companyId) {
    return refuse(number, "einvoice_seller_company_id", "seller.companyId", where, `a French seller's e-invoice names its SIREN: set it under ${where}.`);
  }
  const buyerCountry = content.buyer.countryCode?.toUpperCase() ?? null;
  if (!buyerCountry) {
    return refuse(number, "einvoice_buyer_country", "buyer.countryCode", "the order's billing address", "the buyer has no country in the order's billing address, and EN 16931 requires one. The PDF invoice was issued as usual.");
  }

  const amount = (minor: bigint) => formatMinor(minor, currency);
  const crossBorderB2B = content.reverseCharge;
  const export_ = EU_COUNTRIES.has(sellerCountry) && !EU_COUNTRIES.has(buyerCountry);
  const goods = content.lines.some((line) => line.kind === "shipping");
  const category = (rate: string): VatCategory => {
    if (parseRatio(rate).num !== 0n) return "S";
    if (crossBorderB2B) return goods ? "K" : "AE";
    if (export_) return "G";
    return seller.exemptionReason ? "E" : "Z";
  };
  const exemption = (cat: VatCategory) => {
    switch (cat) {
      case "AE":
        return { code: "VATEX-EU-AE", text: "Reverse charge" };
      case "K":
        return { code: "VATEX-EU-IC", text: "Intra-Community supply" };
      case "G":
        return { code: "VATEX-EU-G", text: "Export outside the EU" };
      case "E":
        return { code: null, text: seller.exemptionReason ?? "Exempt" };
      default:
        return null;
    }
  };
  const taxCategory = (rate: string) => ({ "cbc:ID": category(rate), "cbc:Percent": vatPercent(rate), "cac:TaxScheme": { "cbc:ID": "VAT" } });

  // Lines, allowances and charges, each in net amounts. A credit note's content is in positive amounts,
  // as the PDF prints it; UBL's CreditNote and CII's type 381 take them so.
  const roundingLines = content.lines.filter((line) => line.kind === "rounding");
  const rounding = roundingLines.reduce((sum, line) => sum + BigInt(line.gross), 0n);
  // The VAT breakdown without the rounding line, which the content counts at its rate (0%).
  const breakdown = content.vatBreakdown
    .map((row) => {
      const at = roundingLines.filter((line) => line.vatRate === row.rate);
      return { rate: row.rate, net: BigInt(row.net) - at.reduce((sum, l) => sum + BigInt(l.net), 0n), vat: BigInt(row.vat) - at.reduce((sum, l) => sum + BigInt(l.vat), 0n) };
    })
    .filter((row) => row.net !== 0n || row.vat !== 0n || content.lines.some((line) => line.kind !== "rounding" && line.vatRate === row.rate));
  const items = netsThatAddUp(content.lines.filter((line) => line.kind !== "rounding"), breakdown);
  // A document of shipping alone (a refund of the postage) has no item line, which EN 16931 requires: its
  // shipping is then its line, not a charge.
  const itemless = items.every((line) => ALLOWANCE_KINDS.has(line.kind ?? "") || CHARGE_KINDS.has(line.kind ?? ""));
  const isCharge = (line: { kind?: string }) => !itemless && CHARGE_KINDS.has(line.kind ?? "");
  const invoiceLines = items.filter((line) => !ALLOWANCE_KINDS.has(line.kind ?? "") && !isCharge(line));
  const allowances = items.filter((line) => ALLOWANCE_KINDS.has(line.kind ?? ""));
  const charges = items.filter(isCharge);
  if (invoiceLines.length === 0) {
    return refuse(number, "einvoice_no_lines", "lines", "", "the document has no item lines, and EN 16931 requires at least one. The PDF invoice was issued as usual.");
  }

  const lineNet = invoiceLines.reduce((sum, line) => sum + line.netMinor, 0n);
  const allowanceTotal = allowances.reduce((sum, line) => sum - line.netMinor, 0n);
  const chargeTotal = charges.reduce((sum, line) => sum + line.netMinor, 0n);
  const taxExclusive = lineNet - allowanceTotal + chargeTotal;
  const vatTotal = breakdown.reduce((sum, row) => sum + row.vat, 0n);
  const taxInclusive = taxExclusive + vatTotal;
  const prepaid = BigInt(content.giftCardPaid ?? "0");
  const payable = taxInclusive - prepaid + rounding;

  // The content's own totals must be these; if not, the content is not what this mapping understands.
  const breakdownNet = breakdown.reduce((sum, row) => sum + row.net, 0n);
  if (taxExclusive !== breakdownNet || taxExclusive + rounding !== BigInt(content.totals.net) || taxInclusive + rounding !== BigInt(content.totals.gross)) {
    return refuse(number, "einvoice_totals", "totals", "", `its totals do not add up as EN 16931 adds them (net ${amount(taxExclusive)}, VAT ${amount(vatTotal)}); the PDF invoice was issued as usual. Please tell us: this is our fault.`);
  }

  const creditNote = content.kind === "credit-note";
  const addressLines = (lines: string[]) => ({
    ...(lines[0] ? { "cbc:StreetName": lines[0] } : {}),
    ...(lines[1] ? { "cbc:AdditionalStreetName": lines[1] } : {}),
    ...(lines.length > 2 ? { "cac:AddressLine": { "cbc:Line": lines.slice(2).join(", ") } } : {}),
  });
  const b = content.buyer;
  const buyerName = b.isB2B && b.companyName ? b.companyName : b.name;
  const bank = s.bank?.iban ? s.bank : null;
  const due = content.dueDate;
  const paymentTerms = !creditNote && due ? `Payable by ${due}${content.paymentTermsDays ? ` (${content.paymentTermsDays} days net)` : ""}.` : null;

  const invoice: Invoice = {
    "ubl:Invoice": {
      "cbc:ID": number,
      "cbc:IssueDate": content.issueDate,
      ...(!creditNote && due ? { "cbc:DueDate": due } : {}),
      "cbc:InvoiceTypeCode": creditNote ? "381" : "380",
      ...(content.notes ? { "cbc:Note": [content.notes] } : {}),
      "cbc:DocumentCurrencyCode": currency as Invoice["ubl:Invoice"]["cbc:DocumentCurrencyCode"],
      "cbc:BuyerReference": content.buyerReference ?? number,
      ...(content.buyerReference ? { "cac:OrderReference": { "cbc:ID": content.buyerReference } } : {}),
      ...(creditNote && content.credits.length > 0
        ? {
            "cac:BillingReference": content.credits.map((credited) => ({
              "cac:InvoiceDocumentReference": { "cbc:ID": credited.number, ...(credited.issueDate ? { "cbc:IssueDate": credited.issueDate } : {}) },
            })),
          }
        : {}),
      "cac:AccountingSupplierParty": {
        "cac:Party": {
          ...(s.email ? { "cbc:EndpointID": s.email, "cbc:EndpointID@schemeID": "EM" } : {}),
          "cac:PartyName": { "cbc:Name": s.name },
          "cac:PostalAddress": { "cbc:StreetName": seller.street, "cbc:CityName": seller.city, "cbc:PostalZone": seller.postcode, "cac:Country": { "cbc:IdentificationCode": sellerCountry } },
          "cac:PartyTaxScheme": [{ "cbc:CompanyID": s.vatId, "cac:TaxScheme": { "cbc:ID": "VAT" } }],
          "cac:PartyLegalEntity": {
            "cbc:RegistrationName": s.name,
            ...(seller.companyId ? { "cbc:CompanyID": seller.companyId, ...(sellerCountry === "FR" ? { "cbc:CompanyID@schemeID": "0002" } : {}) } : {}),
          },
          ...(s.email || s.phone ? { "cac:Contact": { ...(s.phone ? { "cbc:Telephone": s.phone } : {}), ...(s.email ? { "cbc:ElectronicMail": s.email } : {}) } } : {}),
        },
      },
      "cac:AccountingCustomerParty": {
        "cac:Party": {
          ...(b.email ? { "cbc:EndpointID": b.email, "cbc:EndpointID@schemeID": "EM" } : {}),
          "cac:PartyName": { "cbc:Name": buyerName },
          "cac:PostalAddress": { ...addressLines(b.addressLines), "cac:Country": { "cbc:IdentificationCode": buyerCountry } },
          ...(b.vatId ? { "cac:PartyTaxScheme": { "cbc:CompanyID": b.vatId, "cac:TaxScheme": { "cbc:ID": "VAT" } } } : {}),
          "cac:PartyLegalEntity": { "cbc:RegistrationName": buyerName },
          ...(b.email ? { "cac:Contact": { "cbc:ElectronicMail": b.email } } : {}),
        },
      },
      ...(goods && (crossBorderB2B || export_)
        ? { "cac:Delivery": { "cbc:ActualDeliveryDate": content.issueDate, "cac:DeliveryLocation": { "cac:Address": { ...addressLines(b.addressLines), "cac:Country": { "cbc:IdentificationCode": buyerCountry } } } } }
        : {}),
      ...(bank && !creditNote
        ? {
            "cac:PaymentMeans": [
              {
                "cbc:PaymentMeansCode": "58",
                "cbc:PaymentID": number,
                "cac:PayeeFinancialAccount": {
                  "cbc:ID": bank.iban!.replace(/\s+/g, "").toUpperCase(),
                  ...(bank.name ? { "cbc:Name": bank.name } : {}),
                  ...(bank.bic ? { "cac:FinancialInstitutionBranch": { "cbc:ID": bank.bic.toUpperCase() } } : {}),
                },
              },
            ],
          }
        : {}),
      ...(paymentTerms ? { "cac:PaymentTerms": { "cbc:Note": paymentTerms } } : {}),
      ...(allowances.length + charges.length > 0
        ? {
            "cac:AllowanceCharge": [
              ...allowances.map((line) => ({
                "cbc:ChargeIndicator": "false",
                "cbc:AllowanceChargeReasonCode": "95",
                "cbc:AllowanceChargeReason": line.description,
                "cbc:Amount": amount(-line.netMinor),
                "cbc:Amount@currencyID": currency,
                "cac:TaxCategory": taxCategory(line.vatRate),
              })),
              ...charges.map((line) => ({
                "cbc:ChargeIndicator": "true",
                "cbc:AllowanceChargeReasonCode": "FC",
                "cbc:AllowanceChargeReason": line.description,
                "cbc:Amount": amount(line.netMinor),
                "cbc:Amount@currencyID": currency,
                "cac:TaxCategory": taxCategory(line.vatRate),
              })),
            ],
          }
        : {}),
      "cac:TaxTotal": [
        {
          "cbc:TaxAmount": amount(vatTotal),
          "cbc:TaxAmount@currencyID": currency,
          "cac:TaxSubtotal": breakdown.map((row) => {
            const cat = category(row.rate);
            const reason = exemption(cat);
            return {
              "cbc:TaxableAmount": amount(row.net),
              "cbc:TaxableAmount@currencyID": currency,
              "cbc:TaxAmount": amount(row.vat),
              "cbc:TaxAmount@currencyID": currency,
              "cac:TaxCategory": {
                "cbc:ID": cat,
                "cbc:Percent": vatPercent(row.rate),
                ...(reason?.code ? { "cbc:TaxExemptionReasonCode": reason.code } : {}),
                ...(reason ? { "cbc:TaxExemptionReason": reason.text } : {}),
                "cac:TaxScheme": { "cbc:ID": "VAT" },
              },
            };
          }) as Invoice["ubl:Invoice"]["cac:TaxTotal"][0]["cac:TaxSubtotal"],
        },
      ],
      "cac:LegalMonetaryTotal": {
        "cbc:LineExtensionAmount": amount(lineNet),
        "cbc:LineExtensionAmount@currencyID": currency,
        "cbc:TaxExclusiveAmount": amount(taxExclusive),
        "cbc:TaxExclusiveAmount@currencyID": currency,
        "cbc:TaxInclusiveAmount": amount(taxInclusive),
        "cbc:TaxInclusiveAmount@currencyID": currency,
        ...(allowances.length > 0 ? { "cbc:AllowanceTotalAmount": amount(allowanceTotal), "cbc:AllowanceTotalAmount@currencyID": currency } : {}),
        ...(charges.length > 0 ? { "cbc:ChargeTotalAmount": amount(chargeTotal), "cbc:ChargeTotalAmount@currencyID": currency } : {}),
        ...(prepaid !== 0n ? { "cbc:PrepaidAmount": amount(prepaid), "cbc:PrepaidAmount@currencyID": currency } : {}),
        ...(rounding !== 0n ? { "cbc:PayableRoundingAmount": amount(rounding), "cbc:PayableRoundingAmount@currencyID": currency } : {}),
        "cbc:PayableAmount": amount(payable),
        "cbc:PayableAmount@currencyID": currency,
      },
      "cac:InvoiceLine": invoiceLines.map((line, index) => {
        const net = line.netMinor;
        // The net price per unit, exactly: where the line's net does not divide by its quantity, the price
        // is given for the whole quantity (BT-149 base quantity), so that quantity × price = net still holds.
        // A negative line (a correction) has a negative quantity: EN 16931's prices are never negative.
        const quantity = BigInt(line.quantity) * (net < 0n ? -1n : 1n);
        const perUnit = quantity !== 0n && net % quantity === 0n;
        const price = perUnit ? net / quantity : net < 0n ? -net : net;
        return {
          "cbc:ID": String(index + 1),
          "cbc:InvoicedQuantity": String(quantity),
          "cbc:InvoicedQuantity@unitCode": "H87",
          "cbc:LineExtensionAmount": amount(net),
          "cbc:LineExtensionAmount@currencyID": currency,
          "cac:Item": {
            "cbc:Name": line.description,
            ...(line.sku ? { "cac:SellersItemIdentification": { "cbc:ID": line.sku } } : {}),
            "cac:ClassifiedTaxCategory": taxCategory(line.vatRate),
          },
          "cac:Price": {
            "cbc:PriceAmount": amount(price),
            "cbc:PriceAmount@currencyID": currency,
            ...(perUnit ? {} : { "cbc:BaseQuantity": String(quantity), "cbc:BaseQuantity@unitCode": "H87" }),
          },
        };
      }) as Invoice["ubl:Invoice"]["cac:InvoiceLine"],
    },
  } as Invoice;
  return { ok: true, invoice, payable, category };
}

type Line = OwnInvoiceContent["lines"][number];

/**
 * EN 16931 adds a rate's taxable amount from its lines (BR-S-08, exactly). On a net-priced document the
 * lines' nets are the breakdown's; on a gross-priced one each line's net is its gross less its own VAT,
 * rounded alone, so they can miss the rate's net by a cent or two. That difference goes to the largest
 * item line of the rate (or, without one, its largest allowance or charge), so that the lines add up.
 */
function netsThatAddUp(lines: Line[], breakdown: Array<{ rate: string; net: bigint }>): Array<Line & { netMinor: bigint }> {
  const items = lines.map((line) => ({ ...line, netMinor: BigInt(line.net) }));
  for (const row of breakdown) {
    const at = items.filter((line) => line.vatRate === row.rate);
    const difference = row.net - at.reduce((sum, line) => sum + line.netMinor, 0n);
    if (difference === 0n || at.length === 0) continue;
    const size = (line: { netMinor: bigint }) => (line.netMinor < 0n ? -line.netMinor : line.netMinor);
    const products = at.filter((line) => !ALLOWANCE_KINDS.has(line.kind ?? "") && !CHARGE_KINDS.has(line.kind ?? ""));
    const target = (products.length > 0 ? products : at).reduce((a, b) => (size(b) > size(a) ? b : a));
    target.netMinor += difference;
  }
  return items;
}

/** Both money views of one document must agree: the XML's payable amount and the PDF's total due. */
export function pdfTotalDue(content: OwnInvoiceContent): bigint {
  return BigInt(content.totals.gross) - BigInt(content.giftCardPaid ?? "0");
}
