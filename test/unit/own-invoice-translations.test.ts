import { describe, expect, it } from "vitest";
import {
  formatAmount,
  formatDate,
  formatQuantity,
  formatRate,
  labelsFor,
  LANGUAGES,
  pickLanguage,
  type Labels,
} from "../../app/providers/shop/translations";

describe("the shop's own invoice: language, amounts and dates", () => {
  it.each([
    ["da-DK", "da"],
    ["pt-BR", "pt"],
    ["pt-PT", "pt"],
    ["sv", "sv"],
    ["de_AT", "de"],
    ["EN-us", "en"],
    ["fr-FR", "sv"],
    ["nb", "sv"],
    ["", "sv"],
    [null, "sv"],
  ] as const)("GIVEN the order's locale %s and the default sv THEN the invoice is in %s", (locale, language) => {
    expect(pickLanguage(locale, "sv")).toBe(language);
  });

  it("GIVEN every language THEN each has every label, none empty", () => {
    const keys = Object.keys(labelsFor("en")).sort();
    for (const language of LANGUAGES) {
      const labels = labelsFor(language);
      expect(Object.keys(labels).sort()).toEqual(keys);
      for (const key of keys) {
        const value = labels[key as keyof Labels];
        const text = typeof value === "function" ? (value as (...args: unknown[]) => string)(2, 3) : value;
        expect(text.trim().length, `${language}.${key}`).toBeGreaterThan(0);
      }
    }
  });

  it("GIVEN payment terms THEN they read as a sentence with the days, in each language", () => {
    expect(labelsFor("en").paymentWithin(14)).toBe("Payment within 14 days");
    expect(labelsFor("en").paymentWithin(1)).toBe("Payment within 1 day");
    expect(labelsFor("da").paymentWithin(14)).toBe("Betaling inden 14 dage");
    expect(labelsFor("sv").paymentWithin(30)).toBe("Betalning inom 30 dagar");
    expect(labelsFor("pt").paymentWithin(14)).toBe("Pagamento a 14 dias");
    expect(labelsFor("de").paymentWithin(14)).toBe("Zahlbar innerhalb von 14 Tagen");
    expect(labelsFor("de").paymentWithin(0)).toBe("Zahlbar sofort nach Erhalt");
  });

  it.each([
    // JPY: no decimals
    [0n, "JPY", "en", "0"],
    [1980n, "JPY", "en", "1,980"],
    [123456789n, "JPY", "da", "123.456.789"],
    [-1980n, "JPY", "sv", "-1 980"],
    // EUR: 2 decimals
    [0n, "EUR", "en", "0.00"],
    [5n, "EUR", "de", "0,05"],
    [-5n, "EUR", "en", "-0.05"],
    [123456789n, "EUR", "en", "1,234,567.89"],
    [123456789n, "EUR", "da", "1.234.567,89"],
    [123456789n, "EUR", "de", "1.234.567,89"],
    [123456789n, "EUR", "sv", "1 234 567,89"],
    [123456789n, "EUR", "pt", "1 234 567,89"],
    [99999n, "EUR", "en", "999.99"],
    // beyond a double's exact integers: still exact
    [123456789012345678901n, "EUR", "en", "1,234,567,890,123,456,789.01"],
    // KWD: 3 decimals
    [1n, "KWD", "en", "0.001"],
    [1234567n, "KWD", "en", "1,234.567"],
    [1234567n, "KWD", "de", "1.234,567"],
    [-10125n, "KWD", "pt", "-10,125"],
  ] as const)("GIVEN %s minor units of %s in %s THEN the amount reads %s", (minor, currency, language, text) => {
    expect(formatAmount(minor, currency, language)).toBe(text);
  });

  it("GIVEN quantities and VAT rates THEN they are written exactly, with the language's marks", () => {
    expect(formatQuantity(1250, "en")).toBe("1,250");
    expect(formatQuantity(-3, "da")).toBe("-3");
    expect(formatRate("0.25", "en")).toBe("25%");
    expect(formatRate("0.077", "en")).toBe("7.7%");
    expect(formatRate("0.077", "de")).toBe("7,7%");
    expect(formatRate("0.125", "sv")).toBe("12,5%");
    expect(formatRate("0", "pt")).toBe("0%");
    expect(formatRate("1", "en")).toBe("100%");
  });

  it.each([
    ["en", "21/11/2026"],
    ["da", "21.11.2026"],
    ["sv", "2026-11-21"],
    ["pt", "21/11/2026"],
    ["de", "21.11.2026"],
  ] as const)("GIVEN the date 2026-11-21 in %s THEN it reads %s, whatever the machine's time zone", (language, text) => {
    expect(formatDate("2026-11-21", language)).toBe(text);
  });
});
