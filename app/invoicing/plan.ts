// The document plan: a pure function from the normalised order to provider-neutral lines whose total,
// as a provider computes it, is checked against Shopify's total to the minor unit.
//
// Decisions, and why:
// - Discounts are their own lines (a negative line under each discounted line, with the same VAT rate),
//   not percentages. A percentage with a provider's two decimals cannot express most discounts exactly
//   (5.00 off 29.97 is 16.683…%), so the document would drift from what the buyer paid; a line carries
//   the exact amount and shows the buyer the discount.
// - Prices are net or gross, as the provider needs (e-conomic: net; Collector: gross). Where Shopify does
//   not give the number in the basis asked for (a net discount of a tax-included price), it is derived
//   exactly from amounts Shopify gives, and any rounding lands on the discount line, never on the total.
// - A line's amount that does not divide by its quantity is split in two lines (q−r units at u, r units
//   at u+1 minor unit), so that quantity × unit price stays exact.
// - Shipping, tips and duties are their own lines (shipping with its own VAT and product number); gift
//   cards used to pay are a means of payment, not revenue, and are reported beside the lines.
// - The document total is computed as an invoice states it: VAT per rate, rounded once per rate (net
//   prices: round(Σ net × rate); gross prices: the VAT inside Σ gross). It must equal Shopify's current
//   total, whose tax Shopify rounded per line: in net prices the two can differ by a few minor units. A difference within the tolerance gets
//   an explicit rounding line; a larger one makes the document a draft, with the difference and its
//   likely cause in words.
// - Sales taxes (US, Canada: prices without tax, several tax lines on one line, one per jurisdiction) are
//   booked the way the merchant chose. "combined": each line carries the sum of its rates as one VAT rate,
//   which the accounting system must know (an unmapped rate stops there, in words). "per-jurisdiction": the
//   lines carry no VAT and each tax title (state, county, city; GST, PST) is one line of Shopify's own tax
//   amounts, booked to the product number set for that title. A title with no product number stops the
//   document with a message; it never falls back to a default.
import { PermanentError } from "../lib/errors";
import { addRatios, divideRounded, formatMinor, ratePercent, ratioToString, type Ratio } from "../lib/money";
import type { DocumentPlan, PlanLine, PriceBasis, TotalsCheck } from "../providers/provider";
import type { NormalizedOrder, TaxLine } from "./order";

// The plan's types are the provider port's (app/providers/provider.ts): what a provider is given.
export type { DocumentPlan, PlanLine, PriceBasis, TotalsCheck };

export type PlanOptions = {
  priceBasis: PriceBasis;
  shippingProductNumber: string;
  tipProductNumber: string;
  dutiesProductNumber: string;
  roundingProductNumber: string;
  /** Amounts with no line (an amount-only refund) go to this product. */
  adjustmentProductNumber?: string;
  /** The largest difference, in minor units, that a rounding line may absorb. */
  roundingToleranceMinor: bigint;
  /**
   * Discounts as their own negative lines (default), or folded into the discounted line's price, for
   * systems that refuse negative lines (InvoicExpress: Portuguese invoices carry no negative amounts).
   */
  discountLines?: boolean;
  /** How the taxes of orders with tax-excluded prices are booked (see the header); default combined. */
  salesTax?: SalesTaxBooking;
};

export type SalesTaxBooking = { booking: "combined" } | { booking: "per-jurisdiction"; productNumbers: Record<string, string> };

export const DEFAULT_PLAN_OPTIONS: Omit<PlanOptions, "priceBasis"> = {
  shippingProductNumber: "SHIPPING",
  tipProductNumber: "TIP",
  dutiesProductNumber: "DUTIES",
  roundingProductNumber: "ROUNDING",
  roundingToleranceMinor: 2n,
};

const ZERO: Ratio = { num: 0n, den: 1n };

export function planDocument(input: NormalizedOrder, options: PlanOptions): DocumentPlan {
  const lines: PlanLine[] = [];
  const salesTaxes = options.salesTax?.booking === "per-jurisdiction" && !input.taxesIncluded ? taxesByTitle(input, options.salesTax.productNumbers) : null;
  // Per jurisdiction, the lines themselves carry no tax; the taxes come after them as their own lines.
  const order: NormalizedOrder = salesTaxes
    ? { ...input, lines: input.lines.map((l) => ({ ...l, taxes: [] })), shipping: input.shipping.map((s) => ({ ...s, taxes: [] })) }
    : input;
  const basis = options.priceBasis;
  // Tax-included prices on a net document: each line's net is a share of its rate's net total, chosen so
  // that the document's VAT (per rate) brings it back to exactly what the buyer paid.
  const netShares = order.taxesIncluded && basis === "net" ? sharedNets(order) : undefined;

  const priced = (
    kind: PlanLine["kind"],
    base: Pick<PlanLine, "lineId" | "sku" | "productNumber" | "description">,
    quantity: number,
    amount: bigint,
    vatRate: Ratio,
  ) => {
    for (const part of splitExactly(amount, quantity)) {
      lines.push(lineFor(kind, base, part.quantity, part.unitPrice, vatRate, basis));
    }
  };

  for (const line of order.lines) {
    if (line.quantity <= 0) continue;
    const base = { lineId: line.id, sku: line.sku, productNumber: line.sku, description: line.title };
    const { before, discount, rate } = amountsInBasis(line.amount ?? line.unitPrice * BigInt(line.quantity), line.discount, line.taxes, order.taxesIncluded, basis, netShares?.get(line));
    if (line.discount !== 0n && options.discountLines === false) {
      // The description names the discount as the buyer saw it (Shopify's amount, in the order's own terms).
      priced("product", { ...base, description: `${line.title} (after a discount of ${formatMinor(line.discount, order.currency)} ${order.currency})` }, line.quantity, before - discount, rate);
      continue;
    }
    priced("product", base, line.quantity, before, rate);
    if (line.discount !== 0n) {
      priced("discount", { ...base, description: `Discount on ${line.title}` }, 1, -discount, rate);
    }
  }
  for (const s of order.shipping) {
    const base = { lineId: null, sku: null, productNumber: options.shippingProductNumber, description: `Shipping: ${s.title}` };
    const { before, discount, rate } = amountsInBasis(s.price, s.discount, s.taxes, order.taxesIncluded, basis, netShares?.get(s));
    if (options.discountLines === false) {
      if (before - discount !== 0n) priced("shipping", base, 1, before - discount, rate);
      continue;
    }
    if (before !== 0n || s.discount !== 0n) priced("shipping", base, 1, before, rate);
    if (s.discount !== 0n) priced("shipping-discount", { ...base, description: `Shipping discount: ${s.title}` }, 1, -discount, rate);
  }
  if (order.tip !== 0n) {
    priced("tip", { lineId: null, sku: null, productNumber: options.tipProductNumber, description: "Tip" }, 1, order.tip, ZERO);
  }
  if (order.duties !== 0n) {
    priced("duties", { lineId: null, sku: null, productNumber: options.dutiesProductNumber, description: "Duties" }, 1, order.duties, ZERO);
  }
  for (const adjustment of order.adjustments ?? []) {
    const productNumber = options.adjustmentProductNumber ?? "REFUND";
    priced("adjustment", { lineId: null, sku: null, productNumber, description: adjustment.description }, 1, adjustment.amount, ZERO);
  }
  for (const tax of salesTaxes ?? []) {
    if (tax.amount !== 0n) priced("sales-tax", { lineId: null, sku: null, productNumber: tax.productNumber, description: tax.description }, 1, tax.amount, ZERO);
  }

  const documentTotal = totalsOf(lines, basis).gross;
  const difference = order.total - documentTotal;
  // Without negative lines, a small difference is taken into one line's price rather than a rounding line.
  if (options.discountLines === false && difference !== 0n && abs(difference) <= options.roundingToleranceMinor) {
    const rounding = (amount: bigint) =>
      lineFor("rounding", { lineId: null, sku: null, productNumber: options.roundingProductNumber, description: "Rounding" }, 1, amount, ZERO, basis);
    const absorbed = absorbRounding(lines, order.total, basis, options.roundingToleranceMinor, rounding);
    if (absorbed) {
      lines.splice(0, lines.length, ...absorbed);
      return finish(order, lines, basis, { outcome: "rounded", shopifyTotal: order.total, documentTotal, difference });
    }
  }
  let check: TotalsCheck;
  if (difference === 0n) {
    check = { outcome: "equal", shopifyTotal: order.total, documentTotal, difference: 0n };
  } else if (abs(difference) <= options.roundingToleranceMinor && (difference > 0n || options.discountLines !== false)) {
    lines.push(
      lineFor(
        "rounding",
        { lineId: null, sku: null, productNumber: options.roundingProductNumber, description: "Rounding" },
        1,
        difference,
        ZERO,
        basis,
      ),
    );
    check = { outcome: "rounded", shopifyTotal: order.total, documentTotal, difference };
  } else {
    check = {
      outcome: "mismatch",
      shopifyTotal: order.total,
      documentTotal,
      difference,
      message:
        abs(difference) <= options.roundingToleranceMinor
          ? mismatchWithoutNegativeLines(order, documentTotal, difference)
          : mismatchMessage(order, documentTotal, difference, options.roundingToleranceMinor),
    };
  }

  return finish(order, lines, basis, check);
}

function finish(order: NormalizedOrder, lines: PlanLine[], basis: PriceBasis, check: TotalsCheck): DocumentPlan {
  return {
    currency: order.currency,
    priceBasis: basis,
    lines,
    vatBreakdown: vatBreakdown(lines, basis),
    totals: totalsOf(lines, basis),
    giftCardPaid: order.giftCardPaid,
    buyerReference: order.poNumber ?? null,
    check,
  };
}

/**
 * For a document without negative lines: the lines with one line's amount moved by a minor unit or two,
 * so that the total (VAT per rate, rounded) is exactly `target`; null when no single line can do it.
 * Lines are tried largest first, where a cent matters least; the moved line stays exact (split in two
 * when its amount no longer divides by its quantity) and never turns negative.
 */
function absorbRounding(
  lines: PlanLine[],
  target: bigint,
  basis: PriceBasis,
  tolerance: bigint,
  rounding: (amount: bigint) => PlanLine,
): PlanLine[] | null {
  const order = lines.map((line, index) => ({ line, index })).sort((a, b) => Number(b.line.gross - a.line.gross));
  const moved = (index: number, step: bigint) => {
    const line = lines[index];
    const amount = line.unitPrice * BigInt(line.quantity);
    if (amount + step < 0n) return null;
    const parts = splitExactly(amount + step, line.quantity).map((part) => lineFor(line.kind, line, part.quantity, part.unitPrice, line.vatRate, basis));
    return [...lines.slice(0, index), ...parts, ...lines.slice(index + 1)];
  };
  for (const { index } of order) {
    for (const step of [-2n, -1n, 1n, 2n]) {
      const candidate = moved(index, step);
      if (candidate && totalsOf(candidate, basis).gross === target) return candidate;
    }
  }
  // No price lands exactly (with one line at one rate, some totals cannot be reached: net + VAT skips
  // them). Then the largest line comes down a cent or two and a positive rounding line makes up the rest.
  for (const { index } of order) {
    for (const step of [-1n, -2n, -3n]) {
      const candidate = moved(index, step);
      const short = candidate ? target - totalsOf(candidate, basis).gross : 0n;
      if (candidate && short > 0n && short <= tolerance) return [...candidate, rounding(short)];
    }
  }
  return null;
}

/**
 * A line's amount before discount, and its discount, in the basis asked for, from Shopify's numbers:
 * the unit price (tax included or not, as the order says), the discount in the same terms, and the tax
 * Shopify charged on the discounted amount. The two always add up to Shopify's discounted amount.
 */
function amountsInBasis(
  original: bigint,
  discount: bigint,
  taxes: TaxLine[],
  taxesIncluded: boolean,
  basis: PriceBasis,
  netShare: bigint | undefined,
) {
  const rate = rateOf(taxes);
  const tax = taxes.reduce((sum, t) => sum + t.amount, 0n);
  const discounted = original - discount;
  if (taxesIncluded === (basis === "gross")) {
    // Shopify's prices are already in the basis asked for.
    return { before: original, discount, rate };
  }
  // Convert the discounted amount (with its net share, or Shopify's own tax), and the undiscounted one
  // at the rate; the discount line takes whatever rounding that leaves.
  const discountedInBasis = basis === "net" ? (netShare ?? discounted - tax) : discounted + tax;
  const originalInBasis =
    basis === "net"
      ? divideRounded(original * rate.den, rate.den + rate.num)
      : original + divideRounded(original * rate.num, rate.den);
  if (discount === 0n) return { before: discountedInBasis, discount: 0n, rate };
  return { before: originalInBasis, discount: originalInBasis - discountedInBasis, rate };
}

/**
 * Shopify's tax amounts summed per tax title, over the lines and the shipping, in the order they first
 * appear; each title with the product number the merchant set for it.
 */
function taxesByTitle(order: NormalizedOrder, productNumbers: Record<string, string>) {
  const byTitle = new Map<string, { amount: bigint; rates: Set<string> }>();
  const taxed = [...order.lines.filter((l) => l.quantity > 0), ...order.shipping];
  for (const tax of taxed.flatMap((l) => l.taxes)) {
    const entry = byTitle.get(tax.title) ?? { amount: 0n, rates: new Set<string>() };
    entry.amount += tax.amount;
    entry.rates.add(ratioToString(tax.rate));
    byTitle.set(tax.title, entry);
  }
  const numbers = new Map(Object.entries(productNumbers).map(([title, number]) => [title.trim().toLowerCase(), number]));
  const unmapped = [...byTitle.keys()].filter((title) => !numbers.get(title.trim().toLowerCase()));
  if (unmapped.length > 0) {
    throw new PermanentError(
      "sales_tax_unmapped",
      `Order ${order.name} has the tax ${unmapped.map((t) => `"${t}"`).join(", ")}, which has no product number for sales tax in the app's settings, ` +
        "so no document was made (the app never books a tax to a default). Set one for each tax title under Rules → Sales tax, then press Retry.",
    );
  }
  return [...byTitle.entries()].map(([title, { amount, rates }]) => ({
    productNumber: numbers.get(title.trim().toLowerCase())!,
    amount,
    description: rates.size === 1 ? `${title} (${ratePercent([...rates][0])}%)` : title,
  }));
}

function rateOf(taxes: TaxLine[]): Ratio {
  return taxes.reduce<Ratio>((sum, t) => addRatios(sum, t.rate), ZERO);
}

/**
 * Net amounts for tax-included lines. Per VAT rate, the net total N is the one for which
 * N + round(N × rate) equals the rate's gross total exactly; N is then shared over the rate's lines in
 * proportion to their gross, by largest remainder, so that the shares add up to N.
 * (Taking each line's gross minus Shopify's per-line tax instead would carry Shopify's per-line rounding
 * into the net: with many lines at one price it does not cancel, and the document drifts by cents.)
 */
function sharedNets(order: NormalizedOrder): Map<object, bigint> {
  const groups = new Map<string, { rate: Ratio; items: Array<{ key: object; gross: bigint }> }>();
  const add = (key: object, gross: bigint, taxes: TaxLine[]) => {
    const rate = rateOf(taxes);
    const id = ratioToString(rate);
    const group = groups.get(id) ?? { rate, items: [] };
    group.items.push({ key, gross });
    groups.set(id, group);
  };
  for (const line of order.lines) if (line.quantity > 0) add(line, (line.amount ?? line.unitPrice * BigInt(line.quantity)) - line.discount, line.taxes);
  for (const s of order.shipping) add(s, s.price - s.discount, s.taxes);

  const shares = new Map<object, bigint>();
  for (const { rate, items } of groups.values()) {
    const gross = items.reduce((sum, i) => sum + i.gross, 0n);
    let net = divideRounded(gross * rate.den, rate.den + rate.num);
    while (net + divideRounded(net * rate.num, rate.den) > gross) net -= 1n;
    while (net + divideRounded(net * rate.num, rate.den) < gross) net += 1n;
    if (gross === 0n) {
      for (const item of items) shares.set(item.key, 0n);
      continue;
    }
    const exact = items.map((i) => ({ key: i.key, floor: (i.gross * net) / gross, rest: (i.gross * net) % gross }));
    let left = net - exact.reduce((sum, e) => sum + e.floor, 0n);
    for (const e of [...exact].sort((a, b) => (b.rest > a.rest ? 1 : b.rest < a.rest ? -1 : 0))) {
      shares.set(e.key, e.floor + (left > 0n ? 1n : 0n));
      if (left > 0n) left -= 1n;
    }
  }
  return shares;
}

/** `amount` over `quantity` units with whole minor units: one part, or two (q−r at u, r at u+1). */
export function splitExactly(amount: bigint, quantity: number): Array<{ quantity: number; unitPrice: bigint }> {
  const q = BigInt(quantity);
  const unit = amount / q; // truncates toward zero
  const remainder = amount - unit * q;
  if (remainder === 0n) return [{ quantity, unitPrice: unit }];
  const step = remainder > 0n ? 1n : -1n;
  const r = Number(remainder > 0n ? remainder : -remainder);
  return [
    { quantity: quantity - r, unitPrice: unit },
    { quantity: r, unitPrice: unit + step },
  ];
}

function lineFor(
  kind: PlanLine["kind"],
  base: Pick<PlanLine, "lineId" | "sku" | "productNumber" | "description">,
  quantity: number,
  unitPrice: bigint,
  vatRate: Ratio,
  basis: PriceBasis,
): PlanLine {
  const amount = unitPrice * BigInt(quantity);
  const net = basis === "net" ? amount : amount - divideRounded(amount * vatRate.num, vatRate.den + vatRate.num);
  const vat = basis === "net" ? divideRounded(net * vatRate.num, vatRate.den) : amount - net;
  return { kind, ...base, quantity, unitPrice, vatRate, net, vat, gross: net + vat };
}

/**
 * VAT per rate, rounded once per rate, as an invoice states it (and as accounting systems compute it):
 * net prices, VAT = round(Σ net × rate); gross prices, VAT = Σ gross − round(Σ gross / (1 + rate)).
 */
function vatBreakdown(lines: PlanLine[], basis: PriceBasis) {
  const byRate = new Map<string, { rate: Ratio; amount: bigint }>();
  for (const line of lines) {
    const key = ratioToString(line.vatRate);
    const entry = byRate.get(key) ?? { rate: line.vatRate, amount: 0n };
    entry.amount += line.unitPrice * BigInt(line.quantity);
    byRate.set(key, entry);
  }
  return [...byRate.entries()]
    .map(([rate, { rate: r, amount }]) => {
      if (basis === "net") return { rate, net: amount, vat: divideRounded(amount * r.num, r.den) };
      const net = amount - divideRounded(amount * r.num, r.den + r.num);
      return { rate, net, vat: amount - net };
    })
    .sort((a, b) => Number(a.rate) - Number(b.rate));
}

function totalsOf(lines: PlanLine[], basis: PriceBasis) {
  const breakdown = vatBreakdown(lines, basis);
  const net = breakdown.reduce((sum, r) => sum + r.net, 0n);
  const vat = breakdown.reduce((sum, r) => sum + r.vat, 0n);
  return { net, vat, gross: net + vat };
}

function mismatchMessage(order: NormalizedOrder, documentTotal: bigint, difference: bigint, tolerance: bigint): string {
  const f = (minor: bigint) => `${formatMinor(minor, order.currency)} ${order.currency}`;
  const causes: string[] = [];
  if (["partially_refunded", "refunded"].includes(order.financialStatus)) causes.push("the order was refunded after it was placed");
  if (order.source === "webhook" && order.currency !== order.shopCurrency) causes.push("the tip or duties could not be read in the buyer's currency");
  if (order.currency !== order.shopCurrency || order.presentmentCurrency !== order.shopCurrency) causes.push("currency conversion rounding");
  if (causes.length === 0) causes.push("taxes that Shopify rounded differently from the accounting system");
  return (
    `The document would total ${f(documentTotal)}, but Shopify's total is ${f(order.total)} (a difference of ${f(difference)}), ` +
    `more than the rounding tolerance of ${f(tolerance)} allows. Likely cause: ${causes.join("; ")}. ` +
    "A draft was made instead, so that you can check it."
  );
}

/** A negative rounding difference where the accounting system takes no negative line (InvoicExpress). */
function mismatchWithoutNegativeLines(order: NormalizedOrder, documentTotal: bigint, difference: bigint): string {
  const f = (minor: bigint) => `${formatMinor(minor, order.currency)} ${order.currency}`;
  return (
    `The document would total ${f(documentTotal)}, ${f(-difference)} more than Shopify's total of ${f(order.total)}, because VAT on net prices rounds that way, ` +
    "and the accounting system takes no negative rounding line. A draft was made instead, so that you can adjust it by hand."
  );
}

function abs(value: bigint) {
  return value < 0n ? -value : value;
}
