// Invoicing per fulfilment: orders computed by the Shopify simulator, fulfilled in parts, read through the
// real OrderForInvoice and OrderFulfillments queries. Every fulfilment invoice is exact, and together they
// total exactly Shopify's order total, in both price bases and in 0-, 2- and 3-decimal currencies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import type { SeedFulfillment, SeedOrder } from "../simulators/shopify-admin/orders";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { ORDER_FOR_INVOICE, ORDER_FULFILLMENTS } from "../../app/shopify/graphql";
import { orderFromAdminApi } from "../../app/invoicing/order";
import { fulfillmentsFromAdminApi, orderForFulfillment } from "../../app/invoicing/fulfillment";
import { DEFAULT_PLAN_OPTIONS, planDocument, type PriceBasis } from "../../app/invoicing/plan";
import { expectEInvoiceOf } from "../helpers/einvoice";

let simulator: ShopifyAdminSimulator;
type Currency = "EUR" | "JPY" | "KWD";
const P: Record<string, Record<Currency, string>> = {
  mug: { EUR: "12.49", JPY: "1980", KWD: "3.875" },
  book: { EUR: "19.99", JPY: "2750", KWD: "6.125" },
  post: { EUR: "4.95", JPY: "700", KWD: "1.500" },
  off: { EUR: "3.01", JPY: "501", KWD: "0.951" },
};
const order = (c: Currency, taxesIncluded: boolean): SeedOrder => ({
  currency: c,
  taxesIncluded,
  lines: [
    { sku: "MUG", title: "Mug", quantity: 3, price: P.mug[c], taxRate: "0.25", discount: P.off[c] },
    { sku: "BOOK", title: "Book", quantity: 5, price: P.book[c], taxRate: "0.06", discount: P.off[c] },
  ],
  shipping: [{ title: "Post", price: P.post[c], taxRate: "0.25" }],
});
const SPLITS: Array<{ name: string; parts: SeedFulfillment[] }> = [
  { name: "all at once", parts: [{ lines: [{ index: 0, quantity: 3 }, { index: 1, quantity: 5 }] }] },
  { name: "line by line", parts: [{ lines: [{ index: 0, quantity: 3 }] }, { lines: [{ index: 1, quantity: 5 }] }] },
  { name: "unit by unit, uneven", parts: [{ lines: [{ index: 0, quantity: 1 }, { index: 1, quantity: 2 }] }, { lines: [{ index: 0, quantity: 1 }] }, { lines: [{ index: 0, quantity: 1 }, { index: 1, quantity: 3 }] }] },
];
const CASES = (["EUR", "JPY", "KWD"] as Currency[]).flatMap((c) => [true, false].flatMap((incl) => SPLITS.map((split) => ({ name: `${c}, ${incl ? "tax included" : "tax excluded"}, ${split.name}`, c, incl, parts: split.parts }))));

describe("invoicing per fulfilment", () => {
  beforeAll(async () => {
    simulator = new ShopifyAdminSimulator();
    await simulator.start();
    for (const c of ["EUR", "JPY", "KWD"]) {
      const shop = simulator.addShop({ domain: `${c.toLowerCase()}.myshopify.com`, accessToken: `shpat_${c}`, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: c });
      shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e9;
    }
  });
  afterAll(() => simulator.close());

  const einvoices = { made: 0, refused: 0 };
  afterAll(() => {
    console.info(`fulfilment corpus: ${einvoices.made} fulfilment invoices valid e-invoices in both formats, ${einvoices.refused} refused (KWD)`);
    // 3 currencies × 2 × (1 + 2 + 3 fulfilments) × 2 price bases
    expect(einvoices.made + einvoices.refused).toBe(72);
  });

  it.each(CASES)("$name: every fulfilment invoice is exact, a valid e-invoice, and together they total Shopify's order", async ({ c, incl, parts }) => {
    const domain = `${c.toLowerCase()}.myshopify.com`;
    const stored = simulator.addOrder(domain, order(c, incl));
    for (const part of parts) simulator.addFulfillment(domain, stored.id, part);
    const client = httpAdminClient({ endpoint: simulator.url, shop: domain, accessToken: `shpat_${c}`, apiVersion: "2026-10" });
    const id = `gid://shopify/Order/${stored.id}`;
    const sold = orderFromAdminApi((await client.request<{ order: unknown }>(ORDER_FOR_INVOICE, { id })).order, "shop");
    const fulfillments = fulfillmentsFromAdminApi(await client.request(ORDER_FULFILLMENTS, { id }));
    expect(fulfillments.map((f) => f.name)).toEqual(parts.map((_p, i) => `${stored.name}.${i + 1}`));
    for (const priceBasis of ["net", "gross"] as PriceBasis[]) {
      let sum = 0n;
      for (const index of fulfillments.keys()) {
        const part = orderForFulfillment(sold, fulfillments, index);
        expect(part.name).toBe(`${stored.name}-F${index + 1}`);
        // the units shipped, and shipping on the first only
        expect(part.lines.map((l) => [l.sku, l.quantity])).toEqual(parts[index].lines.map((l) => [sold.lines[l.index].sku, l.quantity]));
        expect(part.shipping.length).toBe(index === 0 ? 1 : 0);
        const plan = planDocument(part, { ...DEFAULT_PLAN_OPTIONS, priceBasis });
        const context = `${priceBasis} F${index + 1}: ${JSON.stringify(plan.check, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`;
        expect(plan.check.outcome, context).not.toBe("mismatch");
        expect(plan.totals.gross, context).toBe(part.total);
        sum += plan.totals.gross;
        // each fulfilment's invoice, as the shop's own, is a valid EN 16931 e-invoice (KWD: refused)
        einvoices[(await expectEInvoiceOf(plan, { kind: "invoice", number: `INV-${part.name.replace("#", "")}`, context })).outcome] += 1;
      }
      expect(sum).toBe(stored.totals.total.shop);
    }
  });
});
