// The seller of the e-invoice tests: a Danish shop with everything EN 16931 asks for.
import type { EInvoiceSeller } from "../../app/einvoice/en16931";
import type { Seller } from "../../app/providers/shop/own-invoice-content";

export const E_SELLER: Seller = {
  name: "Ærøskøbing Kaffe ApS",
  addressLines: ["Vestergade 12", "5970 Ærøskøbing"],
  countryCode: "DK",
  vatId: "DK12345678",
  email: "hej@aeroe-kaffe.dk",
  phone: "+45 62 52 10 10",
  bank: { name: "Danske Bank", iban: "DK50 0040 0440 1162 43", bic: "DABADKKK", accountNumber: null },
};

export const E_SELLER_SETTINGS: EInvoiceSeller = { street: "Vestergade 12", postcode: "5970", city: "Ærøskøbing", companyId: null, exemptionReason: null };
