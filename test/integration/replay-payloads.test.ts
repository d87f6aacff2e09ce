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
    const filled = fillExemplar(read(path.join(SHARED, "exemplars-anonymized/2025-04_orders_1.json")), B2B_2025);
    const result = await sandbox.replay({ payload: filled, topic: "orders/create", company: { name: "Müller Industrie GmbH", locationName: "Werk Köln", vatId: "DE123456789" } }, "shop");
    expect(result.log.filter((e) => e.status === "failed")).toEqual([]);
    expect(result).toMatchObject({ ok: true, document: { state: "booked", total: "202.30" } });
    expect(result.document!.vat).toEqual([{ rate: "0.19", amount: "32.30" }]);
  });

  it("the anonymised 2023-10 exemplar (a code on two of three lines), filled in, is booked for current_total_price", async () => {
    const result = await sandbox.replay({ payload: fillExemplar(read(path.join(SHARED, "exemplars-anonymized/2023-10_orders_1.json")), CODE_2023), topic: "orders/create" }, "shop");
    expect(result).toMatchObject({ ok: true, document: { state: "booked", total: "46.60" } });
    expect(result.document!.vat).toEqual([{ rate: "0.19", amount: "7.44" }]);
  });

  it("the anonymised 2024-04 exemplar (three tax lines on every line and on shipping), filled in: combined and per jurisdiction", async () => {
    const payload = fillExemplar(read(path.join(SHARED, "exemplars-anonymized/2024-04_orders_1.json")), US_2024);
    const combined = await sandbox.replay({ payload, topic: "orders/create" }, "shop");
    expect(combined).toMatchObject({ ok: true, document: { total: "169.85" } });
    expect(combined.document!.vat).toEqual([{ rate: "0.08875", amount: "13.85" }]);
    const split = await perJurisdiction.replay({ payload, topic: "orders/create" }, "economic");
    expect(split).toMatchObject({ ok: true, document: { state: "booked", total: "169.85" } });
    expect(split.document!.lines.slice(-3).map((l) => [l.description, l.total])).toEqual([
      ["NY State Tax (4%)", "6.24"],
      ["New York City Tax (4.5%)", "7.03"],
      ["Metropolitan Commuter Transportation District (0.375%)", "0.58"],
    ]);
  });
});

type FillLine = { title: string; sku?: string; quantity?: number; price: string; taxes: Array<[title: string, rate: number, amount: string]>; allocations?: Array<[amount: string, index: number]> };
type Fill = {
  currency: string;
  taxesIncluded: boolean;
  name: string;
  lines: FillLine[];
  shipping: FillLine[];
  applications?: Array<Record<string, unknown>>;
  totals: { subtotal: string; lineItems: string; discounts: string; tax: string; shipping: string; total: string };
  taxLines?: Array<[title: string, rate: number, amount: string]>;
  address: Record<string, unknown>;
};

/**
 * An anonymised exemplar keeps the shape of a real order (its keys, its lines, tax lines and allocations) but its
 * values were replaced by "example string" and 123. This fills in the amounts of a plausible order of that shape,
 * written by hand (Shopify's arithmetic: each tax line rounded on its own), and zeroes every other money bag.
 */
function fillExemplar(exemplar: Record<string, unknown>, fill: Fill): Record<string, unknown> {
  const order = structuredClone(exemplar) as Record<string, unknown> & { line_items: Array<Record<string, unknown>>; shipping_lines: Array<Record<string, unknown>> };
  const money = (amount: string) => ({ shop_money: { amount, currency_code: fill.currency }, presentment_money: { amount, currency_code: fill.currency } });
  const set = (target: Record<string, unknown>, key: string, amount: string) => {
    target[key] = amount;
    target[`${key}_set`] = money(amount);
  };
  const zero = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(zero);
    if (value && typeof value === "object") {
      const object = value as Record<string, unknown>;
      if ("shop_money" in object && "presentment_money" in object) return money("0");
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, zero(v)]));
    }
    return value;
  };
  Object.assign(order, zero(order));
  const email = `buyer-${fill.name.replace(/\W/g, "").toLowerCase()}@example.com`;
  Object.assign(order, { currency: fill.currency, presentment_currency: fill.currency, taxes_included: fill.taxesIncluded, tax_exempt: false, financial_status: "paid", fulfillment_status: null, cancelled_at: null, created_at: "2025-04-10T09:30:00+02:00", email, contact_email: email, customer_locale: "en", name: fill.name, tags: "" });
  const taxLines = (taxes: FillLine["taxes"]) => taxes.map(([title, rate, amount]) => ({ title, rate, channel_liable: false, price: amount, price_set: money(amount) }));
  const fillLine = (target: Record<string, unknown>, line: FillLine, isShipping: boolean) => {
    Object.assign(target, { title: line.title, name: line.title, sku: line.sku ?? null, code: line.title });
    if (!isShipping) Object.assign(target, { quantity: line.quantity, current_quantity: line.quantity, gift_card: false, taxable: line.taxes.length > 0, requires_shipping: true });
    set(target, "price", line.price);
    target.tax_lines = taxLines(line.taxes);
    target.discount_allocations = (line.allocations ?? []).map(([amount, index]) => ({ amount, amount_set: money(amount), discount_application_index: index }));
  };
  fill.lines.forEach((line, i) => fillLine(order.line_items[i], line, false));
  fill.shipping.forEach((line, i) => fillLine(order.shipping_lines[i], line, true));
  order.discount_applications = fill.applications ?? [];
  order.discount_codes = [];
  for (const [key, amount] of Object.entries({ subtotal_price: fill.totals.subtotal, current_subtotal_price: fill.totals.subtotal, total_line_items_price: fill.totals.lineItems, total_tax: fill.totals.tax, current_total_tax: fill.totals.tax, total_discounts: fill.totals.discounts, current_total_discounts: fill.totals.discounts, total_price: fill.totals.total, current_total_price: fill.totals.total })) {
    set(order, key, amount);
  }
  order.total_shipping_price_set = money(fill.totals.shipping);
  order.total_tip_received = "0";
  if (fill.taxLines) order.tax_lines = taxLines(fill.taxLines);
  order.customer = { ...(order.customer as object), id: 123, email, first_name: String(fill.address.first_name), last_name: String(fill.address.last_name), tax_exempt: false };
  order.billing_address = fill.address;
  order.shipping_address = fill.address;
  return order;
}

const address = (first: string, last: string, company: string | null, address1: string, city: string, zip: string, country: string, countryCode: string, province: string | null = null) => ({
  first_name: first, last_name: last, name: `${first} ${last}`, company, address1, address2: null, city, zip, province, province_code: null, country, country_code: countryCode, phone: null,
});

/** 2025-04, B2B in Germany, prices before VAT: 2 × 80.00 at 19% (30.40), shipping 10.00 at 19% (1.90), total 202.30. */
const B2B_2025: Fill = {
  currency: "EUR",
  taxesIncluded: false,
  name: "#B2B-2025",
  lines: [{ title: "Hydraulic Coupling", sku: "HC-200", quantity: 2, price: "80.00", taxes: [["DE MwSt", 0.19, "30.40"]] }],
  shipping: [{ title: "DHL Freight", price: "10.00", taxes: [["DE MwSt", 0.19, "1.90"]] }],
  totals: { subtotal: "160.00", lineItems: "160.00", discounts: "0.00", tax: "32.30", shipping: "10.00", total: "202.30" },
  address: address("Jana", "Müller", "Müller Industrie GmbH", "Industriestraße 7", "Köln", "50667", "Germany", "DE"),
};

/** 2023-10, Germany, prices with VAT: a 10% code on the first and third lines; each line's tax on its discounted amount. */
const CODE_2023: Fill = {
  currency: "EUR",
  taxesIncluded: true,
  name: "#DE-2023",
  lines: [
    { title: "Notebook", sku: "NB-1", quantity: 2, price: "15.00", taxes: [["DE MwSt", 0.19, "4.31"]], allocations: [["3.00", 0]] },
    { title: "Pen", sku: "PEN-1", quantity: 3, price: "2.50", taxes: [["DE MwSt", 0.19, "1.20"]] },
    { title: "Ink", sku: "INK-1", quantity: 1, price: "8.00", taxes: [["DE MwSt", 0.19, "1.15"]], allocations: [["0.80", 0]] },
  ],
  shipping: [{ title: "DHL", price: "4.90", taxes: [["DE MwSt", 0.19, "0.78"]] }],
  applications: [{ type: "discount_code", code: "SCHULE10", value: "10.0", value_type: "percentage", allocation_method: "across", target_selection: "entitled", target_type: "line_item" }],
  totals: { subtotal: "41.70", lineItems: "45.50", discounts: "3.80", tax: "7.44", shipping: "4.90", total: "46.60" },
  address: address("Lena", "Schmidt", null, "Hauptstraße 1", "München", "80331", "Germany", "DE"),
};

/** 2024-04, New York City, prices before tax: state 4%, city 4.5%, MCTD 0.375% on each line and on shipping. */
const NY = (state: string, city: string, mctd: string): FillLine["taxes"] => [["NY State Tax", 0.04, state], ["New York City Tax", 0.045, city], ["Metropolitan Commuter Transportation District", 0.00375, mctd]];
const US_2024: Fill = {
  currency: "USD",
  taxesIncluded: false,
  name: "#NY-2024",
  lines: [
    { title: "Hiking Boots", sku: "BOOT-1", quantity: 1, price: "129.00", taxes: NY("5.16", "5.81", "0.48") },
    { title: "Wool Socks", sku: "SOCK-1", quantity: 2, price: "9.50", taxes: NY("0.76", "0.86", "0.07") },
  ],
  shipping: [{ title: "UPS Ground", price: "8.00", taxes: NY("0.32", "0.36", "0.03") }],
  totals: { subtotal: "148.00", lineItems: "148.00", discounts: "0.00", tax: "13.85", shipping: "8.00", total: "169.85" },
  taxLines: NY("6.24", "7.03", "0.58"),
  address: address("Sam", "Rivera", null, "350 5th Ave", "New York", "10118", "United States", "US", "New York"),
};
