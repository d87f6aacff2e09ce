// npx tsx scripts/bench-own-invoice.ts [-- --runs 20 --lines 10 --out invoice.pdf]
// The figures of the shop's own invoice: the time to render one PDF (the median of N renders of the same
// invoice, after one warm-up render that loads the fonts and compiles the code) and the PDF's size, for a
// 10-line invoice and, for scale, a 250-line one; and what its e-invoice adds (the EN 16931 model, the UBL
// file, and the Factur-X PDF made from the rendered one), as milliseconds and as a share of the PDF's.
// Rendering only: no database, no disk. Ends with one JSON line {"bench":"own-invoice", ...}.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PDFDocument } from "pdf-lib";
import { contentFromPlan, type OwnInvoiceContent } from "../app/providers/shop/own-invoice-content";
import { renderOwnInvoicePdf } from "../app/providers/shop/own-invoice-pdf";
import { DEFAULT_PLAN_OPTIONS, planDocument } from "../app/invoicing/plan";
import type { NormalizedOrder } from "../app/invoicing/order";
import { divideRounded, parseRatio } from "../app/lib/money";
import { einvoiceModel } from "../app/einvoice/en16931";
import { renderFacturX, renderUbl } from "../app/einvoice/render.server";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "20" }, lines: { type: "string", default: "10" }, out: { type: "string" } } });
const runs = Number(args.runs);

/** A B2B invoice in Danish with `lines` goods at 25% and 12%, names in three scripts. */
function invoice(lines: number): OwnInvoiceContent {
  const orderLines = Array.from({ length: lines }, (_, i) => {
    const rate = parseRatio(i % 4 === 3 ? "0.12" : "0.25");
    const unitPrice = 4995n + 250n * BigInt(i);
    const quantity = (i % 3) + 1;
    return {
      id: String(i + 1), sku: `SKU-${i + 1}`, variantId: null, title: `Kaffe Ærø blend nr. ${i + 1}, 500 g (Ελένη, Ševčík)`, quantity, unitPrice, discount: 0n,
      taxes: [{ title: "Moms", rate, amount: divideRounded(unitPrice * BigInt(quantity) * rate.num, rate.den) }], isGiftCard: false, requiresShipping: true,
    };
  });
  const net = orderLines.reduce((s, l) => s + l.unitPrice * BigInt(l.quantity), 0n);
  const tax = orderLines.reduce((s, l) => s + l.taxes[0].amount, 0n);
  const order: NormalizedOrder = {
    source: "admin-api", id: "1", name: "#1", currency: "DKK", shopCurrency: "DKK", presentmentCurrency: "DKK", taxesIncluded: false,
    createdAt: "2026-11-21T10:00:00Z", cancelledAt: null, financialStatus: "paid", fulfillmentStatus: "unfulfilled", tags: [], channel: "web",
    gateways: [], locale: "da-DK", email: null, customer: null, company: null, billingAddress: null, shippingAddress: null,
    lines: orderLines, shipping: [], tip: 0n, duties: 0n, giftCardPaid: 0n, total: net + tax, totalTax: tax, paymentTerms: null,
  };
  return contentFromPlan({
    kind: "invoice",
    plan: planDocument(order, { ...DEFAULT_PLAN_OPTIONS, priceBasis: "net" }),
    seller: {
      name: "Ærøskøbing Kaffe ApS", addressLines: ["Vestergade 12", "5970 Ærøskøbing"], countryCode: "DK", vatId: "DK12345678",
      email: "hej@aeroe-kaffe.dk", phone: "+45 62 52 00 00", bank: { name: "Danske Bank", iban: "DK50 0040 0440 1162 43", bic: "DABADKKK", accountNumber: null },
    },
    buyer: { name: "Jana Ševčík", companyName: "Ελένη & Ševčík s.r.o.", vatId: "CZ12345678", email: "jana@sevcik.cz", addressLines: ["Národní 1", "110 00 Praha"], countryCode: "CZ", isB2B: true },
    language: "da",
    issueDate: "2026-11-21",
    paymentTermsDays: 14,
    notes: "Tak for din ordre!",
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return { median: n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2, min: sorted[0], max: sorted[n - 1] };
};
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const E_SELLER = { street: "Vestergade 12", postcode: "5970", city: "Ærøskøbing", companyId: null, exemptionReason: null };

async function measure(lines: number, n: number) {
  const content = invoice(lines);
  const bytes = await renderOwnInvoicePdf(content, { number: "INV-2026-1" });
  // To look at it: the rendered invoice, written where --out says.
  if (args.out && lines === Number(args.lines)) writeFileSync(args.out, bytes);
  const einvoice = async () => {
    const model = einvoiceModel({ content, number: "INV-2026-1", seller: E_SELLER });
    if (!model.ok) throw new Error(model.refusal.message);
    await renderUbl(model.invoice);
    return renderFacturX(model.invoice, bytes, { filename: "INV-2026-1.pdf", language: "da-dk" });
  };
  const facturX = await einvoice(); // warm-up: loads the library and compiles its schema
  const pdfTimes: number[] = [];
  const einvoiceTimes: number[] = [];
  for (let i = 0; i < n; i++) {
    let start = process.hrtime.bigint();
    await renderOwnInvoicePdf(content, { number: "INV-2026-1" });
    pdfTimes.push(ms(start));
    start = process.hrtime.bigint();
    await einvoice();
    einvoiceTimes.push(ms(start));
  }
  const pdf = median(pdfTimes);
  const e = median(einvoiceTimes);
  const pages = (await PDFDocument.load(bytes)).getPageCount();
  return { lines, renders: n, medianMs: pdf.median, minMs: pdf.min, maxMs: pdf.max, bytes: bytes.length, pages, einvoiceMs: e.median, facturXBytes: facturX.length };
}

const rows = [await measure(Number(args.lines), runs), await measure(250, Math.min(runs, 5))];
console.log(`Node ${process.version}, pdf-lib 1.17.1 + fontkit, DejaVu Sans (regular and bold, subset); e-invoices by @e-invoice-eu/core 2.3.4`);
for (const r of rows) {
  console.log(
    `${String(r.lines).padStart(3)} lines: median ${r.medianMs.toFixed(1)} ms over ${r.renders} renders (min ${r.minMs.toFixed(1)}, max ${r.maxMs.toFixed(1)}); ` +
      `${r.bytes} bytes (${(r.bytes / 1024).toFixed(1)} KiB), ${r.pages} page${r.pages === 1 ? "" : "s"}; ` +
      `e-invoice (model, UBL, Factur-X) ${r.einvoiceMs.toFixed(1)} ms, ${((100 * r.einvoiceMs) / r.medianMs).toFixed(0)}% of the PDF's time, Factur-X ${r.facturXBytes} bytes`,
  );
}
const [main] = rows;
console.log(
  JSON.stringify({ bench: "own-invoice", lines: main.lines, pdfMs: Number(main.medianMs.toFixed(2)), einvoiceMs: Number(main.einvoiceMs.toFixed(2)), einvoiceShareOfPdf: Number((main.einvoiceMs / main.medianMs).toFixed(3)), pdfBytes: main.bytes, facturXBytes: main.facturXBytes }),
);
