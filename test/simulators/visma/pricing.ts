// Row amounts, VAT and totals of a sales document, in integer arithmetic so that no float drift reaches a total.
// Rounding is half away from zero (the company setting DomesticCurrencyRounding's "HalfAwayFromZero", swagger
// CompanySettingsApi), to 2 decimals, once per VAT rate: the VAT an invoice states is per rate, not per row.
import { numberText } from "./schemas";

export type PricedLine = {
  isText: boolean;
  quantity: number;
  unitPrice: number;
  /** 0–1, as the API takes it. */
  discount: number;
  /** VAT as a fraction (0.25); 0 when no VAT is charged on the row. */
  vatRate: number;
};

export type RateTotal = { vatRate: number; amountCents: number; netCents: number; vatCents: number };

export type Totals = {
  includesVat: boolean;
  /** Per line, in cents: the amount at the line's prices (gross when includesVat), text lines 0. */
  lineCents: number[];
  /** Per line, in cents, without VAT (for gross prices, the line's own share; the totals stay per rate). */
  lineNetCents: number[];
  byRate: RateTotal[];
  /** Incl. VAT. */
  totalCents: number;
  vatCents: number;
  netCents: number;
};

/** The exact scaled integer of a decimal: scaled(19.99, 2) = 1999n. Throws when the value has more decimals. */
export function scaled(value: number, decimals: number): bigint {
  const text = numberText(value);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`Not a decimal: ${text}`);
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > decimals) throw new Error(`${text} has more than ${decimals} decimals`);
  const digits = BigInt(m[2] + fraction.padEnd(decimals, "0"));
  return m[1] === "-" ? -digits : digits;
}

export function decimalsOf(value: number): number {
  const fraction = numberText(value).split(".")[1] ?? "";
  return fraction.replace(/0+$/, "").length;
}

/** n / d rounded half away from zero. */
export function roundDiv(n: bigint, d: bigint): bigint {
  const negative = n < 0n !== d < 0n;
  const a = n < 0n ? -n : n;
  const b = d < 0n ? -d : d;
  const q = (2n * a + b) / (2n * b);
  return negative ? -q : q;
}

const Q = 4; // quantity decimals (orders take 4, drafts 2)
const P = 4; // unit price decimals (4 for foreign customers)
const D = 4; // discount decimals
const R = 4; // VAT rate decimals

/** round2(Quantity × UnitPrice × (1 − DiscountPercentage)) in cents. */
export function lineCents(line: PricedLine): number {
  if (line.isText) return 0;
  const product = scaled(line.quantity, Q) * scaled(line.unitPrice, P) * (10n ** BigInt(D) - scaled(line.discount, D));
  return Number(roundDiv(product, 10n ** BigInt(Q + P + D - 2)));
}

export function priceLines(lines: PricedLine[], includesVat: boolean): Totals {
  const cents = lines.map(lineCents);
  const rates = new Map<number, number>();
  lines.forEach((line, i) => {
    if (!line.isText) rates.set(line.vatRate, (rates.get(line.vatRate) ?? 0) + cents[i]);
  });
  const byRate = [...rates.entries()].map(([vatRate, amountCents]) => {
    const r = scaled(vatRate, R);
    const one = 10n ** BigInt(R);
    // Gross prices: the VAT inside a rate's gross sum is G × r / (1 + r); net prices: N × r.
    const vat = Number(includesVat ? roundDiv(BigInt(amountCents) * r, one + r) : roundDiv(BigInt(amountCents) * r, one));
    return { vatRate, amountCents, vatCents: vat, netCents: includesVat ? amountCents - vat : amountCents };
  });
  const vatCents = byRate.reduce((s, r) => s + r.vatCents, 0);
  const netCents = byRate.reduce((s, r) => s + r.netCents, 0);
  const lineNetCents = lines.map((line, i) =>
    includesVat && !line.isText ? Number(roundDiv(BigInt(cents[i]) * 10n ** BigInt(R), 10n ** BigInt(R) + scaled(line.vatRate, R))) : cents[i],
  );
  return { includesVat, lineCents: cents, lineNetCents, byRate, totalCents: netCents + vatCents, vatCents, netCents };
}

export const money = (cents: number) => cents / 100;
