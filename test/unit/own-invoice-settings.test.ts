import { describe, expect, it } from "vitest";
import { PermanentError } from "../../app/lib/errors";
import { createProvider, validateSettings } from "../../app/providers/registry";
import { shopSettingsSchema } from "../../app/providers/shop/shop-provider";

const seller = { name: "Ærøskøbing Kaffe ApS", addressLines: ["Vestergade 12", "5970 Ærøskøbing"], countryCode: "dk", vatId: "DK12345678" };

function refusal(settings: unknown): string {
  try {
    validateSettings("shop", settings);
  } catch (error) {
    expect(error).toBeInstanceOf(PermanentError);
    return (error as PermanentError).merchantMessage;
  }
  throw new Error("the settings were accepted");
}

describe("the shop's own invoice: settings", () => {
  it("GIVEN only the seller THEN the defaults are INV- and CN-, English, and 14 days", () => {
    expect(shopSettingsSchema.parse({ seller })).toMatchObject({
      seller: { countryCode: "DK" },
      invoicePrefix: "INV-",
      creditNotePrefix: "CN-",
      defaultLanguage: "en",
      paymentTermsDays: 14,
    });
  });

  it("GIVEN e-invoices THEN they are off by default, and when on the XML's address parts (and a French SIREN) are asked for, by field", () => {
    expect(shopSettingsSchema.parse({ seller }).einvoice).toEqual({ mode: "off" });
    const message = refusal({ seller, einvoice: { mode: "facturx", street: "Vestergade 12" } });
    expect(message).toContain("einvoice.postcode: an e-invoice names the shop's postcode: set it, or turn e-invoices off");
    expect(message).toContain("einvoice.city: an e-invoice names the shop's city: set it, or turn e-invoices off");
    expect(message).not.toContain("einvoice.street");
    expect(refusal({ seller: { ...seller, countryCode: "FR", vatId: "FR12345678901" }, einvoice: { mode: "facturx-ubl", street: "1 rue de Rivoli", postcode: "75001", city: "Paris" } })).toContain(
      "einvoice.companyId: a French seller's e-invoice names its SIREN (9 digits): set it, or turn e-invoices off",
    );
    expect(refusal({ seller, einvoice: { mode: "xml" } })).toContain("einvoice.mode: choose off, Factur-X PDF, or Factur-X PDF and UBL file");
  });

  it("GIVEN a seller without a name, an address or a VAT number THEN each is refused, by field, in words", () => {
    const message = refusal({ seller: { name: "", addressLines: [], countryCode: "Denmark", vatId: "" } });
    expect(message).toContain("seller.name: the shop's legal name is printed on every invoice");
    expect(message).toContain("seller.addressLines: the shop's address is printed on every invoice");
    expect(message).toContain("seller.countryCode: the shop's country as a two-letter code");
    expect(message).toContain("seller.vatId: the shop's VAT number");
  });

  it.each([
    ["INV-2026", "end the prefix with a separator"],
    ["INV 2026-", "a prefix may hold letters, digits and - / _ . # only"],
    ["A-VERY-LONG-PREFIX-2026-", "a prefix has at most 20 characters"],
  ])("GIVEN the invoice prefix %j THEN it is refused: %s", (invoicePrefix, words) => {
    expect(refusal({ seller, invoicePrefix })).toContain(`invoicePrefix: ${words}`);
  });

  it("GIVEN the same prefix for both series THEN credit notes are asked for their own", () => {
    expect(refusal({ seller, invoicePrefix: "F-", creditNotePrefix: "F-" })).toContain("creditNotePrefix: credit notes need a prefix of their own");
  });

  it("GIVEN a language the invoice is not written in THEN the choices are named", () => {
    expect(refusal({ seller, defaultLanguage: "fr" })).toContain("defaultLanguage: choose one of en, da, sv, pt, de");
  });

  it("GIVEN valid settings and no runtime yet (a connection being saved) THEN the registry makes a 'shop' provider that checks out and declares what it can do", async () => {
    const provider = createProvider({ type: "shop", credentials: {}, settings: { seller, invoicePrefix: "INV-2026-" } });
    expect(provider.type).toBe("shop");
    await expect(provider.verifyConnection()).resolves.toBeUndefined();
    expect(provider.capabilities).toEqual({
      documentKinds: ["draft", "invoice", "creditNote"],
      priceBasis: "net",
      maxAmountDecimals: 3,
      productCatalog: false,
      negativeLines: true,
      lifecycle: { send: false, extendDueDate: false, cancel: false, partActivate: false, replace: false, cancelPreliminary: false },
      staffDueDate: true,
      listCustomerInvoices: false,
    });
  });
});
