// The e-invoice corpus: every plan of the plan corpus (64 orders the Shopify simulator computes, in both
// money modes and both price bases: 256 plans) made into the shop's own invoice content, then rendered as
// UBL 2.1 and as a Factur-X PDF, and judged by the European Commission's own EN 16931 rules (the CII is
// read back out of the PDF). KWD documents are refused, never made. For every other document the XML's
// payable amount is the PDF's total due, and its total with VAT is Shopify's order total, to the minor unit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { DEFAULT_PLAN_OPTIONS, planDocument, type PriceBasis } from "../../app/invoicing/plan";
import { toMinor } from "../../app/lib/money";
import type { Buyer } from "../../app/providers/shop/own-invoice-content";
import { pdfTotalDue } from "../../app/einvoice/en16931";
import { addCorpusShop, corpusOrders, PLAN_CORPUS_CASES } from "../corpus/plan-corpus";
import type { FailedAssert } from "../helpers/en16931-rules";
import { expectEInvoiceOf, firstOf } from "../helpers/einvoice";

const SHOP = "einvoice-corpus.myshopify.com";
let simulator: ShopifyAdminSimulator;

const privateBuyer: Buyer = { name: "Jana Nováková", companyName: null, vatId: null, email: "jana@example.dk", addressLines: ["Nørregade 7", "1165 København K"], countryCode: "DK", isB2B: false };
const companyBuyer: Buyer = { name: "Mette Holm", companyName: "Nordic Cafés ApS", vatId: "DK87654321", email: "ap@nordic-cafes.dk", addressLines: ["Åboulevarden 3", "8000 Aarhus C"], countryCode: "DK", isB2B: true };

const tally = { plans: 0, made: 0, refused: 0, warnings: new Map<string, number>() };
const noteWarnings = (asserts: FailedAssert[]) => {
  for (const a of asserts) tally.warnings.set(a.id, (tally.warnings.get(a.id) ?? 0) + 1);
};

describe("e-invoice corpus", () => {
  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
    addCorpusShop(simulator, SHOP);
  });
  afterAll(async () => {
    await simulator.close();
    const warnings = [...tally.warnings].map(([id, n]) => `${id} × ${n}`).join(", ") || "none";
    console.info(`e-invoice corpus: ${tally.plans} plans, ${tally.made} e-invoices made and valid in both formats, ${tally.refused} refused (KWD); warnings: ${warnings}`);
    // The corpus must not shrink: 64 orders × 2 money modes × 2 price bases.
    expect(tally.plans).toBe(256);
  });

  it.each(PLAN_CORPUS_CASES)("$name: UBL and Factur-X pass the official EN 16931 rules", async ({ seed }) => {
    for (const { mode, order } of await corpusOrders(simulator, SHOP, seed)) {
      for (const priceBasis of ["net", "gross"] as PriceBasis[]) {
        tally.plans += 1;
        const context = `${mode} money, ${priceBasis} prices`;
        const plan = planDocument(order, { ...DEFAULT_PLAN_OPTIONS, priceBasis });
        const number = `INV-${order.name.replace("#", "")}`;
        const judged = await expectEInvoiceOf(plan, { kind: "invoice", number, context, buyer: order.company ? companyBuyer : privateBuyer, issueDate: "2026-11-21" });
        if (judged.outcome === "refused") {
          expect(order.currency, context).toBe("KWD");
          expect(judged.message).toBe(`E-invoice not made for ${number}: EN 16931 allows at most 2 decimals in amounts, and KWD has 3. The PDF invoice was issued as usual.`);
          tally.refused += 1;
          continue;
        }
        const { content, ubl, cii } = judged;
        noteWarnings(judged.warnings);

        // Both directions of the money check, to the minor unit (the UBL's payable amount is checked by the helper).
        const currency = content.currency;
        expect(toMinor(firstOf(cii, "ram:DuePayableAmount")!, currency), context).toBe(pdfTotalDue(content));
        const rounding = toMinor(firstOf(ubl, "cbc:PayableRoundingAmount") ?? "0", currency);
        expect(toMinor(firstOf(ubl, "cbc:TaxInclusiveAmount")!, currency) + rounding, context).toBe(order.total);
        tally.made += 1;
      }
    }
  }, 120_000);
});
