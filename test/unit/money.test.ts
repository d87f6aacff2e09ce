import { describe, expect, it } from "vitest";
import { divideRounded, formatMinor, parseRatio, ratioToString, toMinor, currencyExponent } from "../../app/lib/money";

describe("money", () => {
  it.each([
    ["12.30", "EUR", 1230n],
    ["12.3", "EUR", 1230n],
    ["0.01", "EUR", 1n],
    ["-5.00", "EUR", -500n],
    ["1980", "JPY", 1980n],
    ["1980.00", "JPY", 1980n],
    ["10.125", "KWD", 10125n],
    ["1500.50", "HUF", 150050n],
  ])("reads %s %s as %s minor units", (amount, currency, minor) => {
    expect(toMinor(amount, currency)).toBe(minor);
  });

  it("refuses a digit the currency cannot hold, and text that is not an amount", () => {
    expect(() => toMinor("1980.5", "JPY")).toThrow("more decimals");
    expect(() => toMinor("1.2345", "KWD")).toThrow("more decimals");
    expect(() => toMinor("12,30", "EUR")).toThrow("not a decimal");
    expect(() => toMinor("1e3", "EUR")).toThrow("not a decimal");
    expect(() => toMinor("10", "euro")).toThrow("currency");
  });

  it("writes amounts with the currency's exponent", () => {
    expect(formatMinor(1230n, "EUR")).toBe("12.30");
    expect(formatMinor(-5n, "EUR")).toBe("-0.05");
    expect(formatMinor(1980n, "JPY")).toBe("1980");
    expect(formatMinor(10125n, "KWD")).toBe("10.125");
    expect(currencyExponent("DKK")).toBe(2);
  });

  it("reads rates sent as floats exactly", () => {
    expect(ratioToString(parseRatio(0.25))).toBe("0.25");
    expect(ratioToString(parseRatio(0.07))).toBe("0.07");
    expect(ratioToString(parseRatio(0.1 + 0.2))).toBe("0.3");
    expect(parseRatio("0.077")).toEqual({ num: 77n, den: 1000n });
  });

  it("rounds half away from zero", () => {
    expect(divideRounded(5n, 2n)).toBe(3n);
    expect(divideRounded(-5n, 2n)).toBe(-3n);
    expect(divideRounded(4n, 3n)).toBe(1n);
    expect(divideRounded(2500n * 25n, 125n)).toBe(500n);
  });
});
