// The e-conomic provider against the e-conomic simulator over HTTP. (The provider-neutral contract
// suite that every provider will run comes with the rest of issue 3.)
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EconomicSimulator } from "../simulators/economic/server";
import { createProvider } from "../../app/providers/registry";
import { productNumberFor } from "../../app/providers/economic/economic-provider";
import type { AccountingProvider, CustomerInput } from "../../app/providers/provider";
import { AuthError, PermanentError, RetryableError } from "../../app/lib/errors";
import { DEFAULT_PLAN_OPTIONS, planDocument } from "../../app/invoicing/plan";
import type { NormalizedOrder } from "../../app/invoicing/order";
import { parseRatio } from "../../app/lib/money";

let sim: EconomicSimulator;
const settings = () => ({
  baseUrl: sim.url,
  customerGroupNumber: 1,
  paymentTermsNumber: 1,
  layoutNumber: 19,
  collectiveCustomerNumber: 99,
  productGroups: { "0.25": 1, "0": 2 },
  defaultProductNumber: "SHOPIFY",
});
const provider = (credentials = { appSecretToken: "app-secret", agreementGrantToken: "grant-1" }): AccountingProvider =>
  createProvider({ type: "economic", credentials, settings: settings() });

const buyer = (overrides: Partial<CustomerInput> = {}): CustomerInput => ({
  shopifyCustomerId: "9001",
  email: "anna(dk)@example.com",
  name: "Anna Jensen",
  companyName: null,
  address: { address1: "Nørregade 7", city: "København", zip: "1165", countryCode: "DE" },
  currency: "DKK",
  isB2B: false,
  ...overrides,
});

function order(overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    source: "admin-api", id: "1001", name: "#1001", currency: "DKK", shopCurrency: "DKK", presentmentCurrency: "DKK",
    taxesIncluded: false, createdAt: "2026-11-21T10:00:00Z", cancelledAt: null, financialStatus: "paid", fulfillmentStatus: "unfulfilled",
    tags: [], channel: "web", gateways: ["shopify_payments"], locale: "da", email: "anna(dk)@example.com", customer: null, company: null,
    billingAddress: null, shippingAddress: null,
    lines: [{ id: "1", sku: "MUG", variantId: "11", title: "Mug", quantity: 3, unitPrice: 9995n, discount: 0n, taxes: [{ title: "Moms", rate: parseRatio("0.25"), amount: 7496n }], isGiftCard: false, requiresShipping: true }],
    shipping: [], tip: 0n, duties: 0n, giftCardPaid: 0n, total: 37481n, totalTax: 7496n, paymentTerms: null,
    ...overrides,
  };
}

describe("e-conomic provider (against the simulator)", () => {
  beforeAll(async () => {
    sim = new EconomicSimulator();
    await sim.start();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.agreements.clear();
    sim.faults.clear();
    sim.addAgreement({ appSecretToken: "app-secret", agreementGrantToken: "grant-1" });
  });

  it("refuses settings that are incomplete, in words, when the connection is loaded", () => {
    expect(() => createProvider({ type: "economic", credentials: { appSecretToken: "a", agreementGrantToken: "b" }, settings: {} })).toThrow(
      /e-conomic settings are incomplete or wrong \(customerGroupNumber/,
    );
  });

  it("verifies the connection, and reports bad tokens as a reconnect", async () => {
    await expect(provider().verifyConnection()).resolves.toBeUndefined();
    const error = await provider({ appSecretToken: "x", agreementGrantToken: "grant-1" }).verifyConnection().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).merchantMessage).toContain("Reconnect e-conomic");
  });

  it("matches a customer by the whole e-mail address, creates one with the settings' fields and its VAT zone, and sends guests to the collective customer", async () => {
    const p = provider();
    const created = await p.findOrCreateCustomer({ customer: buyer(), linkedExternalId: null });
    expect(created.matchedBy).toBe("created");
    const stored = sim.agreements.get("grant-1")!.customers.get(Number(created.externalId))!;
    // a consumer in Germany pays VAT as at home: the domestic zone; only a business there gets the EU zone (reverse charge)
    expect(stored).toMatchObject({ name: "Anna Jensen", currency: "DKK", customerGroup: { customerGroupNumber: 1 }, paymentTerms: { paymentTermsNumber: 1 }, vatZone: { vatZoneNumber: 1 } });
    const business = await p.findOrCreateCustomer({ customer: buyer({ email: "buyer@firma.de", companyName: "Firma GmbH", isB2B: true }), linkedExternalId: null });
    expect(sim.agreements.get("grant-1")!.customers.get(Number(business.externalId))).toMatchObject({ name: "Firma GmbH", vatZone: { vatZoneNumber: 2 } });
    expect(await p.findOrCreateCustomer({ customer: buyer(), linkedExternalId: null })).toEqual({ externalId: created.externalId, matchedBy: "email" });
    // "nna(dk)@example.com" is inside Anna's address, but it is not her address
    expect((await p.findOrCreateCustomer({ customer: buyer({ email: "nna(dk)@example.com", name: "Other" }), linkedExternalId: null })).matchedBy).toBe("created");
    expect(await p.findOrCreateCustomer({ customer: buyer({ email: null }), linkedExternalId: null })).toEqual({ externalId: "99", matchedBy: "collective" });
    expect(await p.findOrCreateCustomer({ customer: buyer({ email: null }), linkedExternalId: created.externalId })).toEqual({ externalId: created.externalId, matchedBy: "link" });
  });

  it("creates a product in the product group of its VAT rate, and refuses a rate without one, in words", async () => {
    const p = provider();
    await p.findOrCreateProducts({ lines: [{ kind: "goods", sku: "TIP", description: "Tip", vatRate: "0" }], policy: "create" });
    expect(sim.agreements.get("grant-1")!.products.get("TIP")).toMatchObject({ productGroup: { productGroupNumber: 2 } });
    // shipping at two rates: two products, each in its rate's group, whatever the goods policy
    const shipping = await p.findOrCreateProducts({
      lines: [
        { kind: "service", sku: "SHIPPING", description: "Shipping", vatRate: "0.25" },
        { kind: "service", sku: "SHIPPING", description: "Shipping", vatRate: "0" },
      ],
      policy: "halt",
    });
    expect([...shipping.values()].map((m) => m.productNumber)).toEqual(["SHIPPING-25", "SHIPPING-0"]);
    expect(sim.agreements.get("grant-1")!.products.get("SHIPPING-25")).toMatchObject({ productGroup: { productGroupNumber: 1 } });
    const refused = await p.findOrCreateProducts({ lines: [{ kind: "goods", sku: "TEA", description: "Tea", vatRate: "0.08" }], policy: "create" }).catch((e: unknown) => e);
    expect((refused as PermanentError).merchantMessage).toBe(
      "No e-conomic product group is set for VAT 8%, so a product with that VAT cannot be created. Add one in the app's e-conomic settings, then press Retry.",
    );
  });

  it("uses a product that another order created in the meantime instead of failing", async () => {
    const p = provider();
    // Two orders at once: both see SHIPPING missing, both create it; e-conomic refuses the second.
    const both = await Promise.all([1, 2].map(() => p.findOrCreateProducts({ lines: [{ kind: "goods", sku: "CUP", description: "Cup", vatRate: "0.25" }], policy: "create" })));
    expect(both.map((m) => m.get("CUP")?.productNumber)).toEqual(["CUP", "CUP"]);
    expect(sim.agreements.get("grant-1")!.products.size).toBe(1);
  });

  it("matches products by SKU, maps long SKUs stably, and follows the missing-product policy", async () => {
    const p = provider();
    const longSku = "ORGANIC-COTTON-TSHIRT-XXL-NAVY-BLUE";
    const created = await p.findOrCreateProducts({ lines: [{ kind: "goods", sku: "MUG", description: "Mug", vatRate: "0.25" }, { kind: "goods", sku: longSku, description: "T-shirt", vatRate: "0.25" }], policy: "create" });
    expect(created.get("MUG")).toEqual({ productNumber: "MUG", created: true });
    expect(created.get(longSku)?.productNumber).toBe(productNumberFor(longSku));
    expect(productNumberFor(longSku)).toHaveLength(25);
    expect((await p.findOrCreateProducts({ lines: [{ kind: "goods", sku: "MUG", description: "Mug", vatRate: "0.25" }], policy: "halt" })).get("MUG")).toEqual({ productNumber: "MUG", created: false });
    const halted = await p.findOrCreateProducts({ lines: [{ kind: "goods", sku: "ABC-1", description: "Thing", vatRate: "0.25" }], policy: "halt" }).catch((e: unknown) => e);
    expect(halted).toBeInstanceOf(PermanentError);
    expect((halted as PermanentError).merchantMessage).toBe(
      "SKU 'ABC-1' does not exist in e-conomic and 'Create missing products' is off. Create the product in e-conomic or turn the setting on, then press Retry.",
    );
    const noDefault = await p.findOrCreateProducts({ lines: [{ kind: "goods", sku: null, description: "Engraving", vatRate: "0.25" }], policy: "default" }).catch((e: unknown) => e);
    expect((noDefault as PermanentError).merchantMessage).toContain("The default product 'SHOPIFY' does not exist in e-conomic");
  });

  it("creates the draft with the idempotency key, finds it again by that key, books it, and fetches a PDF that opens", async () => {
    const p = provider();
    const customer = await p.findOrCreateCustomer({ customer: buyer({ address: { address1: null, city: null, zip: null, countryCode: "DK" } }), linkedExternalId: null });
    const plan = planDocument(order(), { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" });
    const products = await p.findOrCreateProducts({ lines: plan.lines.map((l) => ({ kind: "goods" as const, sku: l.sku, description: l.description, vatRate: "0.25" })), policy: "create" });
    const key = "ib:shop.myshopify.com:1001:invoice:order";
    const draft = await p.createDocument({ kind: "invoice", plan, customer: { ...customer, name: "Anna Jensen", countryCode: "DK", isB2B: false }, products, idempotencyKey: key, dates: { issueDate: "2026-11-21" } });
    expect(draft).toMatchObject({ state: "draft", number: null, totalMinor: 37481n });
    expect(await p.findDocumentByReference!({ idempotencyKey: key })).toEqual(draft);
    const booked = await p.finalizeDocument({ document: draft });
    expect(booked).toMatchObject({ state: "booked", number: "10001", totalMinor: 37481n });
    expect(await p.findDocumentByReference!({ idempotencyKey: key })).toEqual(booked);
    expect(await p.findDocumentByReference!({ idempotencyKey: "ib:other" })).toBeNull();
    const pdf = await p.getPdf({ document: booked });
    expect((await PDFDocument.load(pdf)).getTitle()).toBe("Invoice 10001");
  });

  it("finds a draft whose creation answer was lost, instead of making a second one", async () => {
    const p = provider();
    const customer = await p.findOrCreateCustomer({ customer: buyer(), linkedExternalId: null });
    const plan = planDocument(order(), { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" });
    const products = await p.findOrCreateProducts({ lines: plan.lines.map((l) => ({ kind: "goods" as const, sku: l.sku, description: l.description, vatRate: "0.25" })), policy: "create" });
    sim.faults.add({ kind: "lost-response", match: "POST /invoices/drafts" });
    const input = { kind: "invoice" as const, plan, customer: { ...customer, name: "Anna", countryCode: "DK", isB2B: false }, products, idempotencyKey: "ib:lost", dates: { issueDate: "2026-11-21" } };
    expect(await p.createDocument(input).catch((e: unknown) => e)).toBeInstanceOf(RetryableError);
    const recovered = await p.findDocumentByReference!({ idempotencyKey: "ib:lost" });
    expect(recovered).toMatchObject({ state: "draft" });
    expect(sim.agreements.get("grant-1")!.drafts.size).toBe(1);
  });

  it("classifies 5xx, 429 (with Retry-After) and a 3-decimal currency", async () => {
    const p = provider();
    sim.faults.add({ kind: "status", status: 503 });
    expect(await p.verifyConnection().catch((e: unknown) => e)).toMatchObject({ kind: "retryable", code: "economic_unavailable" });
    sim.faults.add({ kind: "status", status: 429, retryAfter: 7, body: { message: "Too many requests", httpStatusCode: 429 } });
    expect(await p.verifyConnection().catch((e: unknown) => e)).toMatchObject({ kind: "retryable", code: "economic_rate_limited", retryAfterMs: 7000 });
    const kwd = planDocument(order({ currency: "KWD", lines: [{ ...order().lines[0], unitPrice: 3875n, taxes: [] }], total: 11625n }), { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" });
    const refused = await p
      .createDocument({ kind: "invoice", plan: kwd, customer: { externalId: "1", matchedBy: "created", name: "X", countryCode: "KW", isB2B: false }, products: new Map(), idempotencyKey: "k", dates: { issueDate: "2026-11-21" } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermanentError);
    expect((refused as PermanentError).merchantMessage).toContain("e-conomic keeps amounts to 2 decimals");
  });

  it("puts e-conomic's field messages into the merchant's words", async () => {
    const p = createProvider({ type: "economic", credentials: { appSecretToken: "app-secret", agreementGrantToken: "grant-1" }, settings: { ...settings(), customerGroupNumber: 7 } });
    const error = await p.findOrCreateCustomer({ customer: buyer(), linkedExternalId: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).merchantMessage).toBe(
      "e-conomic refused creating the customer Anna Jensen: customerGroup: Customer group not found. Correct this in e-conomic or in the app's settings, then press Retry.",
    );
  });
});
