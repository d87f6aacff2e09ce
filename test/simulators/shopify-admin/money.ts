// Exact money for the simulator: integer minor units, with each currency's exponent. The simulator
// keeps its own arithmetic (it must not share the app's, or it would share its bugs).

const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, KWD: 3, BHD: 3, OMR: 3, JOD: 3, TND: 3 };

export function exponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** "12.3" in EUR → 1230n. Refuses more decimals than the currency has. */
export function toMinor(amount: string, currency: string): bigint {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new Error(`not a decimal amount: ${amount}`);
  const digits = exponent(currency);
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  if (fraction.length > digits) throw new Error(`${amount} has more decimals than ${currency} allows`);
  const value = BigInt(match[2]) * 10n ** BigInt(digits) + BigInt((fraction || "0").padEnd(digits, "0"));
  return match[1] ? -value : value;
}

export function formatMinor(minor: bigint, currency: string): string {
  const digits = exponent(currency);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  if (digits === 0) return `${negative ? "-" : ""}${abs}`;
  const unit = 10n ** BigInt(digits);
  return `${negative ? "-" : ""}${abs / unit}.${(abs % unit).toString().padStart(digits, "0")}`;
}

/** A decimal string as a fraction: "0.25" → [25n, 100n]. */
export function ratio(decimal: string): [bigint, bigint] {
  const [whole, fraction = ""] = decimal.split(".");
  const den = 10n ** BigInt(fraction.length);
  return [BigInt(whole) * den + BigInt(fraction || "0"), den];
}

/** num/den rounded half away from zero. */
export function divRound(num: bigint, den: bigint): bigint {
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}
