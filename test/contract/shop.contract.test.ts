// The provider contract for the shop's own invoice. Its "system" is the app's own database, so the
// harness gives it the test database instead of a simulator; the contract tests that presume a remote
// system (credentials, a customer register, HTTP faults) are marked not applicable with the reason, and
// their counterparts for this provider follow below.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server";
import { createDb } from "../../app/db.server";
import { PermanentError, RetryableError } from "../../app/lib/errors";
import { createProvider } from "../../app/providers/registry";
import type { CustomerInput } from "../../app/providers/provider";
import { resetDb, testDb } from "../helpers/db";
import { providerContract } from "./provider-contract";

const SHOP = "contract-shop.myshopify.com";
const SETTINGS = {
  seller: { name: "Contract Shop ApS", addressLines: ["Street 1", "1000 København K"], countryCode: "DK", vatId: "DK12345678" },
  invoicePrefix: "INV-",
  creditNotePrefix: "CN-",
};

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

const shopProvider = (runtimeDb: Db = db, settings: unknown = SETTINGS) => createProvider({ type: "shop", credentials: {}, settings, runtime: { db: runtimeDb, shopDomain: SHOP } });

providerContract({
  name: "the shop's own invoice",
  currency: "EUR",
  vatRate: "0.25",
  customerMatch: "email",
  notApplicable: {
    badCredentials: "the shop's own invoicing has no credentials; bad settings are refused when loaded (below)",
    customerMatching: "there is no customer register: each invoice names its buyer in full (below)",
    transportFaults: "there is no HTTP: its one dependency is the app's database, whose failures are classified below",
  },
  async reset() {
    await resetDb();
  },
  provider: () => shopProvider(),
  // No HTTP, so nothing to inject: the database failures are tested with a real unreachable database below.
  fault() {},
  // No catalogue: lines are named on the invoice.
  async seedProduct() {},
  async documents() {
    const rows = await db.ownDocument.findMany({ where: { shopDomain: SHOP } });
    return { drafts: rows.filter((r) => r.state === "draft").length, booked: rows.filter((r) => r.state === "final").length };
  },
});

describe("the shop's own invoice: its counterparts of the remote-system contract tests", () => {
  beforeEach(() => resetDb());

  const buyer = (overrides: Partial<CustomerInput> = {}): CustomerInput => ({
    shopifyCustomerId: "9001",
    email: "contract@example.com",
    name: "Contract Buyer",
    companyName: null,
    address: { address1: "Street 1", city: "City", zip: "1000", countryCode: "DK" },
    currency: "EUR",
    isB2B: false,
    ...overrides,
  });

  it("refuses bad settings when the connection is loaded, in words the merchant can act on", () => {
    // GIVEN settings without the seller's VAT number and with a credit-note prefix equal to the invoice prefix
    const bad = { ...SETTINGS, seller: { ...SETTINGS.seller, vatId: "" }, creditNotePrefix: "INV-" };
    // WHEN the provider is made from them
    const error = (() => {
      try {
        shopProvider(db, bad);
      } catch (e) {
        return e;
      }
    })();
    // THEN it is a permanent error naming both fields
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).merchantMessage).toContain("seller.vatId: the shop's VAT number");
    expect((error as PermanentError).merchantMessage).toContain("creditNotePrefix: credit notes need a prefix of their own");
  });

  it("names the buyer in full on each call and asks the use case not to remember it", async () => {
    // GIVEN the same buyer, once at one address and once at another
    const p = shopProvider();
    const first = await p.findOrCreateCustomer({ customer: buyer(), linkedExternalId: null });
    const moved = await p.findOrCreateCustomer({ customer: buyer({ address: { address1: "New Street 9", city: "Aarhus", zip: "8000", countryCode: "DK" } }), linkedExternalId: null });
    // THEN each reference is the buyer as given, and "collective" keeps it out of CustomerLink
    expect(first.matchedBy).toBe("collective");
    expect(JSON.parse(first.externalId)).toMatchObject({ name: "Contract Buyer", email: "contract@example.com", addressLines: ["Street 1", "1000 City"], countryCode: "DK" });
    expect(JSON.parse(moved.externalId)).toMatchObject({ addressLines: ["New Street 9", "8000 Aarhus"] });
  });

  it("carries a B2B buyer's VAT number onto the invoice when the caller gives one (CustomerInput.vatNumber, not in the type yet)", async () => {
    const p = shopProvider();
    const withVat = { ...buyer({ companyName: "Ševčík s.r.o.", isB2B: true }), vatNumber: "CZ12345678" } as CustomerInput;
    expect(JSON.parse((await p.findOrCreateCustomer({ customer: withVat, linkedExternalId: null })).externalId)).toMatchObject({ companyName: "Ševčík s.r.o.", vatId: "CZ12345678", isB2B: true });
  });

  it("still names the buyer and the country when given a reference it did not make", async () => {
    // GIVEN a customer reference that is not a buyer of findOrCreateCustomer (a link from another provider)
    const p = shopProvider();
    const plan = { currency: "EUR", priceBasis: "net" as const, lines: [], vatBreakdown: [], totals: { net: 0n, vat: 0n, gross: 0n }, giftCardPaid: null, check: { outcome: "equal" as const, shopifyTotal: 0n, documentTotal: 0n, difference: 0n as const } };
    // WHEN a document is made with it
    await p.createDocument({ kind: "draft", plan, customer: { externalId: "42", matchedBy: "link", name: "Ελένη Παπαδοπούλου", countryCode: "GR", isB2B: false }, products: new Map(), idempotencyKey: "ib:contract:foreign", dates: { issueDate: "2026-11-21" } });
    // THEN its content names the buyer from the document's own input
    const row = await db.ownDocument.findUniqueOrThrow({ where: { idempotencyKey: "ib:contract:foreign" } });
    expect(JSON.parse(row.content).buyer).toEqual({ name: "Ελένη Παπαδοπούλου", companyName: null, vatId: null, email: null, addressLines: [], countryCode: "GR", isB2B: false });
  });

  describe("when its database cannot be reached", () => {
    // A real client pointed at a port where nothing listens: Prisma reports P1001.
    let unreachable: Db;
    beforeAll(() => {
      unreachable = createDb("postgresql://postgres@127.0.0.1:1/unreachable");
    });
    afterAll(() => unreachable.$disconnect());

    it("reports it as retryable, in words, from the check, the lookup and the numbering", async () => {
      const p = shopProvider(unreachable);
      for (const attempt of [
        () => p.verifyConnection(),
        () => p.findDocumentByReference!({ idempotencyKey: "ib:contract:1" }),
        () => p.finalizeDocument({ document: { providerRef: "own:missing", number: null, state: "draft", totalMinor: null } }),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RetryableError);
        expect((error as RetryableError).code).toBe("shop_database_unavailable");
        expect((error as RetryableError).merchantMessage).toMatch(/^The app's database was unavailable while .+; it will be retried\.$/);
      }
    });
  });
});
