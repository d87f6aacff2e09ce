// Real Shopify order payloads, replayed end to end (the replay command's own code): the Shopify Admin simulator
// holds each order with exactly the payload's amounts, a signed orders/create goes through the real intake, the
// worker makes the document in the provider's simulator, and its total is compared with current_total_price to
// the minor unit. Where a provider's currency or tax model does not fit, the sync log must say why in words.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { readReplayFile, ReplaySandbox, type ReplayProvider, type ReplayResult } from "../helpers/replay";

const FIXTURES = path.resolve("test/fixtures/shopify-orders");
const SHARED = path.resolve("../shared/contracts/shopify/webhooks");
const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
const fixtureFiles = fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).sort();
/** Shopify's documented examples and the captured test deliveries: order payloads with real amounts. */
const shopifySamples = [
  ...["orders_create", "orders_paid", "orders_updated", "orders_cancelled"].map((t) => path.join(SHARED, "2026-01", `${t}.json`)),
  ...["orders.create", "orders.paid", "orders.updated", "orders.cancelled"].map((t) => path.join(SHARED, "captured-2024-10", `${t}.json`)),
];

let sandbox: ReplaySandbox;
let perJurisdiction: ReplaySandbox;

async function replay(file: string, provider: ReplayProvider, on = sandbox, change: (p: Record<string, unknown>) => Record<string, unknown> = (p) => p) {
  const replayFile = readReplayFile(read(file));
  return on.replay({ ...replayFile, payload: change(replayFile.payload) }, provider);
}

const lastWords = (r: ReplayResult) => r.log.at(-1)?.message ?? "";

describeWithDb("replaying real Shopify order payloads end to end", () => {
  beforeAll(async () => {
    const db = await testDb();
    sandbox = new ReplaySandbox({ db, dataDir: process.env.DATA_DIR! });
    perJurisdiction = new ReplaySandbox({ db, dataDir: process.env.DATA_DIR!, salesTax: "per-jurisdiction" });
    await Promise.all([sandbox.start(), perJurisdiction.start()]);
  });
  afterAll(async () => {
    await Promise.all([sandbox.close(), perJurisdiction.close()]);
  });
  beforeEach(() => resetDb());

  it("has the fixtures the issue names (a smaller corpus fails this test)", () => {
    expect(fixtureFiles).toEqual([
      "bhd-three-decimals.json",
      "canada-gst-pst.json",
      "fixed-amount-each.json",
      "jpy-tax-included.json",
      "order-percentage-code.json",
      "shipping-discount.json",
      "tax-exempt-b2b.json",
      "us-multi-jurisdiction.json",
    ]);
  });

  it.each(fixtureFiles)("%s: the shop's own invoice totals current_total_price exactly, with Shopify's VAT", async (file) => {
    const payload = read(path.join(FIXTURES, file));
    const result = await replay(path.join(FIXTURES, file), "shop");
    expect(result.log.filter((e) => e.status === "failed")).toEqual([]);
    expect(result).toMatchObject({ ok: true, document: { state: "booked", total: payload.current_total_price }, rounding: null });
    // The VAT on the invoice is what Shopify charged, to the minor unit (per rate, as the invoice states it).
    const vat = result.document!.vat.reduce((sum, v) => sum + Number(v.amount), 0);
    expect(vat.toFixed(String(payload.current_total_tax).split(".")[1]?.length ?? 0)).toBe(payload.current_total_tax);
  });

  it.each(["fixed-amount-each.json", "order-percentage-code.json", "shipping-discount.json", "tax-exempt-b2b.json"])(
    "%s: booked in e-conomic for exactly current_total_price",
    async (file) => {
      const result = await replay(path.join(FIXTURES, file), "economic");
      expect(result).toMatchObject({ ok: true, difference: "0.00", document: { state: "booked", total: read(path.join(FIXTURES, file)).current_total_price } });
    },
  );

  it("US state, county and district tax per jurisdiction: one line per tax title, each the sum of Shopify's own tax lines", async () => {
    const result = await replay(path.join(FIXTURES, "us-multi-jurisdiction.json"), "economic", perJurisdiction);
    expect(result).toMatchObject({ ok: true, difference: "0.00", document: { state: "booked", total: "113.22" } });
    expect(result.document!.lines.map((l) => [l.description, l.total])).toEqual([
      ["Desk Lamp", "79.98"],
      ["A5 Notebook", "13.47"],
      ["Shipping: UPS Ground", "9.95"],
      ["CA State Tax (6%)", "6.21"],
      ["Los Angeles County Tax (0.25%)", "0.25"],
      ["Los Angeles District Tax (3.25%)", "3.36"],
    ]);
  });

  it("Canada GST + PST per jurisdiction in e-conomic, and as a combined rate on the shop's own invoice", async () => {
    const split = await replay(path.join(FIXTURES, "canada-gst-pst.json"), "economic", perJurisdiction);
    expect(split).toMatchObject({ ok: true, document: { total: "211.73" } });
    expect(split.document!.lines.filter((l) => /GST|PST/.test(l.description)).map((l) => [l.description, l.total])).toEqual([
      ["GST (5%)", "9.50"],
      ["BC PST (7%)", "12.25"],
    ]);
    const combined = await replay(path.join(FIXTURES, "canada-gst-pst.json"), "shop");
    expect(combined.document!.vat.map((v) => [v.rate, v.amount])).toEqual([
      ["0.05", "0.75"],
      ["0.12", "21.00"],
    ]);
  });

  it("an unmapped tax title stops the document with the title in words; nothing reaches the accounting system", async () => {
    const db = await testDb();
    const partial = new ReplaySandbox({ db, dataDir: process.env.DATA_DIR!, salesTax: "per-jurisdiction", salesTaxProducts: { "CA State Tax": "TAX-CA", "Los Angeles County Tax": "TAX-LA-COUNTY" } });
    await partial.start();
    try {
      const result = await replay(path.join(FIXTURES, "us-multi-jurisdiction.json"), "economic", partial);
      expect(result.ok).toBe(false);
      expect(result.document).toBeNull();
      expect(lastWords(result)).toMatch(/^Order #US1001 has the tax "Los Angeles District Tax", which has no product number for sales tax/);
      expect([...partial.economic.agreements.values()].flatMap((a) => [...a.drafts.values(), ...a.booked.values()])).toEqual([]);
    } finally {
      await partial.close();
    }
  });

  it("where a provider does not fit, the log says why: e-conomic keeps 2 decimals (BHD); InvoicExpress invoices in euros (CAD)", async () => {
    const bhd = await replay(path.join(FIXTURES, "bhd-three-decimals.json"), "economic");
    expect(bhd).toMatchObject({ ok: false, document: null });
    expect(lastWords(bhd)).toMatch(/e-conomic keeps amounts to 2 decimals, so an invoice in BHD \(3 decimals\) cannot be exact there/);
    const cad = await replay(path.join(FIXTURES, "canada-gst-pst.json"), "invoicexpress");
    expect(cad).toMatchObject({ ok: false, document: null });
    expect(lastWords(cad)).toMatch(/InvoicExpress invoices are made in euros here, and this order is in CAD/);
  });

  it.each(shopifySamples.map((f) => path.relative(SHARED, f)))("Shopify's %s, as given (a voided, cancelled order): nothing is made, and the log says so", async (file) => {
    const result = await replay(path.join(SHARED, file), "shop");
    expect(result.document).toBeNull();
    expect(lastWords(result)).toBe(`Order ${result.orderName} was cancelled before it was invoiced, so nothing was made.`);
  });

  it.each(shopifySamples.map((f) => path.relative(SHARED, f)))(
    "Shopify's %s, paid and not cancelled: its lines do not add up to current_total_price, so the invoice is not booked and the log gives the difference",
    async (file) => {
      const result = await replay(path.join(SHARED, file), "shop", sandbox, (p) => ({ ...p, cancelled_at: null, financial_status: "paid" }));
      const payload = readReplayFile(read(path.join(SHARED, file))).payload;
      expect(result.ok).toBe(false);
      expect(result.document?.state ?? "none").not.toBe("booked");
      expect(result.log.map((e) => e.message).join(" ")).toContain(`Shopify's total is ${String(payload.current_total_price)} USD`);
    },
  );

  it("the anonymised B2B exemplar (2025-04, with tax lines), its amounts filled in, is booked for current_total_price", async () => {
    const exemplar = read(path.join(SHARED, "exemplars-anonymized/2025-04_orders_1.json"));
    const filled = fillB2bExemplar(exemplar);
    const result = await sandbox.replay({ payload: filled, topic: "orders/create", company: { name: "Müller Industrie GmbH", locationName: "Werk Köln", vatId: "DE123456789" } }, "shop");
    expect(result.log.filter((e) => e.status === "failed")).toEqual([]);
    expect(result).toMatchObject({ ok: true, document: { state: "booked", total: "202.30" } });
    expect(result.document!.vat).toEqual([{ rate: "0.19", amount: "32.30" }]);
  });
});

/**
 * The 2025-04 exemplar keeps the shape of a real B2B order (a company, one line and one shipping line with a tax
 * line each) but its values were anonymised to "example string" and 123. These are the amounts of a German B2B
 * order with prices before VAT: 2 × 80.00 at 19% (30.40), shipping 10.00 at 19% (1.90), total 202.30.
 */
function fillB2bExemplar(exemplar: Record<string, unknown>): Record<string, unknown> {
  const order = structuredClone(exemplar) as Record<string, unknown> & { line_items: Array<Record<string, unknown>>; shipping_lines: Array<Record<string, unknown>> };
  const money = (amount: string) => ({ shop_money: { amount, currency_code: "EUR" }, presentment_money: { amount, currency_code: "EUR" } });
  const set = (target: Record<string, unknown>, key: string, amount: string) => {
    target[key] = amount;
    target[`${key}_set`] = money(amount);
  };
  // Every money bag the exemplar has starts at 0.00 EUR; the ones that matter get their amounts below.
  const zero = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(zero);
    if (value && typeof value === "object") {
      const object = value as Record<string, unknown>;
      if ("shop_money" in object && "presentment_money" in object) return money("0.00");
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, zero(v)]));
    }
    return value;
  };
  Object.assign(order, zero(order));
  Object.assign(order, { currency: "EUR", presentment_currency: "EUR", taxes_included: false, tax_exempt: false, financial_status: "paid", fulfillment_status: null, cancelled_at: null, created_at: "2025-04-10T09:30:00+02:00", email: "einkauf@mueller-industrie.example", contact_email: "einkauf@mueller-industrie.example", customer_locale: "de", name: "#B2B-2025", tags: "b2b" });
  const line = order.line_items[0];
  Object.assign(line, { title: "Hydraulic Coupling", name: "Hydraulic Coupling", sku: "HC-200", quantity: 2, current_quantity: 2, gift_card: false, taxable: true, requires_shipping: true });
  set(line, "price", "80.00");
  set(line, "total_discount", "0.00");
  line.tax_lines = [{ title: "DE MwSt", rate: 0.19, channel_liable: false, price: "30.40", price_set: money("30.40") }];
  const shipping = order.shipping_lines[0];
  Object.assign(shipping, { title: "DHL Freight", code: "DHL Freight" });
  set(shipping, "price", "10.00");
  set(shipping, "discounted_price", "10.00");
  shipping.tax_lines = [{ title: "DE MwSt", rate: 0.19, channel_liable: false, price: "1.90", price_set: money("1.90") }];
  for (const [key, amount] of Object.entries({ subtotal_price: "160.00", current_subtotal_price: "160.00", total_line_items_price: "160.00", total_tax: "32.30", current_total_tax: "32.30", total_discounts: "0.00", current_total_discounts: "0.00", total_price: "202.30", current_total_price: "202.30" })) {
    set(order, key, amount);
  }
  order.total_shipping_price_set = money("10.00");
  order.total_tip_received = "0.00";
  order.customer = { ...(order.customer as object), id: 123, email: "einkauf@mueller-industrie.example", first_name: "Jana", last_name: "Müller", tax_exempt: false };
  const address = { first_name: "Jana", last_name: "Müller", name: "Jana Müller", company: "Müller Industrie GmbH", address1: "Industriestraße 7", address2: null, city: "Köln", zip: "50667", province: null, province_code: null, country: "Germany", country_code: "DE", phone: null };
  order.billing_address = address;
  order.shipping_address = address;
  return order;
}
