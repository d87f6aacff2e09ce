// The e-invoice corpus of credit notes: every refund of the refund corpus (72 refunds of 54 orders, EUR, JPY
// and KWD, computed by the Shopify simulator with Shopify's pro-rata rounding), planned in both price bases
// (144 credit notes), made into the shop's own credit note content, rendered as a UBL CreditNote and a
// Factur-X PDF (type 381) naming the invoice it credits, and judged by the official EN 16931 rules. KWD
// credit notes are refused. For the others the payable amount is what Shopify refunded, to the minor unit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { DEFAULT_PLAN_OPTIONS, planDocument, type PriceBasis } from "../../app/invoicing/plan";
import { toMinor } from "../../app/lib/money";
import type { Buyer } from "../../app/providers/shop/own-invoice-content";
import { addRefundCorpusShops, corpusRefunds, REFUND_CORPUS_CASES } from "../corpus/refund-corpus";
import { expectEInvoiceOf, firstOf } from "../helpers/einvoice";

let simulator: ShopifyAdminSimulator;
const buyer: Buyer = { name: "Ole Hansen", companyName: null, vatId: null, email: "refund@example.com", addressLines: ["Nørregade 7", "1165 København K"], countryCode: "DK", isB2B: false };
const tally = { creditNotes: 0, made: 0, refused: 0 };

describe("e-invoice corpus: credit notes", () => {
  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
    addRefundCorpusShops(simulator);
  });
  afterAll(async () => {
    await simulator.close();
    console.info(`e-invoice credit notes: ${tally.creditNotes} credit notes, ${tally.made} made and valid in both formats, ${tally.refused} refused (KWD)`);
    // The corpus must not shrink: 72 refunds × 2 price bases.
    expect(tally.creditNotes).toBe(144);
  });

  it.each(REFUND_CORPUS_CASES)("$name: each credit note passes the official EN 16931 rules in both formats", async (c) => {
    const { sold, refunds } = await corpusRefunds(simulator, c);
    for (const [index, { refund, credit }] of refunds.entries()) {
      for (const priceBasis of ["net", "gross"] as PriceBasis[]) {
        tally.creditNotes += 1;
        const context = `refund ${index + 1}, ${priceBasis} prices`;
        const number = `CN-${sold.name.replace("#", "")}-${index + 1}`;
        const judged = await expectEInvoiceOf(planDocument(credit, { ...DEFAULT_PLAN_OPTIONS, priceBasis }), {
          kind: "credit-note",
          number,
          context,
          buyer,
          credits: [{ number: `INV-${sold.name.replace("#", "")}`, issueDate: "2026-11-21" }],
        });
        if (judged.outcome === "refused") {
          expect(c.currency, context).toBe("KWD");
          tally.refused += 1;
          continue;
        }
        const { content, ubl, cii } = judged;
        expect(ubl).toContain("<CreditNote ");
        expect(firstOf(cii, "ram:TypeCode"), context).toBe("381");
        // What the buyer gets back is what Shopify refunded
        expect(toMinor(firstOf(ubl, "cbc:PayableAmount")!, content.currency), context).toBe(refund.total);
        expect(toMinor(firstOf(cii, "ram:DuePayableAmount")!, content.currency), context).toBe(refund.total);
        tally.made += 1;
      }
    }
  }, 120_000);
});
