// Walley's invoice rows against the simulator, for every amount path: prices with and without VAT, line and
// order discounts folded into the prices (split where they do not divide), shipping with a discount, 0- and
// 2-decimal currencies; what Walley totals is Shopify's total to the minor unit, and each refund is credited
// for exactly its amount. A 3-decimal currency is refused in words.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PermanentError } from "../../app/lib/errors";
import { parseRatio } from "../../app/lib/money";
import { DEFAULT_PLAN_OPTIONS, planDocument } from "../../app/invoicing/plan";
import type { NormalizedOrder, OrderLine } from "../../app/invoicing/order";
import type { AccountingProvider, DocumentRef } from "../../app/providers/provider";
import { createProvider } from "../../app/providers/registry";
import { CollectorSimulator } from "../simulators/collector/server";

const sim = new CollectorSimulator();
const provider = (): AccountingProvider =>
  createProvider({ type: "collector", credentials: { username: "u", password: "p" }, settings: { endpoint: sim.endpoint, stores: [{ countryCode: "SE", buyers: "b2c", storeId: 9 }] } });
const options = { ...DEFAULT_PLAN_OPTIONS, priceBasis: "gross" as const, discountLines: false };

/** An order line: `gross` and `discount` in minor units in the order's own price terms; tax as Shopify rounded it. */
function line(id: string, sku: string, quantity: number, unitPrice: bigint, discount: bigint, rate: string, taxesIncluded: boolean): OrderLine {
  const r = parseRatio(rate);
  const base = unitPrice * BigInt(quantity) - discount;
  const tax = taxesIncluded ? (base * r.num + (r.den + r.num) / 2n) / (r.den + r.num) : (base * r.num + r.den / 2n) / r.den;
  return { id, sku, variantId: null, title: `Item ${sku}`, quantity, unitPrice, discount, taxes: [{ title: "VAT", rate: r, amount: tax }], isGiftCard: false, requiresShipping: true };
}

function order(currency: string, taxesIncluded: boolean, lines: OrderLine[], shipping = 0n, shippingDiscount = 0n): NormalizedOrder {
  const r = parseRatio("0.25");
  const shipBase = shipping - shippingDiscount;
  const shipTax = shipping === 0n ? 0n : taxesIncluded ? (shipBase * r.num + (r.den + r.num) / 2n) / (r.den + r.num) : (shipBase * r.num + r.den / 2n) / r.den;
  const tax = lines.reduce((s, l) => s + l.taxes[0].amount, 0n) + shipTax;
  const net = lines.reduce((s, l) => s + l.unitPrice * BigInt(l.quantity) - l.discount, 0n) + shipBase;
  return {
    source: "admin-api", id: "8001", name: "#8001", currency, shopCurrency: currency, presentmentCurrency: currency, taxesIncluded,
    createdAt: "2026-12-07T10:00:00Z", cancelledAt: null, financialStatus: "pending", fulfillmentStatus: "unfulfilled", tags: [], channel: "web",
    gateways: [], locale: "sv", email: "a@example.se", customer: null, company: null, billingAddress: null, shippingAddress: null, lines,
    shipping: shipping === 0n ? [] : [{ title: "Post", code: null, price: shipping, discount: shippingDiscount, taxes: [{ title: "VAT", rate: r, amount: shipTax }] }],
    tip: 0n, duties: 0n, giftCardPaid: 0n, total: taxesIncluded ? net : net + tax, totalTax: tax, paymentTerms: null,
  } as NormalizedOrder;
}

const buyer = { shopifyCustomerId: null, email: "a@example.se", name: "Astrid Lindgren", companyName: null, address: { address1: "Storgatan 1", city: "Malmö", zip: "21122", countryCode: "SE" }, currency: "SEK", isB2B: false };

async function invoiceFor(o: NormalizedOrder, key: string): Promise<{ plan: ReturnType<typeof planDocument>; document: DocumentRef }> {
  const p = provider();
  const plan = planDocument(o, options);
  const customer = await p.findOrCreateCustomer({ customer: { ...buyer, currency: o.currency }, linkedExternalId: null });
  const document = await p.createDocument({ kind: "invoice", plan, customer: { ...customer, name: buyer.name, countryCode: "SE", isB2B: false }, products: new Map(), idempotencyKey: key, dates: { issueDate: "2026-12-07" } });
  return { plan, document };
}

const CASES: Array<{ name: string; order: () => NormalizedOrder }> = [
  { name: "SEK, VAT included, a discount that does not divide, shipping", order: () => order("SEK", true, [line("1", "KOPP", 3, 10000n, 1000n, "0.25", true), line("2", "FAT", 1, 5000n, 0n, "0.25", true)], 4900n) },
  { name: "SEK, VAT excluded, two rates, a discounted shipping", order: () => order("SEK", false, [line("1", "BOK", 2, 19900n, 0n, "0.06", false), line("2", "KOPP", 7, 1299n, 500n, "0.25", false)], 4900n, 900n) },
  { name: "SEK, a 100% discount line", order: () => order("SEK", true, [line("1", "GRATIS", 2, 2500n, 5000n, "0.25", true), line("2", "KOPP", 1, 10000n, 0n, "0.25", true)]) },
  { name: "JPY (no decimals), VAT included, a discount", order: () => order("JPY", true, [line("1", "CHA", 3, 1000n, 100n, "0.25", true)], 500n) },
];

describe("Walley's amounts: rows, totals and credits", () => {
  beforeAll(() => sim.start());
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.invoices.clear();
    sim.stores.clear();
    sim.addStore({ storeId: 9, countryCode: "SE", username: "u", password: "p" });
  });

  it.each(CASES)("$name: Walley's total is Shopify's, and a refund of every unit credits exactly the invoice", async ({ order: make }) => {
    const o = make();
    const { plan, document } = await invoiceFor(o, `ib:amounts:${o.currency}:${o.lines.length}:invoice:order`);
    expect(plan.check.outcome).toBe("equal");
    const [invoice] = [...sim.invoices.values()];
    const cents = (rows: typeof invoice.rows) => rows.reduce((sum, r) => sum + BigInt(Math.round(r.UnitPrice * (o.currency === "JPY" ? 1 : 100))) * BigInt(r.Quantity), 0n);
    expect(cents(invoice.rows)).toBe(o.total);
    expect(document.totalMinor).toBe(o.total);
    // No row's price is negative: discounts are in the prices.
    expect(invoice.rows.every((r) => r.UnitPrice >= 0)).toBe(true);
    const p = provider();
    const booked = await p.finalizeDocument({ document });
    const credit = await p.createDocument({ kind: "creditNote", plan, credits: booked, earlierCredits: [], customer: { externalId: "", matchedBy: "collective", name: "", countryCode: "SE", isB2B: false }, products: new Map(), idempotencyKey: "ib:amounts:credit", dates: { issueDate: "2026-12-08" } });
    expect(credit.totalMinor).toBe(o.total);
    expect(sim.invoices.get(invoice.invoiceNo)!.status).toBe("credited");
  });

  it("KWD (three decimals): refused in words, nothing added", async () => {
    const o = order("KWD", true, [line("1", "X", 1, 12345n, 0n, "0.25", true)]);
    const error = await invoiceFor(o, "ib:amounts:kwd").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).merchantMessage).toBe("Walley invoices amounts with at most two decimals, and KWD has 3, so no invoice was added. Invoice this order another way.");
    expect(sim.invoices.size).toBe(0);
  });
});
