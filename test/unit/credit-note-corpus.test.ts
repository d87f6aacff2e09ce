// The refund corpus: refunds computed by the Shopify simulator (Shopify's pro-rata rounding, not ours),
// fetched through the real RefundForCreditNote query with their order, and planned as credit notes. Every
// credit note must total exactly what Shopify refunded, to the minor unit, in both price bases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { ORDER_FOR_INVOICE, REFUND_FOR_CREDIT_NOTE } from "../../app/shopify/graphql";
import { orderFromAdminApi } from "../../app/invoicing/order";
import { creditFromRefund } from "../../app/invoicing/refund";
import { DEFAULT_PLAN_OPTIONS, planDocument, type PriceBasis } from "../../app/invoicing/plan";
import { addRefundCorpusShops, corpusRefunds, REFUND_CORPUS_CASES, refundCorpusOrder, refundShopOf } from "../corpus/refund-corpus";

let simulator: ShopifyAdminSimulator;

describe("credit note corpus", () => {
  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
    addRefundCorpusShops(simulator);
  });
  afterAll(() => simulator.close());

  let refunds = 0;
  afterAll(() => console.info(`credit note corpus: ${refunds} refunds, each credit note equal to Shopify's refund total in net and gross prices`));

  it("has at least 30 refunds", () => {
    expect(REFUND_CORPUS_CASES.reduce((n, c) => n + c.refunds.length, 0)).toBeGreaterThanOrEqual(30);
  });

  it.each(REFUND_CORPUS_CASES)("$name: each credit note totals exactly what Shopify refunded", async ({ currency, taxesIncluded, refunds: seeds }) => {
    const { stored, refunds: story } = await corpusRefunds(simulator, { currency, taxesIncluded, refunds: seeds });
    let refundedSoFar = 0n;
    for (const { seed, made, refund, credit } of story) {
      expect(refund.total).toBe(made.total.shop);
      expect(refund.pending).toBe(false);
      for (const priceBasis of ["net", "gross"] as PriceBasis[]) {
        const plan = planDocument(credit, { ...DEFAULT_PLAN_OPTIONS, priceBasis });
        const context = `${priceBasis}: ${JSON.stringify(plan.check, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`;
        expect(plan.check.outcome, context).not.toBe("mismatch");
        expect(plan.totals.gross, context).toBe(refund.total);
        for (const l of plan.lines) expect(l.unitPrice * BigInt(l.quantity), context).toBe(priceBasis === "net" ? l.net : l.gross);
        // and for a system without negative lines (InvoicExpress): exact all the same
        const positive = planDocument(credit, { ...DEFAULT_PLAN_OPTIONS, priceBasis, discountLines: false });
        expect(positive.totals.gross, context).toBe(refund.total);
        expect(positive.lines.every((l) => l.unitPrice >= 0n)).toBe(true);
        // the refunded quantities are the credit note's quantities
        const credited = plan.lines.filter((l) => l.kind === "product").reduce((n, l) => n + l.quantity, 0);
        expect(credited).toBe((seed.lines ?? []).reduce((n, l) => n + l.quantity, 0));
      }
      refundedSoFar += refund.total;
      refunds += 1;
    }
    // all refunds together never return more than was paid
    expect(refundedSoFar).toBeLessThanOrEqual(stored.totals.total.shop);
  });

  it("a refund whose money has not moved yet is pending", async () => {
    const domain = refundShopOf("EUR");
    const stored = simulator.addOrder(domain, refundCorpusOrder("EUR", true));
    const made = simulator.addRefund(domain, stored.id, { lines: [{ index: 2, quantity: 1 }], transactionStatus: "pending" });
    const client = httpAdminClient({ endpoint: simulator.url, shop: domain, accessToken: "shpat_EUR", apiVersion: "2026-10" });
    const fetched = await client.request<{ order: unknown }>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${stored.id}` });
    const data = await client.request<{ refund: unknown }>(REFUND_FOR_CREDIT_NOTE, { id: `gid://shopify/Refund/${made.id}` });
    expect(creditFromRefund(data.refund, orderFromAdminApi(fetched.order, "shop"), "shop").refund).toMatchObject({ pending: true, total: 8990n });
  });
});
