// The refund corpus: refunds computed by the Shopify simulator (Shopify's pro-rata rounding, not ours),
// fetched through the real RefundForCreditNote query with their order, and planned as credit notes. Every
// credit note must total exactly what Shopify refunded, to the minor unit, in both price bases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import type { SeedOrder, SeedRefund } from "../simulators/shopify-admin/orders";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { ORDER_FOR_INVOICE, REFUND_FOR_CREDIT_NOTE } from "../../app/shopify/graphql";
import { orderFromAdminApi } from "../../app/invoicing/order";
import { creditFromRefund } from "../../app/invoicing/refund";
import { DEFAULT_PLAN_OPTIONS, planDocument, type PriceBasis } from "../../app/invoicing/plan";

const SHOP = "refunds.myshopify.com";
let simulator: ShopifyAdminSimulator;

type Currency = "EUR" | "JPY" | "KWD";
const P: Record<string, Record<Currency, string>> = {
  mug: { EUR: "12.49", JPY: "1980", KWD: "3.875" },
  book: { EUR: "19.99", JPY: "2750", KWD: "6.125" },
  lamp: { EUR: "89.90", JPY: "12800", KWD: "27.450" },
  post: { EUR: "4.95", JPY: "700", KWD: "1.500" },
  off: { EUR: "3.00", JPY: "500", KWD: "0.950" },
  back: { EUR: "5.00", JPY: "600", KWD: "1.250" },
};

const order = (c: Currency, taxesIncluded: boolean): SeedOrder => ({
  currency: c,
  taxesIncluded,
  email: "refund@example.com",
  lines: [
    { sku: "MUG", title: "Mug", quantity: 3, price: P.mug[c], taxRate: "0.25", discount: P.off[c] },
    { sku: "BOOK", title: "Book", quantity: 2, price: P.book[c], taxRate: "0.06" },
    { sku: "LAMP", title: "Lamp", quantity: 1, price: P.lamp[c], taxRate: "0.25" },
  ],
  shipping: [{ title: "Post", price: P.post[c], taxRate: "0.25" }],
});

const REFUNDS: Array<{ name: string; refunds: (c: Currency) => SeedRefund[] }> = [
  { name: "one unit of a discounted line", refunds: () => [{ lines: [{ index: 0, quantity: 1 }] }] },
  { name: "two of three discounted units", refunds: () => [{ lines: [{ index: 0, quantity: 2 }] }] },
  { name: "every line, whole", refunds: () => [{ lines: [{ index: 0, quantity: 3 }, { index: 1, quantity: 2 }, { index: 2, quantity: 1 }], shipping: true }] },
  { name: "two rates in one refund", refunds: () => [{ lines: [{ index: 1, quantity: 1 }, { index: 2, quantity: 1 }] }] },
  { name: "shipping only", refunds: () => [{ shipping: true }] },
  { name: "an amount only", refunds: (c) => [{ amount: P.back[c], note: "goodwill" }] },
  { name: "a line and an amount", refunds: (c) => [{ lines: [{ index: 1, quantity: 1 }], amount: P.back[c] }] },
  { name: "repeated: the mugs one by one", refunds: () => [1, 2, 3].map(() => ({ lines: [{ index: 0, quantity: 1 }] })) },
  { name: "repeated: a book, then the shipping", refunds: () => [{ lines: [{ index: 1, quantity: 1 }] }, { shipping: true }] },
];

const CASES = (["EUR", "JPY", "KWD"] as Currency[]).flatMap((c) =>
  [true, false].flatMap((taxesIncluded) =>
    REFUNDS.map((r) => ({ name: `${c}, ${taxesIncluded ? "tax included" : "tax excluded"}: ${r.name}`, currency: c, taxesIncluded, refunds: r.refunds(c) })),
  ),
);

describe("credit note corpus", () => {
  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
    for (const currency of ["EUR", "JPY", "KWD"]) {
      const shop = simulator.addShop({ domain: `${currency.toLowerCase()}-${SHOP}`, accessToken: `shpat_${currency}`, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency });
      shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e9;
    }
  });
  afterAll(() => simulator.close());

  let refunds = 0;
  afterAll(() => console.info(`credit note corpus: ${refunds} refunds, each credit note equal to Shopify's refund total in net and gross prices`));

  it("has at least 30 refunds", () => {
    expect(CASES.reduce((n, c) => n + c.refunds.length, 0)).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)("$name: each credit note totals exactly what Shopify refunded", async ({ currency, taxesIncluded, refunds: seeds }) => {
    const domain = `${currency.toLowerCase()}-${SHOP}`;
    const stored = simulator.addOrder(domain, order(currency, taxesIncluded));
    const client = httpAdminClient({ endpoint: simulator.url, shop: domain, accessToken: `shpat_${currency}`, apiVersion: "2026-10" });
    const fetched = await client.request<{ order: unknown }>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${stored.id}` });
    const sold = orderFromAdminApi(fetched.order, "shop");
    let refundedSoFar = 0n;
    for (const seed of seeds) {
      const made = simulator.addRefund(domain, stored.id, seed);
      const data = await client.request<{ refund: unknown }>(REFUND_FOR_CREDIT_NOTE, { id: `gid://shopify/Refund/${made.id}` });
      const { refund, credit } = creditFromRefund(data.refund, sold, "shop");
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
    const domain = `eur-${SHOP}`;
    const stored = simulator.addOrder(domain, order("EUR", true));
    const made = simulator.addRefund(domain, stored.id, { lines: [{ index: 2, quantity: 1 }], transactionStatus: "pending" });
    const client = httpAdminClient({ endpoint: simulator.url, shop: domain, accessToken: "shpat_EUR", apiVersion: "2026-10" });
    const fetched = await client.request<{ order: unknown }>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${stored.id}` });
    const data = await client.request<{ refund: unknown }>(REFUND_FOR_CREDIT_NOTE, { id: `gid://shopify/Refund/${made.id}` });
    expect(creditFromRefund(data.refund, orderFromAdminApi(fetched.order, "shop"), "shop").refund).toMatchObject({ pending: true, total: 8990n });
  });
});
