// What the shop's own invoice says, kept as JSON in OwnDocument.content when the document is created,
// so that its PDF can be made again at any time, byte for byte, from the row alone (the number is added
// when the document is final). Amounts are integer minor units written as strings: JSON has no bigint,
// and a JSON number would be a float.
import { z } from "zod";
import { ratioToString } from "../../lib/money";
import type { DocumentPlan } from "../provider";
import { labelsFor, LANGUAGES, type Labels, type Language } from "./translations";
import { EU_COUNTRIES } from "../../lib/eu";

const minor = z.string().regex(/^-?\d+$/, { error: "an amount in minor units" });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "a date as YYYY-MM-DD" });
const rate = z.string().regex(/^\d+(\.\d+)?$/, { error: "a VAT rate such as 0.25" });

export const sellerSchema = z.object({
  name: z.string(),
  addressLines: z.array(z.string()),
  countryCode: z.string(),
  vatId: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  bank: z.object({ name: z.string().nullable(), iban: z.string().nullable(), bic: z.string().nullable(), accountNumber: z.string().nullable() }).nullable(),
});
export type Seller = z.infer<typeof sellerSchema>;

/** The buyer as the invoice names them. findOrCreateCustomer returns this, as JSON, as the buyer's reference. */
export const buyerSchema = z.object({
  name: z.string(),
  companyName: z.string().nullable(),
  vatId: z.string().nullable(),
  email: z.string().nullable(),
  addressLines: z.array(z.string()),
  countryCode: z.string().nullable(),
  isB2B: z.boolean(),
});
export type Buyer = z.infer<typeof buyerSchema>;

export const ownInvoiceContentSchema = z.object({
  version: z.literal(1),
  kind: z.enum(["invoice", "credit-note"]),
  language: z.enum(LANGUAGES),
  currency: z.string().regex(/^[A-Z]{3}$/),
  issueDate: isoDate,
  /** Null on a credit note: nothing is to be paid by a date. */
  dueDate: isoDate.nullable(),
  paymentTermsDays: z.number().int().nullable(),
  seller: sellerSchema,
  buyer: buyerSchema,
  lines: z.array(
    z.object({
      description: z.string(),
      quantity: z.number().int(),
      unitPrice: minor,
      vatRate: rate,
      net: minor,
      vat: minor,
      gross: minor,
      /** The plan's kind of line and the item's SKU, for the e-invoice (documents made before it lack them). */
      kind: z.string().optional(),
      sku: z.string().nullable().optional(),
    }),
  ),
  vatBreakdown: z.array(z.object({ rate, net: minor, vat: minor })),
  totals: z.object({ net: minor, vat: minor, gross: minor }),
  /** The invoices a credit note corrects, with their dates. */
  credits: z.array(z.object({ number: z.string(), issueDate: isoDate.nullable() })),
  /** An intra-EU supply to a business with its VAT id, without VAT: the invoice must say that the buyer pays it. */
  reverseCharge: z.boolean(),
  notes: z.string().nullable(),
  /** The order's PO number (the buyer's reference on the e-invoice). */
  buyerReference: z.string().nullable().optional(),
  /** What gift cards paid of the total (the e-invoice's prepaid amount). */
  giftCardPaid: minor.nullable().optional(),
});
export type OwnInvoiceContent = z.infer<typeof ownInvoiceContentSchema>;


/** "2026-11-21" plus 14 days → "2026-12-05" (calendar days, in UTC so that no time zone moves the date). */
export function addDays(isoDateText: string, days: number): string {
  const date = new Date(`${isoDateText.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export type ContentInput = {
  kind: "invoice" | "credit-note";
  plan: DocumentPlan;
  seller: Seller;
  buyer: Buyer;
  language: Language;
  issueDate: string;
  /** The due date the staff member chose; otherwise the issue date plus the payment terms. */
  dueDate?: string;
  paymentTermsDays: number;
  credits?: Array<{ number: string; issueDate: string | null }>;
  notes?: string | null;
};

/**
 * A line's description in the invoice's language. The plan names the lines it adds in English
 * ("Shipping: GLS", "Discount on Mug"); a description that does not have the plan's form is kept.
 */
function describe(line: DocumentPlan["lines"][number], t: Labels): string {
  const after = (prefix: string) => (line.description.startsWith(prefix) ? line.description.slice(prefix.length) : null);
  const translated = (() => {
    switch (line.kind) {
      case "shipping": {
        const title = after("Shipping: ");
        return title === null ? null : `${t.shipping}: ${title}`;
      }
      case "shipping-discount": {
        const title = after("Shipping discount: ");
        return title === null ? null : `${t.shippingDiscount}: ${title}`;
      }
      case "discount": {
        const title = after("Discount on ");
        return title === null ? null : t.discountOn(title);
      }
      case "tip":
        return line.description === "Tip" ? t.tip : null;
      case "duties":
        return line.description === "Duties" ? t.duties : null;
      case "rounding":
        return line.description === "Rounding" ? t.rounding : null;
      default:
        return null;
    }
  })();
  return translated ?? line.description;
}

/** The invoice's content from the document plan: the plan's own lines, VAT per rate and totals, unchanged. */
export function contentFromPlan(input: ContentInput): OwnInvoiceContent {
  const { plan, seller, buyer } = input;
  const invoice = input.kind === "invoice";
  const zeroVat = plan.vatBreakdown.every((row) => row.vat === 0n);
  const sellerCountry = seller.countryCode.toUpperCase();
  const buyerCountry = buyer.countryCode?.toUpperCase() ?? null;
  return {
    version: 1,
    kind: input.kind,
    language: input.language,
    currency: plan.currency,
    issueDate: input.issueDate.slice(0, 10),
    dueDate: invoice ? (input.dueDate?.slice(0, 10) ?? addDays(input.issueDate, input.paymentTermsDays)) : null,
    paymentTermsDays: invoice ? input.paymentTermsDays : null,
    seller,
    buyer,
    lines: plan.lines.map((line) => ({
      description: describe(line, labelsFor(input.language)),
      quantity: line.quantity,
      unitPrice: String(line.unitPrice),
      vatRate: ratioToString(line.vatRate),
      net: String(line.net),
      vat: String(line.vat),
      gross: String(line.gross),
      kind: line.kind,
      sku: line.sku,
    })),
    vatBreakdown: plan.vatBreakdown.map((row) => ({ rate: row.rate, net: String(row.net), vat: String(row.vat) })),
    totals: { net: String(plan.totals.net), vat: String(plan.totals.vat), gross: String(plan.totals.gross) },
    credits: input.credits ?? [],
    reverseCharge:
      zeroVat && buyer.isB2B && Boolean(buyer.vatId) && buyerCountry !== null && EU_COUNTRIES.has(buyerCountry) && EU_COUNTRIES.has(sellerCountry) && buyerCountry !== sellerCountry,
    notes: input.notes ?? null,
    buyerReference: plan.buyerReference ?? null,
    giftCardPaid: plan.giftCardPaid ? String(plan.giftCardPaid) : null,
  };
}
