// npx tsx scripts/bench-own-invoice.ts [-- --runs 20 --lines 10 --out invoice.pdf]
// The figures of the shop's own invoice: the time to render one PDF (the median of N renders of the same
// invoice, after one warm-up render that loads the fonts and compiles the code) and the PDF's size, for a
// 10-line invoice and, for scale, a 250-line one. Rendering only: no database, no disk.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PDFDocument } from "pdf-lib";
import { contentFromPlan, type OwnInvoiceContent } from "../app/providers/shop/own-invoice-content";
import { renderOwnInvoicePdf } from "../app/providers/shop/own-invoice-pdf";
import { DEFAULT_PLAN_OPTIONS, planDocument } from "../app/invoicing/plan";
import type { NormalizedOrder } from "../app/invoicing/order";
import { divideRounded, parseRatio } from "../app/lib/money";

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

async function measure(lines: number, n: number) {
  const content = invoice(lines);
  const bytes = await renderOwnInvoicePdf(content, { number: "INV-2026-1" });
  // To look at it: the rendered invoice, written where --out says.
  if (args.out && lines === Number(args.lines)) writeFileSync(args.out, bytes);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await renderOwnInvoicePdf(content, { number: "INV-2026-1" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = n % 2 ? times[(n - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  const pages = (await PDFDocument.load(bytes)).getPageCount();
  return { lines, renders: n, medianMs: median, minMs: times[0], maxMs: times[n - 1], bytes: bytes.length, pages };
}

const rows = [await measure(Number(args.lines), runs), await measure(250, Math.min(runs, 5))];
console.log(`Node ${process.version}, pdf-lib 1.17.1 + fontkit, DejaVu Sans (regular and bold, subset)`);
for (const r of rows) {
  console.log(
    `${String(r.lines).padStart(3)} lines: median ${r.medianMs.toFixed(1)} ms over ${r.renders} renders (min ${r.minMs.toFixed(1)}, max ${r.maxMs.toFixed(1)}); ` +
      `${r.bytes} bytes (${(r.bytes / 1024).toFixed(1)} KiB), ${r.pages} page${r.pages === 1 ? "" : "s"}`,
  );
}
