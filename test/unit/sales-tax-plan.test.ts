// How an order's sales taxes become document lines: a combined rate per line, or one line per tax title.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { orderFromWebhook } from "../../app/invoicing/order";
import { DEFAULT_PLAN_OPTIONS, planDocument, type PlanOptions } from "../../app/invoicing/plan";
import { PermanentError } from "../../app/lib/errors";
import { parseSalesTaxProducts } from "../../app/admin/rules.server";

const us = () => orderFromWebhook(JSON.parse(fs.readFileSync("test/fixtures/shopify-orders/us-multi-jurisdiction.json", "utf8")));
const options = (salesTax?: PlanOptions["salesTax"], priceBasis: PlanOptions["priceBasis"] = "net"): PlanOptions => ({ ...DEFAULT_PLAN_OPTIONS, priceBasis, salesTax });
const TITLES = { "CA State Tax": "TAX-CA", "Los Angeles County Tax": "TAX-LAC", "Los Angeles District Tax": "TAX-LAD" };

describe("sales tax in the document plan", () => {
  it("combined (the default): each line carries the sum of its jurisdictions' rates, and the total is Shopify's", () => {
    const plan = planDocument(us(), options());
    expect(plan.vatBreakdown).toEqual([{ rate: "0.095", net: 10340n, vat: 982n }]);
    expect(plan.check).toMatchObject({ outcome: "equal", shopifyTotal: 11322n });
  });

  it("per jurisdiction: no VAT on the lines, one 0% line per tax title with Shopify's amounts summed, in net and gross plans alike", () => {
    for (const basis of ["net", "gross"] as const) {
      const plan = planDocument(us(), options({ booking: "per-jurisdiction", productNumbers: TITLES }, basis));
      const taxes = plan.lines.filter((l) => l.kind === "sales-tax");
      expect(taxes.map((l) => [l.productNumber, l.description, l.gross])).toEqual([
        ["TAX-CA", "CA State Tax (6%)", 621n],
        ["TAX-LAC", "Los Angeles County Tax (0.25%)", 25n],
        ["TAX-LAD", "Los Angeles District Tax (3.25%)", 336n],
      ]);
      expect(plan.lines.every((l) => l.vatRate.num === 0n)).toBe(true);
      expect(plan.check).toMatchObject({ outcome: "equal", documentTotal: 11322n });
    }
  });

  it("matches a title whatever its case or spaces; an order without tax gets no tax line", () => {
    const plan = planDocument(us(), options({ booking: "per-jurisdiction", productNumbers: { " ca state tax ": "TAX-CA", "LOS ANGELES COUNTY TAX": "TAX-LAC", "Los Angeles District Tax": "TAX-LAD" } }));
    expect(plan.lines.filter((l) => l.kind === "sales-tax")).toHaveLength(3);
    const untaxed = { ...us(), lines: us().lines.map((l) => ({ ...l, taxes: [] })), shipping: us().shipping.map((s) => ({ ...s, taxes: [] })), total: 10340n, totalTax: 0n };
    const none = planDocument(untaxed, options({ booking: "per-jurisdiction", productNumbers: {} }));
    expect(none.lines.filter((l) => l.kind === "sales-tax")).toEqual([]);
    expect(none.check.outcome).toBe("equal");
  });

  it("an unmapped title is a permanent error naming it, never a default", () => {
    let error: unknown;
    try {
      planDocument(us(), options({ booking: "per-jurisdiction", productNumbers: { "CA State Tax": "TAX-CA" } }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe("sales_tax_unmapped");
    expect((error as PermanentError).merchantMessage).toMatch(/the tax "Los Angeles County Tax", "Los Angeles District Tax", which has no product number/);
  });

  it("tax-included orders (VAT) stay on their VAT rates even when per jurisdiction is chosen", () => {
    const dk = orderFromWebhook(JSON.parse(fs.readFileSync("test/fixtures/shopify-orders/order-percentage-code.json", "utf8")));
    const plan = planDocument(dk, options({ booking: "per-jurisdiction", productNumbers: {} }));
    expect(plan.lines.some((l) => l.kind === "sales-tax")).toBe(false);
    expect(plan.vatBreakdown.map((r) => [r.rate, r.vat])).toEqual([["0.25", 4577n]]);
  });

  it("the Rules page's product numbers: 'title = number' per line; a line without one is refused in words", () => {
    expect(parseSalesTaxProducts("CA State Tax = TAX-CA\n\n  GST=TAX-GST  \nA = B = C")).toEqual({ "CA State Tax": "TAX-CA", GST: "TAX-GST", "A = B": "C" });
    expect(() => parseSalesTaxProducts("CA State Tax")).toThrow(/sales tax line 1 \("CA State Tax"\) is not "tax title = product number"/);
  });
});
