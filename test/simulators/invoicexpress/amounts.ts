// Amounts, dates and totals for the InvoicExpress simulator: decimals are held as scaled BigInts so
// nothing is lost to floating point, and money ends in integer cents.
//
// Totals (vendor fields `sum`, `discount`, `before_taxes`, `taxes`, `total`; item fields `subtotal`,
// `discount_amount`, `tax_amount`, `total`). Seen in the vendor's response samples
// (https://invoicexpress.com/api-v2/invoices/create, list-all): one item of unit_price "24.3902", quantity 1
// and IVA23 gives subtotal 24.39, tax_amount 5.61, total 30 and the same figures on the document.
// The rounding rule itself is not documented. The simulator's rule, chosen and stated here:
//   - line gross    = unit_price × quantity, rounded half-up to cents            (item `subtotal`)
//   - line discount = gross × discount% , rounded half-up to cents               (item `discount_amount`)
//   - line net      = gross − discount
//   - line VAT      = net × tax rate, rounded half-up to cents, shown per line    (item `tax_amount`)
//   - document      = sum = Σ gross, discount = Σ discount, before_taxes = sum − discount,
//                     taxes = Σ over the tax rates of (Σ net at that rate × rate), rounded once per rate,
//                     total = before_taxes + taxes.
//   The document's VAT per rate follows the European e-invoicing norm (EN 16931, rule BR-CO-17: a VAT
//   category's tax is its taxable amount × its rate, rounded), which InvoicExpress's e-invoices follow.
// A provider that needs a total to the cent must therefore send net unit prices it has rounded itself.

export class AmountError extends Error {}

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * A non-negative decimal given as a JSON number or a string (the vendor's examples send strings:
 * "unit_price":"100","quantity":"5"), as an integer scaled by 10^scale. More decimals than `scale` is an
 * error: the simulator does not round what it was sent (stricter than an unknown real behaviour).
 */
export function parseScaled(value: unknown, scale: number): bigint {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new AmountError("is not a number");
    if (value < 0) throw new AmountError("must be greater than or equal to 0");
    text = numberToPlain(value);
  } else if (typeof value === "string") {
    text = value.trim();
    if (text.startsWith("-") && DECIMAL.test(text.slice(1))) throw new AmountError("must be greater than or equal to 0");
  } else {
    throw new AmountError("is not a number");
  }
  if (!DECIMAL.test(text)) throw new AmountError("is not a number");
  const [whole, fraction = ""] = text.split(".");
  const trimmed = fraction.replace(/0+$/, "");
  if (trimmed.length > scale) throw new AmountError(`can have at most ${scale} decimal places`);
  return BigInt(whole) * 10n ** BigInt(scale) + BigInt(trimmed.padEnd(scale, "0") || "0");
}

function numberToPlain(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, "");
}

/** n / d rounded half-up, for n ≥ 0 and d > 0. */
export function divHalfUp(n: bigint, d: bigint): bigint {
  return (n * 2n + d) / (2n * d);
}

/** A scaled integer back to a plain decimal string with at least `minDecimals` places ("24.3902", "1.0"). */
export function formatScaled(value: bigint, scale: number, minDecimals: number): string {
  const divisor = 10n ** BigInt(scale);
  const whole = value / divisor;
  let fraction = (value % divisor).toString().padStart(scale, "0").replace(/0+$/, "");
  if (fraction.length < minDecimals) fraction = fraction.padEnd(minDecimals, "0");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** Cents as the JSON number the API answers with (24.39, 30). */
export function centsToNumber(cents: bigint): number {
  return Number(cents) / 100;
}

export type LineInput = { unitPrice: bigint /* ×10^4 */; quantity: bigint /* ×10^3 */; discount: bigint /* % ×10^4 */; rate: bigint /* % ×10^4 */ };
export type LineAmounts = { gross: bigint; discount: bigint; net: bigint; tax: bigint; total: bigint; rate: bigint };

export const UNIT_PRICE_SCALE = 4;
export const QUANTITY_SCALE = 3;
export const PERCENT_SCALE = 4;

export function lineAmounts(line: LineInput): LineAmounts {
  // unit price ×10^4 and quantity ×10^3 make ×10^7; cents are ×10^2.
  const gross = divHalfUp(line.unitPrice * line.quantity, 10n ** 5n);
  const discount = divHalfUp(gross * line.discount, 100n * 10n ** BigInt(PERCENT_SCALE));
  const net = gross - discount;
  const tax = divHalfUp(net * line.rate, 100n * 10n ** BigInt(PERCENT_SCALE));
  return { gross, discount, net, tax, total: net + tax, rate: line.rate };
}

export function documentTotals(lines: LineAmounts[]) {
  const sum = lines.reduce((s, l) => s + l.gross, 0n);
  const discount = lines.reduce((s, l) => s + l.discount, 0n);
  const netByRate = new Map<bigint, bigint>();
  for (const l of lines) netByRate.set(l.rate, (netByRate.get(l.rate) ?? 0n) + l.net);
  const taxes = [...netByRate].reduce((s, [rate, net]) => s + divHalfUp(net * rate, 100n * 10n ** BigInt(PERCENT_SCALE)), 0n);
  return { sum, discount, beforeTaxes: sum - discount, taxes, total: sum - discount + taxes };
}

/**
 * Dates are DD/MM/YYYY everywhere in the API (createinvoice.md: "`invoice.date` (string, required)
 * dd/mm/yyyy"). Anything else, or a day that does not exist (31/02/2026), is refused. Returns a sortable
 * day number, or null when invalid.
 */
export function parseDate(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return Math.round(date.getTime() / 86_400_000);
}
