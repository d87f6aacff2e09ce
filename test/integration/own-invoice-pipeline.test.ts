// The shop's own invoice through the order sync: a B2B order of a Danish company, fetched from the
// Shopify simulator, invoiced by the app itself in the buyer's language, with the company's VAT number
// (from Shopify's company location) on it, read back from the stored PDF.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { resetDb, testDb } from "../helpers/db";
import { describeWithPdfText, pdfText } from "../helpers/pdf-text";
import { orderSync } from "../helpers/sync";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { encryptSecret, parseKey } from "../../app/lib/crypto.server";
import { env } from "../../app/lib/env.server";

const SHOP = "egen.myshopify.com";
let shopify: ShopifyAdminSimulator;
const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_egen" });

describeWithPdfText("the shop's own invoice, through the order sync", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    await shopify.start();
  });
  afterAll(() => shopify.close());
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_egen", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: SHOP, verificationStartedAt: new Date("2026-01-01T00:00:00Z"), settings: JSON.stringify({ rules: { bookingConfirmedAt: "2026-02-01T00:00:00Z" } }) } });
    await db.connection.create({
      data: {
        shopDomain: SHOP,
        providerType: "shop",
        encryptedCredentials: encryptSecret("{}", parseKey(env().ENCRYPTION_KEY)),
        settings: JSON.stringify({
          seller: { name: "Egen Butik ApS", addressLines: ["Vestergade 3", "8000 Aarhus C"], countryCode: "DK", vatId: "DK11223344" },
          invoicePrefix: "F2026-",
          defaultLanguage: "en",
        }),
      },
    });
  });

  it("numbers it, writes it in Danish for a Danish buyer, and names the company with its VAT number", async () => {
    const order = shopify.addOrder(SHOP, {
      email: "indkob@aeroeskoebing-kaffe.dk",
      customerLocale: "da-DK",
      company: { id: 41, name: "Ærøskøbing Kaffe ApS", locationId: 42, locationName: "Ærøskøbing", vatId: "DK99887766" },
      billingAddress: { firstName: "Søren", lastName: "Ærø", company: "Ærøskøbing Kaffe ApS", address1: "Vestergade 1", city: "Ærøskøbing", zip: "5970", countryCode: "DK" },
      lines: [
        { sku: "BØNNER", title: "Kaffebønner 1 kg", quantity: 4, price: "189.00", taxRate: "0.25" },
        { sku: "FILTER", title: "Filtre", quantity: 2, price: "24.50", taxRate: "0.25" },
      ],
    });
    await sync(order.id);
    const db = await testDb();
    const document = await db.document.findFirstOrThrow();
    expect(document).toMatchObject({ state: "finalized", number: "F2026-1", providerType: "shop", totalMinor: 100625n });
    const text = pdfText(fs.readFileSync(path.join(process.env.DATA_DIR!, document.pdfPath!)));
    expect(text).toContain("Faktura");
    expect(text).toContain("F2026-1");
    expect(text).toContain("Ærøskøbing Kaffe ApS");
    expect(text).toContain("DK99887766");
    expect(text).toContain("DK11223344");
    expect(text).toContain("1.006,25");
  });
});
