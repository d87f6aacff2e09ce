// The Rules page's loader and action against a real database: the gateways seen in recent orders, saving
// validated settings without losing the others, refusals in words, and the booking confirmation.
import { beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { confirmBooking, loadRules, saveRules } from "../../app/admin/rules.server";
import { planOptionsFor, readShopSettings } from "../../app/invoicing/settings";
import { decide } from "../../app/invoicing/rules";

const SHOP = "rules.myshopify.com";

describeWithDb("the Rules page's loader and action", () => {
  beforeEach(() => resetDb());

  it("offers the gateways of recent orders, saves the form into the settings, and keeps what the form does not show", async () => {
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: SHOP, settings: JSON.stringify({ rules: { includeTags: ["b2b"] }, mail: { sendOnBooking: true } }) } });
    await db.webhookDelivery.create({ data: { shopDomain: SHOP, topic: "ORDERS_PAID", dedupeKey: "1", webhookId: "1", apiVersion: "2026-10", payload: JSON.stringify({ payment_gateway_names: ["Cash on Delivery (COD)", "shopify_payments"] }) } });
    await db.webhookDelivery.create({ data: { shopDomain: SHOP, topic: "ORDERS_PAID", dedupeKey: "2", webhookId: "2", apiVersion: "2026-10", payload: "not json" } });
    const loaded = await loadRules(db, SHOP);
    expect(loaded.gateways).toEqual(["Cash on Delivery (COD)", "shopify_payments"]);
    await saveRules(db, SHOP, { ...loaded.form, trigger: "fulfilled", neverBookGateways: ["Cash on Delivery (COD)"], verificationDays: "7", roundingToleranceMinor: "3" });
    const raw = JSON.parse((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings);
    expect(raw.mail).toEqual({ sendOnBooking: true });
    const settings = readShopSettings(JSON.stringify(raw));
    expect(settings.rules).toMatchObject({ trigger: "fulfilled", neverBookGateways: ["Cash on Delivery (COD)"], verificationDays: 7, includeTags: ["b2b"] });
    expect(settings.roundingToleranceMinor).toBe(3);
  });

  it("sales tax per jurisdiction: the product numbers per tax title are saved, shown again, and reach the document plan", async () => {
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: SHOP } });
    const { form } = await loadRules(db, SHOP);
    expect(form).toMatchObject({ salesTaxBooking: "combined", salesTaxProducts: "" });
    await saveRules(db, SHOP, { ...form, salesTaxBooking: "per-jurisdiction", salesTaxProducts: "CA State Tax = TAX-CA\nLos Angeles County Tax = TAX-LAC" });
    const settings = readShopSettings((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings);
    expect(planOptionsFor(settings, undefined, { company: null }).salesTax).toEqual({ booking: "per-jurisdiction", productNumbers: { "CA State Tax": "TAX-CA", "Los Angeles County Tax": "TAX-LAC" } });
    expect((await loadRules(db, SHOP)).form.salesTaxProducts).toBe("CA State Tax = TAX-CA\nLos Angeles County Tax = TAX-LAC");
    // per jurisdiction without a single product number is refused, and the saved settings stay
    await expect(saveRules(db, SHOP, { ...form, salesTaxBooking: "per-jurisdiction", salesTaxProducts: "" })).rejects.toMatchObject({ merchantMessage: expect.stringMatching(/needs a product number for each tax title/) });
    expect(readShopSettings((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings).salesTax.booking).toBe("per-jurisdiction");
  });

  it("refuses a wrong value in words and saves nothing", async () => {
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: SHOP } });
    const { form } = await loadRules(db, SHOP);
    await expect(saveRules(db, SHOP, { ...form, verificationDays: -3, shippingProductNumber: "" })).rejects.toMatchObject({
      merchantMessage: "The rules were not saved: the verification period cannot be negative; the shipping product number cannot be empty.",
    });
    expect((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings).toBe("{}");
  });

  it("'Start automatic booking' ends the verification period: the next order is booked, not drafted", async () => {
    const db = await testDb();
    const startedAt = new Date("2026-11-20T00:00:00Z");
    await db.shop.create({ data: { shopDomain: SHOP, verificationStartedAt: startedAt } });
    const now = new Date("2026-11-21T12:00:00Z");
    const order = { cancelledAt: null, financialStatus: "paid", fulfillmentStatus: "unfulfilled", tags: [], channel: "web", gateways: [], name: "#1" } as never;
    const rulesNow = async () => readShopSettings((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings).rules;
    expect(decide({ order, rules: await rulesNow(), request: { by: "automatic" }, verificationStartedAt: startedAt, now })).toMatchObject({ kind: "draft" });
    await confirmBooking(db, SHOP, now);
    expect((await db.syncLogEntry.findFirstOrThrow()).message).toBe("Automatic booking started: orders that meet your rules are now booked, not only drafted.");
    expect(decide({ order, rules: await rulesNow(), request: { by: "automatic" }, verificationStartedAt: startedAt, now })).toMatchObject({ kind: "invoice" });
  });
});
