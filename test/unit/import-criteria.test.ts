// The historical import's range and criteria, and the Shopify search query they become.
import { describe, expect, it } from "vitest";
import { importSearchQuery, readImportCriteria, readImportRange, searchValue } from "../../app/import/import-criteria";
import { parseSearch } from "../simulators/shopify-admin/order-search";

const NOW = new Date("2026-11-21T10:00:00Z");

describe("historical import criteria", () => {
  it("reads both ends of the range as whole days, the end inclusive to its last millisecond", () => {
    expect(readImportRange({ from: "2026-01-01", to: "2026-01-31" }, NOW)).toEqual({
      from: "2026-01-01",
      to: "2026-01-31",
      createdFrom: new Date("2026-01-01T00:00:00.000Z"),
      createdTo: new Date("2026-01-31T23:59:59.999Z"),
    });
    expect(readImportRange({ from: "2026-11-21", to: "2026-11-21" }, NOW).createdTo).toEqual(new Date("2026-11-21T23:59:59.999Z"));
    expect(readImportRange({ from: "2023-11-22", to: "2026-11-21" }, NOW).from).toBe("2023-11-22");
  });

  it.each([
    [{ from: "2026-03-01", to: "2026-02-01" }, "The start date (2026-03-01) is after the end date (2026-02-01). Choose a start date on or before the end date."],
    [{ from: "2026-11-01", to: "2026-11-22" }, "The end date (2026-11-22) is in the future. Choose today (2026-11-21) or an earlier day."],
    [{ from: "2023-11-21", to: "2026-11-21" }, "One import covers at most 3 years, and 2023-11-21 to 2026-11-21 is 1097 days. Choose a shorter range, and import the rest in a second run."],
    [{ from: "", to: "2026-11-21" }, "Choose the start date of the import as a day (YYYY-MM-DD)."],
    [{ from: "2026-01-01", to: "21/11/2026" }, "Choose the end date of the import as a day (YYYY-MM-DD); '21/11/2026' is not one."],
    [{ from: "2026-02-29", to: "2026-03-01" }, "Choose the start date of the import as a day (YYYY-MM-DD); '2026-02-29' is not one."],
  ])("refuses %j in words", (range, message) => {
    expect(() => readImportRange(range, NOW)).toThrow(expect.objectContaining({ kind: "permanent", merchantMessage: message }));
  });

  it("fills in the defaults (paid, any fulfilment) and treats an empty tag as none", () => {
    expect(readImportCriteria(undefined)).toEqual({ financialStatus: "paid", fulfillmentStatus: "any" });
    expect(readImportCriteria({ includeTag: "  ", excludeTag: " test " })).toEqual({ financialStatus: "paid", fulfillmentStatus: "any", excludeTag: "test" });
    expect(() => readImportCriteria({ fulfillmentStatus: "partial" })).toThrow(
      expect.objectContaining({ merchantMessage: "Choose which orders to import by fulfilment: any order, or shipped orders only." }),
    );
  });

  it("builds Shopify's search query: quoted dates, the end as the next day's first second, tags quoted and escaped", () => {
    const range = readImportRange({ from: "2026-01-01", to: "2026-01-31" }, NOW);
    expect(importSearchQuery(range, readImportCriteria({}))).toBe("created_at:>='2026-01-01T00:00:00Z' created_at:<'2026-02-01T00:00:00Z' -financial_status:pending -financial_status:authorized -financial_status:partially_paid -financial_status:voided -financial_status:expired");
    const query = importSearchQuery(range, readImportCriteria({ financialStatus: "any", fulfillmentStatus: "shipped", includeTag: "Kim's \\ B2B", excludeTag: "test:1" }));
    expect(query).toBe(
      "created_at:>='2026-01-01T00:00:00Z' created_at:<'2026-02-01T00:00:00Z' fulfillment_status:shipped tag:'Kim\\'s \\\\ B2B' -tag:'test:1'",
    );
    // Read back by the grammar Shopify documents, each value is the merchant's own text.
    expect(parseSearch(query).map((t) => [t.negated, t.field, t.comparator, t.value])).toEqual([
      [false, "created_at", ":>=", "2026-01-01T00:00:00Z"],
      [false, "created_at", ":<", "2026-02-01T00:00:00Z"],
      [false, "fulfillment_status", ":", "shipped"],
      [false, "tag", ":", "Kim's \\ B2B"],
      [true, "tag", ":", "test:1"],
    ]);
    expect(searchValue("it's")).toBe("'it\\'s'");
  });
});
