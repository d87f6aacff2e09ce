// Exact money: integer minor units (bigint) with the currency's ISO 4217 exponent. No binary floats
// take part in any arithmetic on amounts.
//
// Exponents are ISO 4217's (every currency not listed has 2). ICU's Intl data is not used: it gives
// display digits (HUF 0, for instance), not the standard's minor unit.

const ISO_4217_EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0,
  VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export function currencyExponent(currency: string): number {
  if (!/^[A-Z]{3}$/.test(currency)) throw new MoneyError(`not a currency code: ${currency}`);
  return ISO_4217_EXPONENTS[currency] ?? 2;
}

export class MoneyError extends Error {}

/**
 * "12.30" in EUR → 1230n. Trailing zeros beyond the exponent are accepted ("1200.00" JPY); a significant
 * digit beyond it is refused, because it would have to be rounded somewhere we did not decide.
 */
export function toMinor(amount: string | number, currency: string): bigint {
  const text = typeof amount === "number" ? numberToDecimal(amount) : amount.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError(`not a decimal amount: "${text}"`);
  const digits = currencyExponent(currency);
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  if (fraction.length > digits) throw new MoneyError(`${text} ${currency} has more decimals than ${currency} allows (${digits})`);
  const minor = BigInt(match[2]) * 10n ** BigInt(digits) + BigInt((fraction || "0").padEnd(digits, "0"));
  return match[1] ? -minor : minor;
}

/** 1230n EUR → "12.30"; 1200n JPY → "1200"; 1234n KWD → "1.234". */
export function formatMinor(minor: bigint, currency: string): string {
  const digits = currencyExponent(currency);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  if (digits === 0) return `${negative ? "-" : ""}${abs}`;
  const unit = 10n ** BigInt(digits);
  return `${negative ? "-" : ""}${abs / unit}.${(abs % unit).toString().padStart(digits, "0")}`;
}

/** A decimal (a tax rate like "0.25") as an exact fraction. */
export type Ratio = { num: bigint; den: bigint };

export function parseRatio(value: string | number): Ratio {
  const text = typeof value === "number" ? numberToDecimal(value) : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError(`not a decimal ratio: "${text}"`);
  const fraction = match[2] ?? "";
  const den = 10n ** BigInt(fraction.length);
  return { num: BigInt(match[1]) * den + BigInt(fraction || "0"), den };
}

export function ratioToString(ratio: Ratio): string {
  const digits = ratio.den.toString().length - 1;
  if (digits === 0) return ratio.num.toString();
  const whole = ratio.num / ratio.den;
  const fraction = (ratio.num % ratio.den).toString().padStart(digits, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/** "0.0725" → "7.25": a rate as a percentage, for words (never for arithmetic). */
export function ratePercent(rate: string): string {
  return String(Number((Number(rate) * 100).toFixed(6)));
}

export function addRatios(a: Ratio, b: Ratio): Ratio {
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

/** num/den rounded half away from zero (how Shopify and most ledgers round money). */
export function divideRounded(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new MoneyError("division by zero");
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

export function sumMinor(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/**
 * A JSON number that the API sent for a rate (GraphQL `Float`), as the decimal it was meant to be:
 * 0.25 → "0.25", never 0.25000000000000001. Only for rates; amounts arrive as strings.
 */
function numberToDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyError(`not a finite number: ${value}`);
  return Number(value.toPrecision(12)).toString();
}
