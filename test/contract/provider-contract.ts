// The provider contract: what every AccountingProvider must do, whatever system is behind it. Each
// provider runs it against its own simulator through a harness (below); e-conomic first, Visma and
// InvoicExpress next.
import { describe, expect, it, beforeEach } from "vitest";
import { AuthError, PermanentError, RetryableError } from "../../app/lib/errors";
import { parseRatio } from "../../app/lib/money";
import { DEFAULT_PLAN_OPTIONS, planDocument } from "../../app/invoicing/plan";
import type { NormalizedOrder } from "../../app/invoicing/order";
import type { AccountingProvider, CustomerInput, ProductLine } from "../../app/providers/provider";
import type { Fault } from "../simulators/faults";

export type ProviderHarness = {
  name: string;
  /** A provider connected to a fresh, empty account in the simulator. */
  reset(): Promise<void>;
  provider(options?: { badCredentials?: boolean }): AccountingProvider;
  /** The next matching request to the simulator fails this way. */
  fault(fault: Fault & { match?: string }): void;
  /** Puts a product into the account, as the merchant would have it. */
  seedProduct(sku: string, vatRate: string): Promise<void>;
  /** What the account holds. */
  documents(): Promise<{ drafts: number; booked: number }>;
  /** The currency the account invoices in, for the test order. */
  currency: string;
  /** The VAT rate of the test order ("0.25"), one the account knows. */
  vatRate: string;
  /** How a known buyer is found again: by e-mail (e-conomic, Visma) or by name (InvoicExpress). */
  customerMatch: "email" | "name";
  /**
   * Tests that cannot apply to this provider, each with the reason. Only for a provider with no remote
   * system behind it (the shop's own invoice: no credentials, no customer register, no HTTP), or no customer
   * register (Walley: the buyer travels on each invoice); its contract file tests its own counterpart of each.
   */
  notApplicable?: Partial<Record<"badCredentials" | "customerMatching" | "transportFaults", string>>;
  /** Why the system cannot be asked for a document by its key (it then has no findDocumentByReference). */
  noLookup?: string;
  /**
   * For a system that invoices what it was given by itself (finalizeOn "system": Intact's sales orders):
   * does what the system does in its own time, invoicing every document made so far.
   */
  invoiceInSystem?(): Promise<void>;
};

const customer = (overrides: Partial<CustomerInput> = {}, currency = "DKK"): CustomerInput => ({
  shopifyCustomerId: "9001",
  email: "contract@example.com",
  name: "Contract Buyer",
  companyName: null,
  address: { address1: "Street 1", city: "City", zip: "1000", countryCode: "DK" },
  currency,
  isB2B: false,
  ...overrides,
});

const goods = (sku: string | null, vatRate = "0.25"): ProductLine => ({ kind: "goods", sku, description: sku ?? "No SKU", vatRate });

function order(currency: string, vatRate: string): NormalizedOrder {
  const rate = parseRatio(vatRate);
  const tax = (10000n * rate.num) / rate.den;
  return {
    source: "admin-api", id: "7001", name: "#7001", currency, shopCurrency: currency, presentmentCurrency: currency, taxesIncluded: false,
    createdAt: "2026-11-21T10:00:00Z", cancelledAt: null, financialStatus: "paid", fulfillmentStatus: "unfulfilled", tags: [], channel: "web",
    gateways: [], locale: "en", email: "contract@example.com", customer: null, company: null, billingAddress: null, shippingAddress: null,
    lines: [{ id: "1", sku: "CONTRACT-1", variantId: null, title: "Contract item", quantity: 2, unitPrice: 5000n, discount: 0n, taxes: [{ title: "VAT", rate, amount: tax }], isGiftCard: false, requiresShipping: false }],
    shipping: [], tip: 0n, duties: 0n, giftCardPaid: 0n, total: 10000n + tax, totalTax: tax, paymentTerms: null,
  };
}

export function providerContract(harness: ProviderHarness) {
  /** `it`, except for a test listed in harness.notApplicable: that provider's own contract file tests its counterpart. */
  const applicable = (what: keyof NonNullable<ProviderHarness["notApplicable"]>, title: string, fn: () => Promise<void>) => {
    if (!harness.notApplicable?.[what]) it(title, fn);
  };

  describe(`provider contract: ${harness.name}`, () => {
    beforeEach(() => harness.reset());

    it("verifies its connection", async () => {
      await expect(harness.provider().verifyConnection()).resolves.toBeUndefined();
    });

    applicable("badCredentials", "reports bad credentials as a reconnect (auth)", async () => {
      expect(await harness.provider({ badCredentials: true }).verifyConnection().catch((e: unknown) => e)).toBeInstanceOf(AuthError);
    });

    applicable("customerMatching", "creates a customer once, then matches it by e-mail", async () => {
      const p = harness.provider();
      const created = await p.findOrCreateCustomer({ customer: customer({}, harness.currency), linkedExternalId: null });
      expect(created.matchedBy).toBe("created");
      expect(await p.findOrCreateCustomer({ customer: customer({}, harness.currency), linkedExternalId: null })).toEqual({ externalId: created.externalId, matchedBy: harness.customerMatch });
    });

    it("matches a product by SKU, creates one when allowed, and halts in words when not (where the system has a catalogue)", async () => {
      const p = harness.provider();
      if (!p.capabilities.productCatalog) {
        // Items are named on the document and made by the system itself: every line has its match, none is refused.
        const matches = await p.findOrCreateProducts({ lines: [goods("CONTRACT-1"), goods("CONTRACT-MISSING")], policy: "halt" });
        expect([...matches.keys()]).toEqual(["CONTRACT-1", "CONTRACT-MISSING"]);
        return;
      }
      await harness.seedProduct("CONTRACT-1", harness.vatRate);
      expect((await p.findOrCreateProducts({ lines: [goods("CONTRACT-1")], policy: "halt" })).get("CONTRACT-1")).toMatchObject({ created: false });
      expect((await p.findOrCreateProducts({ lines: [goods("CONTRACT-NEW")], policy: "create" })).get("CONTRACT-NEW")).toMatchObject({ created: true });
      const halted = await p.findOrCreateProducts({ lines: [goods("CONTRACT-MISSING")], policy: "halt" }).catch((e: unknown) => e);
      expect(halted).toBeInstanceOf(PermanentError);
      expect((halted as PermanentError).merchantMessage).toContain("CONTRACT-MISSING");
    });

    it("creates a document carrying the key, finds it by the key, finalizes it, and returns a PDF", async () => {
      const p = harness.provider();
      await harness.seedProduct("CONTRACT-1", harness.vatRate);
      const buyer = await p.findOrCreateCustomer({ customer: customer({}, harness.currency), linkedExternalId: null });
      const plan = planDocument(order(harness.currency, harness.vatRate), { ...DEFAULT_PLAN_OPTIONS, priceBasis: p.priceBasisFor?.({ isB2B: false }) ?? p.capabilities.priceBasis });
      const products = await p.findOrCreateProducts({ lines: [goods("CONTRACT-1", harness.vatRate)], policy: "halt" });
      const draft = await p.createDocument({ kind: "invoice", plan, customer: { ...buyer, name: "Contract Buyer", countryCode: "DK", isB2B: false }, products, idempotencyKey: "ib:contract:1", dates: { issueDate: "2026-11-21" } });
      expect(draft.state).toBe("draft");
      expect(draft.totalMinor).toBe(plan.totals.gross);
      expect(plan.check.outcome).toBe("equal");
      // A system that cannot be asked by the key has no lookup at all (the use-case then marks each attempt).
      const find = p.findDocumentByReference?.bind(p);
      if (find) {
        expect(await find({ idempotencyKey: "ib:contract:1" })).toEqual(draft);
        expect(await find({ idempotencyKey: "ib:contract:unknown" })).toBeNull();
      } else expect(harness.noLookup).toBeTruthy();
      if (p.finalizeOn === "system") {
        // The system invoices it by itself: nothing for the app to book, and the invoice is listed once made.
        expect(await p.finalizeDocument({ document: draft })).toEqual(draft);
        expect(await harness.documents()).toEqual({ drafts: 1, booked: 0 });
        await harness.invoiceInSystem!();
        const [invoice] = await p.listCustomerInvoices!({ customerExternalId: buyer.externalId, limit: 10 });
        expect(invoice.document).toMatchObject({ state: "booked", totalMinor: plan.totals.gross });
        const pdf = await p.getPdf({ document: invoice.document });
        expect(Buffer.from(pdf.slice(0, 5)).toString()).toBe("%PDF-");
        expect(await harness.documents()).toEqual({ drafts: 0, booked: 1 });
        return;
      }
      const final = await p.finalizeDocument({ document: draft });
      expect(final.state).toBe("booked");
      expect(final.number).toBeTruthy();
      if (find) expect(await find({ idempotencyKey: "ib:contract:1" })).toEqual(final);
      const pdf = await p.getPdf({ document: final });
      expect(Buffer.from(pdf.slice(0, 5)).toString()).toBe("%PDF-");
      expect(await harness.documents()).toEqual({ drafts: 0, booked: 1 });
    });

    it("lists a customer's booked invoices with dates and what is owed, where it says it can (capabilities.listCustomerInvoices)", async () => {
      const p = harness.provider();
      // The capability and the method come together: the customer-account Invoices page relies on either.
      expect(typeof p.listCustomerInvoices === "function").toBe(p.capabilities.listCustomerInvoices);
      if (!p.capabilities.listCustomerInvoices) return;
      await harness.seedProduct("CONTRACT-1", harness.vatRate);
      const buyer = await p.findOrCreateCustomer({ customer: customer({}, harness.currency), linkedExternalId: null });
      const other = await p.findOrCreateCustomer({ customer: customer({ email: "other@example.com", name: "Other Buyer", shopifyCustomerId: "9002" }, harness.currency), linkedExternalId: null });
      expect(await p.listCustomerInvoices!({ customerExternalId: buyer.externalId, limit: 10 })).toEqual([]);
      const plan = planDocument(order(harness.currency, harness.vatRate), { ...DEFAULT_PLAN_OPTIONS, priceBasis: p.priceBasisFor?.({ isB2B: false }) ?? p.capabilities.priceBasis });
      const products = await p.findOrCreateProducts({ lines: [goods("CONTRACT-1", harness.vatRate)], policy: "halt" });
      const draft = await p.createDocument({ kind: "invoice", plan, customer: { ...buyer, name: "Contract Buyer", countryCode: "DK", isB2B: false }, products, idempotencyKey: "ib:contract:list", dates: { issueDate: "2026-11-21", dueDate: "2026-12-05" } });
      const final = await p.finalizeDocument({ document: draft });
      if (p.finalizeOn === "system") await harness.invoiceInSystem!();
      const listed = await p.listCustomerInvoices!({ customerExternalId: buyer.externalId, limit: 10 });
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ document: { state: "booked", totalMinor: plan.totals.gross }, currency: harness.currency, isCreditNote: false });
      // The system's own number, where it invoices by itself; else the number the app booked.
      expect(listed[0].document.number).toBe(p.finalizeOn === "system" ? listed[0].document.number : final.number);
      expect(listed[0].issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // Booked a moment ago and not paid: all of it is owed (where the system says).
      if (listed[0].outstandingMinor !== null) expect(listed[0].outstandingMinor).toBe(plan.totals.gross);
      expect(await p.listCustomerInvoices!({ customerExternalId: other.externalId, limit: 10 })).toEqual([]);
    });

    applicable("transportFaults", "classifies failures: 5xx and timeouts retryable, 429 retryable with its wait", async () => {
      const p = harness.provider();
      harness.fault({ kind: "status", status: 503 });
      expect(await p.verifyConnection().catch((e: unknown) => e)).toBeInstanceOf(RetryableError);
      harness.fault({ kind: "status", status: 429, retryAfter: 4 });
      const limited = await p.verifyConnection().catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(RetryableError);
      expect((limited as RetryableError).retryAfterMs).toBe(4000);
      harness.fault({ kind: "garbage" });
      expect(await p.verifyConnection().catch((e: unknown) => e)).toBeInstanceOf(RetryableError);
    });
  });
}
