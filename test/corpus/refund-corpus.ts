// The refund corpus: 18 orders (EUR, JPY and KWD, tax included or excluded, each of 9 refund stories) refunded
// in the Shopify simulator with Shopify's pro-rata rounding, 36 refunds in all, each read through the real
// RefundForCreditNote query with its order. The credit note corpus test checks each credit note's total; the
// e-invoice corpus renders each one (in both price bases: 72 credit notes) as UBL and Factur-X.
import type { SeedOrder, SeedRefund } from "../simulators/shopify-admin/orders";
import type { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { ORDER_FOR_INVOICE, REFUND_FOR_CREDIT_NOTE } from "../../app/shopify/graphql";
import { orderFromAdminApi, type NormalizedOrder } from "../../app/invoicing/order";
import { creditFromRefund } from "../../app/invoicing/refund";

export type Currency = "EUR" | "JPY" | "KWD";
const P: Record<string, Record<Currency, string>> = {
  mug: { EUR: "12.49", JPY: "1980", KWD: "3.875" },
  book: { EUR: "19.99", JPY: "2750", KWD: "6.125" },
  lamp: { EUR: "89.90", JPY: "12800", KWD: "27.450" },
  post: { EUR: "4.95", JPY: "700", KWD: "1.500" },
  off: { EUR: "3.00", JPY: "500", KWD: "0.950" },
  back: { EUR: "5.00", JPY: "600", KWD: "1.250" },
};

export const refundCorpusOrder = (c: Currency, taxesIncluded: boolean): SeedOrder => ({
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

export const REFUND_CORPUS_CASES = (["EUR", "JPY", "KWD"] as Currency[]).flatMap((c) =>
  [true, false].flatMap((taxesIncluded) =>
    REFUNDS.map((r) => ({ name: `${c}, ${taxesIncluded ? "tax included" : "tax excluded"}: ${r.name}`, currency: c, taxesIncluded, refunds: r.refunds(c) })),
  ),
);


export const REFUND_CORPUS_SHOP = "refunds.myshopify.com";
export const refundShopOf = (currency: Currency) => `${currency.toLowerCase()}-${REFUND_CORPUS_SHOP}`;

/** One shop per currency, with a bucket that never throttles. */
export function addRefundCorpusShops(simulator: ShopifyAdminSimulator) {
  for (const currency of ["EUR", "JPY", "KWD"] as Currency[]) {
    const shop = simulator.addShop({ domain: refundShopOf(currency), accessToken: `shpat_${currency}`, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency });
    shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = 1e9;
  }
}

/** The case's order, then each of its refunds made and read back, in turn, with the credit it plans from. */
export async function corpusRefunds(simulator: ShopifyAdminSimulator, c: { currency: Currency; taxesIncluded: boolean; refunds: SeedRefund[] }) {
  const domain = refundShopOf(c.currency);
  const stored = simulator.addOrder(domain, refundCorpusOrder(c.currency, c.taxesIncluded));
  const client = httpAdminClient({ endpoint: simulator.url, shop: domain, accessToken: `shpat_${c.currency}`, apiVersion: "2026-10" });
  const fetched = await client.request<{ order: unknown }>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${stored.id}` });
  const sold: NormalizedOrder = orderFromAdminApi(fetched.order, "shop");
  const refunds = [];
  for (const seed of c.refunds) {
    const made = simulator.addRefund(domain, stored.id, seed);
    const data = await client.request<{ refund: unknown }>(REFUND_FOR_CREDIT_NOTE, { id: `gid://shopify/Refund/${made.id}` });
    refunds.push({ seed, made, ...creditFromRefund(data.refund, sold, "shop") });
  }
  return { stored, sold, client, domain, refunds };
}
