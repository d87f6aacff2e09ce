import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import type { NormalizedOrder } from "../../app/invoicing/order";
import { DEFAULT_PLAN_OPTIONS, planDocument } from "../../app/invoicing/plan";
import { divideRounded, parseRatio } from "../../app/lib/money";
import { contentFromPlan, type Buyer, type ContentInput, type OwnInvoiceContent, type Seller } from "../../app/providers/shop/own-invoice-content";
import { renderOwnInvoicePdf } from "../../app/providers/shop/own-invoice-pdf";
import type { Language } from "../../app/providers/shop/translations";
import { describeWithPdfText, pdfText } from "../helpers/pdf-text";

type LineSpec = { title: string; quantity: number; unit: bigint; rate: string };

/** A tax-excluded order whose taxes are Shopify's (per line, rounded half away from zero). */
function order(currency: string, lines: LineSpec[], shipping: { title: string; price: bigint; rate: string } | null = null): NormalizedOrder {
  const taxOf = (amount: bigint, rate: string) => {
    const r = parseRatio(rate);
    return { title: "VAT", rate: r, amount: divideRounded(amount * r.num, r.den) };
  };
  const orderLines = lines.map((l, i) => ({
    id: String(i + 1), sku: `SKU-${i + 1}`, variantId: null, title: l.title, quantity: l.quantity, unitPrice: l.unit, discount: 0n,
    taxes: [taxOf(l.unit * BigInt(l.quantity), l.rate)], isGiftCard: false, requiresShipping: true,
  }));
  const shippingLines = shipping ? [{ title: shipping.title, code: null, price: shipping.price, discount: 0n, taxes: [taxOf(shipping.price, shipping.rate)] }] : [];
  const net = orderLines.reduce((s, l) => s + l.unitPrice * BigInt(l.quantity), 0n) + shippingLines.reduce((s, l) => s + l.price, 0n);
  const tax = [...orderLines, ...shippingLines].reduce((s, l) => s + l.taxes[0].amount, 0n);
  return {
    source: "admin-api", id: "7001", name: "#7001", currency, shopCurrency: currency, presentmentCurrency: currency, taxesIncluded: false,
    createdAt: "2026-11-21T10:00:00Z", cancelledAt: null, financialStatus: "paid", fulfillmentStatus: "unfulfilled", tags: [], channel: "web",
    gateways: [], locale: null, email: null, customer: null, company: null, billingAddress: null, shippingAddress: null,
    lines: orderLines, shipping: shippingLines, tip: 0n, duties: 0n, giftCardPaid: 0n, total: net + tax, totalTax: tax, paymentTerms: null,
  };
}

const seller = (overrides: Partial<Seller> = {}): Seller => ({
  name: "Ærøskøbing Kaffe ApS",
  addressLines: ["Vestergade 12", "5970 Ærøskøbing"],
  countryCode: "DK",
  vatId: "DK12345678",
  email: "hej@aeroe-kaffe.dk",
  phone: null,
  bank: { name: "Danske Bank", iban: "DK50 0040 0440 1162 43", bic: "DABADKKK", accountNumber: null },
  ...overrides,
});

const b2bBuyer = (overrides: Partial<Buyer> = {}): Buyer => ({
  name: "Jana Ševčík",
  companyName: "Ελένη & Ševčík s.r.o.",
  vatId: "CZ12345678",
  email: "jana@sevcik.cz",
  addressLines: ["Národní 1", "110 00 Praha"],
  countryCode: "CZ",
  isB2B: true,
  ...overrides,
});

/**
 * Three goods at 25% and 12% and shipping at 25%, in EUR: net 12,907.85, VAT 3,215.26 (25%: 3,204.46 on
 * 12,817.85; 12%: 10.80 on 90.00), total 16,123.11, the same as Shopify's per-line taxes give.
 */
const EUR_ORDER = order(
  "EUR",
  [
    { title: "Kaffe Ærø blend 500 g", quantity: 3, unit: 8995n, rate: "0.25" },
    { title: "Kanelbullar", quantity: 2, unit: 4500n, rate: "0.12" },
    { title: "Espressomaskine Ωμέγα", quantity: 1, unit: 1249900n, rate: "0.25" },
  ],
  { title: "GLS", price: 4900n, rate: "0.25" },
);

function content(overrides: Partial<ContentInput> = {}): OwnInvoiceContent {
  return contentFromPlan({
    kind: "invoice",
    plan: planDocument(EUR_ORDER, { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" }),
    seller: seller(),
    buyer: b2bBuyer(),
    language: "en",
    issueDate: "2026-11-21",
    paymentTermsDays: 14,
    ...overrides,
  });
}

/** A plain line of N numbered goods, at 25%, for the long documents. */
function longContent(lines: number, description = (i: number) => `Item ${i} of the long order`): OwnInvoiceContent {
  const specs = Array.from({ length: lines }, (_, i) => ({ title: description(i + 1), quantity: (i % 5) + 1, unit: 1999n + BigInt(i), rate: i % 3 ? "0.25" : "0.06" }));
  return content({ plan: planDocument(order("EUR", specs), { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" }) });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Words in order on one line of the laid-out text, with any spacing between them. */
const row = (...words: string[]) => new RegExp(words.map(escape).join("\\s+"));

describe("the shop's own invoice PDF", () => {
  it("GIVEN the plan's numbers THEN the content carries them exactly, as minor units", () => {
    const c = content();
    expect(c.totals).toEqual({ net: "1290785", vat: "321526", gross: "1612311" });
    expect(c.vatBreakdown).toEqual([
      { rate: "0.12", net: "9000", vat: "1080" },
      { rate: "0.25", net: "1281785", vat: "320446" },
    ]);
    expect(c.dueDate).toBe("2026-12-05");
    expect(c.reverseCharge).toBe(false);
  });

  it("GIVEN the lines the plan adds (discount, shipping) THEN they are named in the invoice's language", () => {
    const discounted = order("EUR", [{ title: "Krus", quantity: 2, unit: 1000n, rate: "0.25" }], { title: "PostNord", price: 4900n, rate: "0.25" });
    // 4.00 off the two mugs: Shopify's tax is on the discounted 16.00
    discounted.lines[0] = { ...discounted.lines[0], discount: 400n, taxes: [{ ...discounted.lines[0].taxes[0], amount: 400n }] };
    discounted.totalTax = 400n + 1225n;
    discounted.total = 1600n + 4900n + discounted.totalTax;
    const c = content({ plan: planDocument(discounted, { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" }), language: "da" });
    expect(c.lines.map((l) => [l.description, l.net])).toEqual([
      ["Krus", "2000"],
      ["Rabat på Krus", "-400"],
      ["Fragt: PostNord", "4900"],
    ]);
  });

  it("GIVEN an invoice THEN it is a PDF titled with its number, dated from the issue date, made by us", async () => {
    const bytes = await renderOwnInvoicePdf(content(), { number: "INV-2026-7" });
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe("%PDF-");
    expect(pdf.getTitle()).toBe("Invoice INV-2026-7");
    expect(pdf.getProducer()).toBe("Invoice Bridge");
    expect(pdf.getCreationDate()?.toISOString()).toBe("2026-11-21T00:00:00.000Z");
    expect(pdf.getModificationDate()?.toISOString()).toBe("2026-11-21T00:00:00.000Z");
    expect(pdf.getPageCount()).toBe(1);
  });

  it("GIVEN the same content twice THEN the bytes are the same, so that the stored hash identifies the PDF", async () => {
    const sha = async () => createHash("sha256").update(await renderOwnInvoicePdf(content({ language: "de" }), { number: "INV-1" })).digest("hex");
    const first = await sha();
    expect(await sha()).toBe(first);
    // …and a different number is a different document
    const other = createHash("sha256").update(await renderOwnInvoicePdf(content({ language: "de" }), { number: "INV-2" })).digest("hex");
    expect(other).not.toBe(first);
  });

  it("GIVEN 250 lines THEN the PDF is valid and runs over several pages", async () => {
    const bytes = await renderOwnInvoicePdf(longContent(250), { number: "INV-250" });
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBeGreaterThan(1);
    expect(pdf.getPages().every((p) => p.getWidth() === 595.28 && p.getHeight() === 841.89)).toBe(true);
  });
});

describeWithPdfText("the shop's own invoice PDF, read back as text", () => {
  type Expected = {
    title: string; invoiceDate: string; dueDate: string; terms: string; issued: string; due: string;
    vatId: string; breakdown: string; total: string; totalNet: string; shipping: string;
    amounts: { net: string; vat: string; gross: string; net25: string; vat25: string; net12: string; vat12: string; espresso: string; shipping: string };
  };
  const EXPECTED: Record<Language, Expected> = {
    en: {
      title: "Invoice", invoiceDate: "Invoice date", dueDate: "Due date", terms: "Payment within 14 days", issued: "21/11/2026", due: "05/12/2026",
      vatId: "VAT no.", breakdown: "VAT breakdown", total: "Total", totalNet: "Total excl. VAT", shipping: "Shipping: GLS",
      amounts: { net: "12,907.85", vat: "3,215.26", gross: "16,123.11", net25: "12,817.85", vat25: "3,204.46", net12: "90.00", vat12: "10.80", espresso: "12,499.00", shipping: "49.00" },
    },
    da: {
      title: "Faktura", invoiceDate: "Fakturadato", dueDate: "Forfaldsdato", terms: "Betaling inden 14 dage", issued: "21.11.2026", due: "05.12.2026",
      vatId: "Momsnr.", breakdown: "Momsspecifikation", total: "I alt", totalNet: "I alt ekskl. moms", shipping: "Fragt: GLS",
      amounts: { net: "12.907,85", vat: "3.215,26", gross: "16.123,11", net25: "12.817,85", vat25: "3.204,46", net12: "90,00", vat12: "10,80", espresso: "12.499,00", shipping: "49,00" },
    },
    sv: {
      title: "Faktura", invoiceDate: "Fakturadatum", dueDate: "Förfallodatum", terms: "Betalning inom 14 dagar", issued: "2026-11-21", due: "2026-12-05",
      vatId: "Momsreg.nr", breakdown: "Momsspecifikation", total: "Att betala", totalNet: "Summa exkl. moms", shipping: "Frakt: GLS",
      amounts: { net: "12 907,85", vat: "3 215,26", gross: "16 123,11", net25: "12 817,85", vat25: "3 204,46", net12: "90,00", vat12: "10,80", espresso: "12 499,00", shipping: "49,00" },
    },
    pt: {
      title: "Fatura", invoiceDate: "Data da fatura", dueDate: "Data de vencimento", terms: "Pagamento a 14 dias", issued: "21/11/2026", due: "05/12/2026",
      vatId: "NIF", breakdown: "Resumo do IVA", total: "Total", totalNet: "Total sem IVA", shipping: "Portes: GLS",
      amounts: { net: "12 907,85", vat: "3 215,26", gross: "16 123,11", net25: "12 817,85", vat25: "3 204,46", net12: "90,00", vat12: "10,80", espresso: "12 499,00", shipping: "49,00" },
    },
    de: {
      title: "Rechnung", invoiceDate: "Rechnungsdatum", dueDate: "Fällig am", terms: "Zahlbar innerhalb von 14 Tagen", issued: "21.11.2026", due: "05.12.2026",
      vatId: "USt-IdNr.", breakdown: "USt.-Aufstellung", total: "Gesamtbetrag", totalNet: "Summe netto", shipping: "Versand: GLS",
      amounts: { net: "12.907,85", vat: "3.215,26", gross: "16.123,11", net25: "12.817,85", vat25: "3.204,46", net12: "90,00", vat12: "10,80", espresso: "12.499,00", shipping: "49,00" },
    },
  };

  it.each(Object.entries(EXPECTED) as Array<[Language, Expected]>)("GIVEN a B2B invoice in %s THEN its text says every legal item in that language", async (language, e) => {
    // WHEN the invoice is rendered and its text read back
    const text = pdfText(await renderOwnInvoicePdf(content({ language }), { number: "INV-2026-42" }));
    // THEN the title and number, the dates and the payment terms
    expect(text).toMatch(row(e.title));
    expect(text).toContain("INV-2026-42");
    expect(text).toMatch(row(e.invoiceDate, e.issued));
    expect(text).toMatch(row(e.dueDate, e.due));
    expect(text).toContain(`${e.terms}.`);
    // the seller with its VAT id, the buyer, the B2B company and its VAT id, in their own scripts
    expect(text).toContain("Ærøskøbing Kaffe ApS");
    expect(text).toContain("5970 Ærøskøbing");
    expect(text).toContain(`${e.vatId} DK12345678`);
    expect(text).toContain("Ελένη & Ševčík s.r.o.");
    expect(text).toContain("Jana Ševčík");
    expect(text).toContain("Národní 1");
    expect(text).toContain("jana@sevcik.cz");
    expect(text).toContain(`${e.vatId} CZ12345678`);
    // each line with its quantity, unit price, rate and amount
    expect(text).toMatch(row("Espressomaskine Ωμέγα", "1", e.amounts.espresso, "25%", e.amounts.espresso));
    // the shipping line, named in the invoice's language
    expect(text).toMatch(row(e.shipping, "1", e.amounts.shipping, "25%", e.amounts.shipping));
    expect(text).toMatch(row("Kanelbullar", "2", language === "en" ? "45.00" : "45,00", "12%", e.amounts.net12));
    // the VAT per rate, the totals and the currency
    expect(text).toContain(e.breakdown);
    expect(text).toMatch(row("25%", e.amounts.net25, e.amounts.vat25));
    expect(text).toMatch(row("12%", e.amounts.net12, e.amounts.vat12));
    expect(text).toMatch(row(e.totalNet, e.amounts.net));
    expect(text).toMatch(row(e.amounts.vat));
    expect(text).toMatch(new RegExp(`${escape(e.total)}\\s+${escape(e.amounts.gross)} EUR`));
    expect(text).toContain("EUR");
  });

  it("GIVEN a 250-line order THEN every line is printed once, each page repeats the table header and numbers its pages", async () => {
    const text = pdfText(await renderOwnInvoicePdf(longContent(250), { number: "INV-250" }));
    const pages = text.split("\f").filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
      // the first page has the title and the number in its header; the others name the invoice at the top
      expect(page).toMatch(i === 0 ? row("Number", "INV-250") : row("Invoice INV-250"));
    });
    // the header on every page that holds lines
    for (const page of pages.filter((p) => /Item \d+ of the long order/.test(p))) expect(page).toMatch(row("Description", "Qty", "Unit price", "VAT", "Amount"));
    for (let i = 1; i <= 250; i++) expect(text.match(new RegExp(`Item ${i} of the long order\\b`, "g")), `line ${i}`).toHaveLength(1);
  });

  it("GIVEN long descriptions, unbreakable words and huge amounts THEN nothing is drawn outside the page's margins", async () => {
    // GIVEN lines whose descriptions wrap, one 300-character word, and totals in the trillions
    const c = longContent(60, (i) => (i === 7 ? "X".repeat(300) : `Line ${i}: ${"Ærøskøbing Kaffe, Ελένη, Ševčík, Щука, Größe ".repeat((i % 4) + 1)}`));
    c.lines[3] = { ...c.lines[3], quantity: 1, unitPrice: "999999999999999", net: "999999999999999" };
    c.totals = { net: "999999999999999999", vat: "249999999999999999", gross: "1249999999999999998" };
    // WHEN it is rendered
    const bytes = await renderOwnInvoicePdf(c, { number: "INV-1" });
    // THEN every word's box lies within the margins (pdftotext -bbox gives each word's box in points)
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ib-bbox-")), "doc.pdf");
    fs.writeFileSync(file, bytes);
    const html = execFileSync("pdftotext", ["-bbox", file, "-"], { encoding: "utf8" });
    const words = [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">/g)].map((m) => m.slice(1, 5).map(Number));
    expect(words.length).toBeGreaterThan(1000);
    for (const [xMin, yMin, xMax, yMax] of words) {
      expect(xMin).toBeGreaterThanOrEqual(47);
      expect(xMax).toBeLessThanOrEqual(595.28 - 47);
      expect(yMin).toBeGreaterThanOrEqual(0);
      expect(yMax).toBeLessThanOrEqual(841.89 - 30);
    }
    const text = pdfText(bytes);
    // the unbreakable word is cut across lines, every character kept
    expect(text.match(/X/g)).toHaveLength(300);
    expect(text).toContain("12,499,999,999,999,999.98 EUR");
  });

  it("GIVEN a credit note in German THEN it is titled as a correction, names the invoice it corrects, and asks for no payment", async () => {
    const c = content({ kind: "credit-note", language: "de", credits: [{ number: "INV-2026-7", issueDate: "2026-11-01" }] });
    const bytes = await renderOwnInvoicePdf(c, { number: "CN-3" });
    const text = pdfText(bytes);
    expect((await PDFDocument.load(bytes)).getTitle()).toBe("Rechnungskorrektur CN-3");
    expect(text).toContain("Rechnungskorrektur");
    expect(text).toContain("CN-3");
    expect(text).toContain("Korrektur der Rechnung INV-2026-7 vom 01.11.2026");
    expect(text).toMatch(row("Datum", "21.11.2026"));
    expect(text).toMatch(new RegExp(`Gesamtbetrag\\s+16\\.123,11 EUR`));
    expect(text).not.toContain("Zahlungsbedingungen");
    expect(text).not.toContain("Fällig am");
  });

  it("GIVEN an intra-EU sale to a business with its VAT id and no VAT THEN the invoice says the buyer owes the VAT", async () => {
    const zeroRated = order("EUR", [{ title: "Kaffe Ærø blend 500 g", quantity: 10, unit: 8995n, rate: "0" }]);
    const c = content({ plan: planDocument(zeroRated, { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" }), buyer: b2bBuyer({ countryCode: "DE", vatId: "DE123456789" }) });
    expect(c.reverseCharge).toBe(true);
    const text = pdfText(await renderOwnInvoicePdf(c, { number: "INV-9" }));
    expect(text).toContain("Reverse charge: VAT is due from the recipient");
    expect(text).toMatch(row("0%", "899.50", "0.00"));
  });

  it("GIVEN a consumer in JPY and one in KWD THEN amounts carry 0 and 3 decimals", async () => {
    const consumer = b2bBuyer({ companyName: null, vatId: null, isB2B: false, name: "Ελένη Παπαδοπούλου", addressLines: ["Ερμού 10", "105 63 Αθήνα"], countryCode: "GR" });
    const jpy = content({ plan: planDocument(order("JPY", [{ title: "抹茶 Matcha", quantity: 2, unit: 1980n, rate: "0.1" }]), { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" }), buyer: consumer });
    const jpyText = pdfText(await renderOwnInvoicePdf(jpy, { number: "INV-1" }));
    expect(jpyText).toContain("Ελένη Παπαδοπούλου");
    expect(jpyText).toMatch(row("10%", "3,960", "396"));
    expect(jpyText).toMatch(row("Total", "4,356 JPY"));
    const kwd = content({ plan: planDocument(order("KWD", [{ title: "Dates", quantity: 3, unit: 1125n, rate: "0.05" }]), { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" }), buyer: consumer, language: "pt" });
    const kwdText = pdfText(await renderOwnInvoicePdf(kwd, { number: "INV-2" }));
    expect(kwdText).toMatch(row("Dates", "3", "1,125", "5%", "3,375"));
    expect(kwdText).toMatch(row("Total", "3,544 KWD"));
  });
});
