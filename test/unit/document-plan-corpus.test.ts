// The corpus: orders computed by the Shopify simulator (its own exact arithmetic, not ours), fetched
// through the real OrderForInvoice query, normalised and planned. Every plan must end equal to Shopify's
// total to the minor unit, in both price bases and both currency modes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { DEFAULT_PLAN_OPTIONS, planDocument, type PriceBasis } from "../../app/invoicing/plan";
import { addCorpusShop, corpusOrders, PLAN_CORPUS_CASES as CASES } from "../corpus/plan-corpus";

const SHOP = "corpus.myshopify.com";
let simulator: ShopifyAdminSimulator;

describe("document plan corpus", () => {
  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
    addCorpusShop(simulator, SHOP);
  });
  afterAll(() => simulator.close());

  let foldedPlans = 0;
  let foldedDrafts = 0;
  afterAll(() => {
    // A figure for the notes: how often a system without negative lines gets a draft to review.
    console.info(`document plan corpus: without negative lines, ${foldedDrafts} of ${foldedPlans} plans are drafts to review`);
  });

  it("has at least 50 orders", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CASES)("$name: the document equals Shopify's total to the minor unit", async ({ seed }) => {
    for (const { mode, order } of await corpusOrders(simulator, SHOP, seed)) {
      for (const priceBasis of ["net", "gross"] as PriceBasis[]) {
        const plan = planDocument(order, { ...DEFAULT_PLAN_OPTIONS, priceBasis });
        const context = `${mode} money, ${priceBasis} prices: ${JSON.stringify(plan.check, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`;
        expect(plan.check.outcome, context).not.toBe("mismatch");
        expect(plan.totals.gross, context).toBe(order.total);
        // every line is exact: quantity × unit price is the line's amount in its basis
        for (const l of plan.lines) {
          expect(l.unitPrice * BigInt(l.quantity), context).toBe(priceBasis === "net" ? l.net : l.gross);
        }
        // the VAT breakdown adds up to the document's VAT
        expect(plan.vatBreakdown.reduce((s, r) => s + r.vat, 0n)).toBe(plan.totals.vat);

        // Without negative lines (InvoicExpress): discounts folded into prices, no rounding line. Every
        // line is still exact; the total is Shopify's, or the plan says it is not (a draft to review).
        const folded = planDocument(order, { ...DEFAULT_PLAN_OPTIONS, priceBasis, discountLines: false });
        expect(folded.lines.every((l) => l.unitPrice >= 0n && l.kind !== "discount"), context).toBe(true);
        for (const l of folded.lines) expect(l.unitPrice * BigInt(l.quantity), context).toBe(priceBasis === "net" ? l.net : l.gross);
        if (folded.check.outcome === "mismatch") {
          // only a negative rounding difference, which needs a negative line, makes it a draft to review
          expect(folded.check.difference < 0n && -folded.check.difference <= DEFAULT_PLAN_OPTIONS.roundingToleranceMinor, context).toBe(true);
          foldedDrafts += 1;
        } else {
          expect(folded.totals.gross, context).toBe(order.total);
        }
        foldedPlans += 1;
      }
    }
  });
});
