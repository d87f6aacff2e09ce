// The policies on the Rules page, end to end through the order sync and the e-conomic simulator: what
// happens to guests (orders without an e-mail) and to SKUs e-conomic does not know, as saved by the page.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { orderSync } from "../helpers/sync";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { EconomicSimulator } from "../simulators/economic/server";
import { loadRules, saveRules } from "../../app/admin/rules.server";

const SHOP = "policies.myshopify.com";
let shopify: ShopifyAdminSimulator;
let economic: EconomicSimulator;
const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_policies" });
const account = () => economic.agreements.get("g-policies")!;

async function setRules(changes: Record<string, unknown>) {
  const db = await testDb();
  const { form } = await loadRules(db, SHOP);
  await saveRules(db, SHOP, { ...form, ...changes });
}

const guestOrder = (sku = "MUG") =>
  shopify.addOrder(SHOP, {
    taxesIncluded: true,
    email: null,
    billingAddress: { firstName: "Ågot", lastName: "Nørby", address1: "Strandvej 1", city: "Aarhus", zip: "8000", countryCode: "DK" },
    lines: [{ sku, title: "Mug", quantity: 1, price: "125.00", taxRate: "0.25" }],
  });

describeWithDb("guest and missing-product policies (Rules page → order sync)", () => {
  beforeAll(async () => {
    shopify = new ShopifyAdminSimulator();
    economic = new EconomicSimulator();
    await shopify.start();
    await economic.start();
  });
  afterAll(async () => {
    await shopify.close();
    await economic.close();
  });
  beforeEach(async () => {
    await resetDb();
    shopify.shops.clear();
    economic.agreements.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_policies", appUrl: "http://127.0.0.1:9", apiSecret: "x", currency: "DKK" });
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g-policies" });
    account().customers.set(99, { customerNumber: 99, name: "Webshop guests", currency: "DKK" });
    account().products.set("MUG", { productNumber: "MUG", name: "Mug", productGroup: { productGroupNumber: 1 } });
    await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g-policies", missingProducts: "halt" });
  });

  it("'collective' (the default) invoices a guest to the collective customer", async () => {
    await sync(guestOrder().id);
    expect([...account().booked.values()].map((i) => (i.customer as { customerNumber: number }).customerNumber)).toEqual([99]);
    expect(account().customers.size).toBe(1);
  });

  it("'individual' makes the guest a customer of their own, from the name and address", async () => {
    await setRules({ guests: "individual" });
    await sync(guestOrder().id);
    const booked = [...account().booked.values()];
    expect(booked).toHaveLength(1);
    const customerNumber = (booked[0].customer as { customerNumber: number }).customerNumber;
    expect(customerNumber).not.toBe(99);
    expect(account().customers.get(customerNumber)).toMatchObject({ name: "Ågot Nørby", city: "Aarhus", zip: "8000" });
  });

  it("'skip' makes no document for a guest and says why; an order with an e-mail is still invoiced", async () => {
    await setRules({ guests: "skip" });
    const guest = guestOrder();
    await sync(guest.id);
    expect(account().booked.size).toBe(0);
    const db = await testDb();
    expect((await db.syncLogEntry.findFirstOrThrow({ where: { status: "skipped" } })).message).toBe(
      `Order ${guest.name}: Skipped: order ${guest.name} has no e-mail address, and your guest policy makes no document for guests automatically (staff can still use "Generate invoice").`,
    );
    const known = shopify.addOrder(SHOP, { taxesIncluded: true, email: "kim@example.dk", lines: [{ sku: "MUG", title: "Mug", quantity: 1, price: "125.00", taxRate: "0.25" }] });
    await sync(known.id);
    expect(account().booked.size).toBe(1);
  });

  it("the missing-product policy saved on the Rules page wins over the connection's older setting", async () => {
    const db = await testDb();
    // the connection was saved with "halt"; the page shows it until the merchant chooses
    expect((await loadRules(db, SHOP)).form.missingProducts).toBe("halt");
    const unknownSku = () => shopify.addOrder(SHOP, { taxesIncluded: true, email: "kim@example.dk", lines: [{ sku: "NEW-1", title: "New thing", quantity: 1, price: "80.00", taxRate: "0.25" }] });
    await expect(sync(unknownSku().id)).rejects.toMatchObject({ code: "product_missing" });
    expect(account().booked.size).toBe(0);

    await setRules({ missingProducts: "create" });
    expect((await loadRules(db, SHOP)).form.missingProducts).toBe("create");
    await sync(unknownSku().id);
    expect(account().products.has("NEW-1")).toBe(true);
    expect(account().booked.size).toBe(1);
  });

  it("the status and tag criteria saved on the page decide which orders get a document", async () => {
    await setRules({ fulfillmentStatuses: ["fulfilled"], excludeTags: ["wholesale"] });
    const unfulfilled = shopify.addOrder(SHOP, { taxesIncluded: true, email: "a@example.dk", lines: [{ sku: "MUG", title: "Mug", quantity: 1, price: "125.00", taxRate: "0.25" }] });
    await sync(unfulfilled.id);
    expect(account().booked.size).toBe(0);
    const db = await testDb();
    expect((await db.syncLogEntry.findFirstOrThrow({ where: { status: "skipped" } })).message).toContain("fulfilment status 'unfulfilled' is not in your criteria (fulfilled)");
  });
});
