// The plan corpus: 64 orders (4 currency setups × 8 scenarios × tax included or excluded) that the Shopify
// simulator computes with its own exact arithmetic. Each is read through the real OrderForInvoice query,
// in the shop's and the presentment money, and planned in both price bases: 256 plans. The plan corpus
// test checks their totals; the e-invoice corpus renders each one as UBL and Factur-X.
import type { SeedLine, SeedOrder } from "../simulators/shopify-admin/orders";
import type { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { ORDER_FOR_INVOICE } from "../../app/shopify/graphql";
import { orderFromAdminApi, type CurrencyMode, type NormalizedOrder } from "../../app/invoicing/order";

export type Money3 = { EUR: string; JPY: string; KWD: string; DKK: string };
type Setup = { name: string; key: keyof Money3; seed: Partial<SeedOrder> };

const SETUPS: Setup[] = [
  { name: "EUR", key: "EUR", seed: {} },
  { name: "JPY (0 decimals)", key: "JPY", seed: { currency: "JPY" } },
  { name: "KWD (3 decimals)", key: "KWD", seed: { currency: "KWD" } },
  { name: "DKK presentment on a EUR shop", key: "DKK", seed: { presentmentCurrency: "DKK", exchangeRate: "7.4603" } },
];

const P = {
  mug: { EUR: "12.49", JPY: "1980", KWD: "3.875", DKK: "99.95" },
  book: { EUR: "19.99", JPY: "2750", KWD: "6.125", DKK: "149.00" },
  lamp: { EUR: "89.90", JPY: "12800", KWD: "27.450", DKK: "649.50" },
  post: { EUR: "4.95", JPY: "700", KWD: "1.500", DKK: "39.00" },
  off3: { EUR: "3.00", JPY: "500", KWD: "0.950", DKK: "25.00" },
  off1: { EUR: "1.37", JPY: "123", KWD: "0.333", DKK: "11.11" },
  tip: { EUR: "2.50", JPY: "300", KWD: "0.500", DKK: "20.00" },
  gift: { EUR: "10.00", JPY: "1000", KWD: "2.000", DKK: "50.00" },
} satisfies Record<string, Money3>;

type Scenario = { name: string; build: (k: keyof Money3) => Pick<SeedOrder, "lines" | "shipping" | "tip" | "giftCardPayment" | "company"> };

const line = (title: string, quantity: number, price: string, taxRate?: string, discount?: string): SeedLine => ({
  sku: title.toUpperCase(),
  title,
  quantity,
  price,
  taxRate,
  discount,
});

const SCENARIOS: Scenario[] = [
  { name: "one line, one rate", build: (k) => ({ lines: [line("Mug", 3, P.mug[k], "0.25")] }) },
  {
    name: "two VAT rates and shipping",
    build: (k) => ({ lines: [line("Mug", 2, P.mug[k], "0.25"), line("Book", 3, P.book[k], "0.06")], shipping: [{ title: "Post", price: P.post[k], taxRate: "0.25" }] }),
  },
  { name: "a line discount", build: (k) => ({ lines: [line("Lamp", 1, P.lamp[k], "0.21", P.off3[k]), line("Mug", 3, P.mug[k], "0.21")] }) },
  {
    name: "an order discount allocated over lines of two rates",
    build: (k) => ({ lines: [line("Mug", 3, P.mug[k], "0.25", P.off1[k]), line("Book", 2, P.book[k], "0.09", P.off3[k])] }),
  },
  {
    name: "a shipping discount",
    build: (k) => ({ lines: [line("Book", 1, P.book[k], "0.06")], shipping: [{ title: "Express", price: P.post[k], taxRate: "0.25", discount: P.off1[k] }] }),
  },
  {
    name: "a 100% discount on one line",
    build: (k) => ({ lines: [line("Sample", 2, P.mug[k], "0.25", double(P.mug[k])), line("Book", 1, P.book[k], "0.06")] }),
  },
  {
    name: "a gift card payment and a tip",
    build: (k) => ({ lines: [line("Lamp", 1, P.lamp[k], "0.25")], tip: P.tip[k], giftCardPayment: P.gift[k] }),
  },
  {
    name: "a B2B company order, untaxed lines and taxed shipping",
    build: (k) => ({
      lines: [line("Beans", 10, P.book[k]), line("Filter", 7, P.mug[k], "0.25")],
      shipping: [{ title: "Freight", price: P.lamp[k], taxRate: "0.25" }],
      company: { id: 501, name: "Nordic Cafés ApS", locationId: 502, locationName: "Aarhus" },
    }),
  },
];

/** Twice a decimal string, exactly (for a 100% discount on two units). */
function double(amount: string): string {
  const [whole, fraction = ""] = amount.split(".");
  const scale = 10n ** BigInt(fraction.length);
  const value = (BigInt(whole) * scale + BigInt(fraction || "0")) * 2n;
  return fraction.length ? `${value / scale}.${(value % scale).toString().padStart(fraction.length, "0")}` : String(value);
}

export const PLAN_CORPUS_CASES = SETUPS.flatMap((setup) =>
  SCENARIOS.flatMap((scenario) =>
    [true, false].map((taxesIncluded) => ({
      name: `${setup.name}, ${scenario.name}, prices ${taxesIncluded ? "include" : "exclude"} tax`,
      seed: { ...setup.seed, taxesIncluded, ...scenario.build(setup.key) } as SeedOrder,
    })),
  ),
);


export const CORPUS_MODES: CurrencyMode[] = ["shop", "presentment"];

/** Adds the case's order to the simulator's shop and reads it back in both money modes. */
export async function corpusOrders(simulator: ShopifyAdminSimulator, shop: string, seed: SeedOrder): Promise<Array<{ mode: CurrencyMode; order: NormalizedOrder }>> {
  const stored = simulator.addOrder(shop, seed);
  const client = httpAdminClient({ endpoint: simulator.url, shop, accessToken: `shpat_${shop.split(".")[0]}`, apiVersion: "2026-10" });
  const data = await client.request<{ order: unknown }>(ORDER_FOR_INVOICE, { id: `gid://shopify/Order/${stored.id}` });
  return CORPUS_MODES.map((mode) => ({ mode, order: orderFromAdminApi(data.order, mode) }));
}

/** The simulator's shop for a corpus: an access token of its name, and a bucket that never throttles. */
export function addCorpusShop(simulator: ShopifyAdminSimulator, shop: string) {
  const added = simulator.addShop({ domain: shop, accessToken: `shpat_${shop.split(".")[0]}`, appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "EUR" });
  added.bucket.maximumAvailable = added.bucket.currentlyAvailable = 1e9;
  return added;
}
