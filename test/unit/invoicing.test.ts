import { describe, expect, it } from "vitest";
import { computeOrder, gqlOrder as simulatedGqlOrder, restOrder, type SeedOrder } from "../simulators/shopify-admin/orders";
import { orderFromAdminApi, orderFromWebhook, type NormalizedOrder } from "../../app/invoicing/order";
import { DEFAULT_PLAN_OPTIONS, planDocument, splitExactly } from "../../app/invoicing/plan";
import { decide, DEFAULT_RULES, type InvoicingRules } from "../../app/invoicing/rules";

/** The plain JSON the Admin API returns for a simulated order (connections resolved, as GraphQL would). */
function adminApiJson(seed: SeedOrder) {
  const stored = computeOrder(seed, "EUR", 1001);
  const o = simulatedGqlOrder(stored, undefined) as Record<string, unknown>;
  const resolved = Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, typeof v === "function" ? (v as (a: object) => unknown)({}) : v]),
  );
  return { stored, json: resolved };
}

const base: SeedOrder = {
  taxesIncluded: true,
  lines: [{ sku: "MUG", title: "Mug", quantity: 3, price: "12.49", taxRate: "0.25" }],
  shipping: [{ title: "Post", price: "4.95", taxRate: "0.25" }],
};

describe("the normalised order", () => {
  it("reads the same order alike from the Admin API and from the webhook payload", () => {
    const { stored, json } = adminApiJson({ ...base, lines: [...base.lines, { sku: "BOOK", title: "Book", quantity: 1, price: "19.99", taxRate: "0.06", discount: "2.00" }] });
    const fromApi = orderFromAdminApi(json);
    const fromWebhook = orderFromWebhook(restOrder(stored, undefined));
    const comparable = (o: NormalizedOrder) => ({ ...o, source: null, company: null, email: null, customer: null, billingAddress: null, shippingAddress: null, giftCardPaid: null, locale: null });
    expect(comparable(fromWebhook)).toEqual(comparable(fromApi));
    expect(fromApi.lines[1]).toMatchObject({ sku: "BOOK", quantity: 1, unitPrice: 1999n, discount: 200n });
    expect(fromApi.lines[1].taxes[0].amount).toBe(102n); // 17.99 × 0.06 / 1.06
  });

  it("refuses an amount the currency cannot hold instead of rounding it silently", () => {
    const { json } = adminApiJson(base);
    const broken = JSON.parse(JSON.stringify(json, (_k, v) => (v === "12.49" ? "12.495" : v)));
    expect(() => orderFromAdminApi(broken)).toThrow("more decimals");
  });
});

describe("the document plan", () => {
  const order = (overrides: Partial<NormalizedOrder> = {}) => {
    const { json } = adminApiJson(base);
    return { ...orderFromAdminApi(json), ...overrides };
  };

  it("equals Shopify's total without a rounding line when the numbers agree", () => {
    const plan = planDocument(order(), { ...DEFAULT_PLAN_OPTIONS, priceBasis: "gross" });
    expect(plan.check.outcome).toBe("equal");
    expect(plan.lines.map((l) => [l.kind, l.productNumber, l.quantity, l.unitPrice])).toEqual([
      ["product", "MUG", 3, 1249n],
      ["shipping", "SHIPPING", 1, 495n],
    ]);
    expect(plan.totals.gross).toBe(4242n);
  });

  it("in net prices, splits a line exactly and absorbs the cent that tax extraction leaves", () => {
    // 37.47 gross: Shopify extracted 7.49 VAT, so 29.98 net; 29.98 at 25% is 7.495 → 7.50.
    const plan = planDocument(order(), { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" });
    expect(plan.lines.map((l) => [l.kind, l.productNumber, l.quantity, l.unitPrice])).toEqual([
      ["product", "MUG", 2, 999n],
      ["product", "MUG", 1, 1000n],
      ["shipping", "SHIPPING", 1, 396n],
      ["rounding", "ROUNDING", 1, -1n],
    ]);
    expect(plan.check).toMatchObject({ outcome: "rounded", difference: -1n });
    expect(plan.totals.gross).toBe(4242n);
  });

  it("adds an explicit rounding line for a difference within the tolerance", () => {
    const o = order();
    const plan = planDocument({ ...o, total: o.total + 1n }, { ...DEFAULT_PLAN_OPTIONS, priceBasis: "gross" });
    expect(plan.check).toMatchObject({ outcome: "rounded", difference: 1n });
    expect(plan.lines.at(-1)).toMatchObject({ kind: "rounding", productNumber: "ROUNDING", gross: 1n, vat: 0n });
    expect(plan.totals.gross).toBe(o.total + 1n);
  });

  it("refuses a larger difference, in words, with the likely cause", () => {
    const o = order({ financialStatus: "partially_refunded" });
    const plan = planDocument({ ...o, total: o.total - 1000n }, { ...DEFAULT_PLAN_OPTIONS, priceBasis: "gross" });
    expect(plan.check.outcome).toBe("mismatch");
    if (plan.check.outcome !== "mismatch") return;
    expect(plan.check.difference).toBe(-1000n);
    expect(plan.check.message).toContain("Shopify's total is 32.42 EUR");
    expect(plan.check.message).toContain("-10.00 EUR");
    expect(plan.check.message).toContain("tolerance of 0.02 EUR");
    expect(plan.check.message).toContain("refunded");
    expect(plan.check.message).toContain("A draft was made instead");
  });

  it("splits an amount that does not divide by its quantity into two exact lines", () => {
    expect(splitExactly(1000n, 3)).toEqual([
      { quantity: 2, unitPrice: 333n },
      { quantity: 1, unitPrice: 334n },
    ]);
    expect(splitExactly(999n, 3)).toEqual([{ quantity: 3, unitPrice: 333n }]);
    expect(splitExactly(-7n, 1)).toEqual([{ quantity: 1, unitPrice: -7n }]);
  });
});

describe("the rules", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  const installedLongAgo = new Date("2026-01-01T00:00:00Z");
  const { json } = adminApiJson({ ...base, gateways: ["shopify_payments"], tags: ["vip"] });
  const paid = orderFromAdminApi(json);
  const confirmed: InvoicingRules = { ...DEFAULT_RULES, bookingConfirmedAt: "2026-02-01T00:00:00Z" };
  const run = (order: NormalizedOrder, rules: InvoicingRules, installedAt = installedLongAgo) =>
    decide({ order, rules, request: { by: "automatic" }, verificationStartedAt: installedAt, now });

  it.each<[string, Partial<NormalizedOrder>, Partial<InvoicingRules>, string]>([
    ["unpaid under the 'paid' trigger", { financialStatus: "pending" }, {}, "Skipped: waiting for payment (your trigger is 'paid', and the payment status is 'pending')."],
    ["unfulfilled under the 'fulfilled' trigger", {}, { trigger: "fulfilled" }, "Skipped: waiting for fulfilment (your trigger is 'fulfilled', and the fulfilment status is 'unfulfilled')."],
    ["the manual trigger", {}, { trigger: "manual" }, "Skipped: invoices are made only when staff use \"Generate invoice\" (your trigger is 'manual only')."],
    ["a payment status outside the criteria", { financialStatus: "authorized" }, { trigger: "created", financialStatuses: ["paid"] }, "Skipped: payment status 'authorized' is not in your criteria (paid)."],
    ["an excluded tag", {}, { excludeTags: ["VIP"] }, "Skipped: the order is tagged 'VIP', which you exclude."],
    ["no required tag", {}, { includeTags: ["wholesale"] }, "Skipped: the order has none of the tags you require (wholesale)."],
    ["another channel", { channel: "pos" }, { channels: ["web"] }, "Skipped: sales channel 'pos' is not in your criteria (web)."],
    ["a cancelled order", { cancelledAt: "2026-11-20T10:00:00Z" }, {}, "Skipped: order #1001 is cancelled."],
  ])("skips %s, and says why", (_name, order, rules, reason) => {
    expect(run({ ...paid, ...order }, { ...confirmed, ...rules })).toEqual({ action: "skip", reasons: [reason] });
  });

  it("books when everything allows it", () => {
    expect(run(paid, confirmed)).toMatchObject({ action: "create", kind: "invoice" });
  });

  it("makes drafts only during the verification period, and until the merchant confirms booking", () => {
    const during = run(paid, confirmed, new Date("2026-11-15T00:00:00Z"));
    expect(during).toMatchObject({ action: "create", kind: "draft" });
    expect(during.reasons[0]).toContain("the verification period runs until 2026-11-29");
    const unconfirmed = run(paid, DEFAULT_RULES);
    expect(unconfirmed).toMatchObject({ action: "create", kind: "draft" });
    expect(unconfirmed.reasons[0]).toContain("once you confirm it in the settings");
  });

  it("never books a gateway the merchant excluded, and says so", () => {
    const decision = run({ ...paid, gateways: ["Bank transfer"] }, { ...confirmed, neverBookGateways: ["Bank transfer"] });
    expect(decision).toEqual({
      action: "create",
      kind: "draft",
      reasons: ["A draft only: orders paid with 'Bank transfer' are never booked automatically (your settings)."],
    });
  });

  it("lets staff ask for a document whatever the automatic rules say", () => {
    const decision = decide({ order: { ...paid, financialStatus: "pending" }, rules: { ...DEFAULT_RULES, trigger: "manual" }, request: { by: "staff", kind: "invoice" }, verificationStartedAt: now, now });
    expect(decision).toEqual({ action: "create", kind: "invoice", reasons: ["A booked invoice, as requested."] });
  });
});
