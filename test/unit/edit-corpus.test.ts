// Order edits after invoicing: edits computed by the Shopify simulator (Shopify's record of each edit),
// read through the real OrderEdits query. The credit note for the units taken off and the invoice for the
// lines added are exact, and with the original invoice they make exactly Shopify's new total.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import type { SeedEdit, SeedOrder } from "../simulators/shopify-admin/orders";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { ORDER_EDITS, ORDER_FOR_INVOICE } from "../../app/shopify/graphql";
import { orderFromAdminApi } from "../../app/invoicing/order";
import { editsFromAdminApi, orderForSales } from "../../app/invoicing/edit";
import { DEFAULT_PLAN_OPTIONS, planDocument, type PriceBasis } from "../../app/invoicing/plan";
import { expectEInvoiceOf } from "../helpers/einvoice";

let simulator: ShopifyAdminSimulator;
type Currency = "EUR" | "JPY" | "KWD";
const P: Record<string, Record<Currency, string>> = {
  mug: { EUR: "12.49", JPY: "1980", KWD: "3.875" },
  book: { EUR: "19.99", JPY: "2750", KWD: "6.125" },
  off: { EUR: "3.01", JPY: "501", KWD: "0.951" },
  pen: { EUR: "2.35", JPY: "330", KWD: "0.725" },
};
const order = (c: Currency, taxesIncluded: boolean): SeedOrder => ({
  currency: c,
  taxesIncluded,
  lines: [
    { sku: "MUG", title: "Mug", quantity: 3, price: P.mug[c], taxRate: "0.25", discount: P.off[c] },
    { sku: "BOOK", title: "Book", quantity: 5, price: P.book[c], taxRate: "0.06" },
  ],
});
const EDITS: Array<{ name: string; edit: (c: Currency) => SeedEdit }> = [
  { name: "one discounted unit off", edit: () => ({ remove: [{ index: 0, quantity: 1 }] }) },
  { name: "a line removed whole", edit: () => ({ remove: [{ index: 1, quantity: 5 }] }) },
  { name: "a line added", edit: (c) => ({ add: [{ sku: "PEN", title: "Pen", quantity: 7, price: P.pen[c], taxRate: "0.25" }] }) },
  { name: "both at once, two rates", edit: (c) => ({ remove: [{ index: 0, quantity: 2 }, { index: 1, quantity: 1 }], add: [{ sku: "PEN", title: "Pen", quantity: 3, price: P.pen[c], taxRate: "0.06" }] }) },
];
const CASES = (["EUR", "JPY", "KWD"] as Currency[]).flatMap((c) => [true, false].flatMap((incl) => EDITS.map((e) => ({ name: `${c}, ${incl ? "tax included" : "tax excluded"}: ${e.name}`, c, incl, edit: e.edit(c) }))));

describe("order edits after invoicing", () => {
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
    console.info(`edit corpus: ${einvoices.made} credit notes and new invoices valid e-invoices in both formats, ${einvoices.refused} refused (KWD)`);
    // every credit note and new invoice of the edits, in both price bases: the corpus must not shrink
    expect(einvoices.made + einvoices.refused).toBe(60);
  });

  it.each(CASES)("$name: the credit and the new invoice are exact, valid e-invoices, and the documents add up to Shopify's new total", async ({ c, incl, edit }) => {
    const domain = `${c.toLowerCase()}.myshopify.com`;
    const stored = simulator.addOrder(domain, order(c, incl));
    const invoiced = stored.totals.total.shop;
    simulator.editOrder(domain, stored.id, edit);
    const client = httpAdminClient({ endpoint: simulator.url, shop: domain, accessToken: `shpat_${c}`, apiVersion: "2026-10" });
    const id = `gid://shopify/Order/${stored.id}`;
    const now = orderFromAdminApi((await client.request<{ order: unknown }>(ORDER_FOR_INVOICE, { id })).order, "shop");
    const [parsed] = editsFromAdminApi(await client.request(ORDER_EDITS, { id }), "shop");
    expect(parsed.removed.reduce((n, s) => n + s.quantity, 0)).toBe((edit.remove ?? []).reduce((n, r) => n + r.quantity, 0));
    expect(parsed.added.reduce((n, s) => n + s.quantity, 0)).toBe((edit.add ?? []).reduce((n, a) => n + a.quantity, 0));
    for (const priceBasis of ["net", "gross"] as PriceBasis[]) {
      // The removed units' credit note and the added units' invoice, each also a valid e-invoice (KWD: refused).
      const total = async (sales: typeof parsed.removed, kind: "invoice" | "credit-note") => {
        if (sales.length === 0) return 0n;
        const plan = planDocument(orderForSales(now, sales, "E"), { ...DEFAULT_PLAN_OPTIONS, priceBasis });
        const context = `${priceBasis} ${kind}: ${JSON.stringify(plan.check, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`;
        expect(plan.check.outcome, context).not.toBe("mismatch");
        einvoices[(await expectEInvoiceOf(plan, { kind, number: kind === "invoice" ? "INV-2" : "CN-1", context })).outcome] += 1;
        return plan.totals.gross;
      };
      expect(invoiced - (await total(parsed.removed, "credit-note")) + (await total(parsed.added, "invoice"))).toBe(simulator.order(domain, stored.id).totals.total.shop);
    }
  });
});
