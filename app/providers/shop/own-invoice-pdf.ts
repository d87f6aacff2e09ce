// The PDF of the shop's own invoice or credit note: a pure function of the stored content and the number.
//
// - Fonts: DejaVu Sans, regular and bold, embedded as subsets through fontkit, so that any name in a
//   Latin, Greek or Cyrillic script prints (pdf-lib's standard fonts stop at WinAnsi: no ő, no Ελένη).
//   Ligatures are off, so that the text read back from the PDF is the text written.
// - Layout: A4; the lines run over as many pages as they need, the table header repeated on each, a
//   description wrapped to its column, and a figure too wide for its column made smaller, never cut.
// - Determinism: the same content and number give the same bytes (fixed font names, with the fixed
//   subset tags PDF asks for, a fixed producer, dates from the issue date), so that the stored hash of
//   a PDF identifies it.
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { OwnInvoiceContent } from "./own-invoice-content";
import { countryName, formatAmount, formatDate, formatQuantity, formatRate, labelsFor, type Labels } from "./translations";

export type RenderOptions = {
  /** The document's number, given when it was finalized. */
  number: string;
};

const PRODUCER = "Invoice Bridge";
const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const WIDTH = A4[0] - 2 * MARGIN;
const TOP = A4[1] - 44;
/** Nothing is drawn below this line but the footer. */
const BOTTOM = 62;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.4, 0.4, 0.44);
const RULE = rgb(0.8, 0.8, 0.82);

// The table's columns: the description takes what the figures leave.
const GAP = 8;
const COLUMNS = { quantity: 42, unitPrice: 78, vatRate: 42, amount: 84 };
const DESCRIPTION_WIDTH = WIDTH - COLUMNS.quantity - COLUMNS.unitPrice - COLUMNS.vatRate - COLUMNS.amount - 4 * GAP;
const RIGHT_EDGES = (() => {
  const quantity = MARGIN + DESCRIPTION_WIDTH + GAP + COLUMNS.quantity;
  const unitPrice = quantity + GAP + COLUMNS.unitPrice;
  const vatRate = unitPrice + GAP + COLUMNS.vatRate;
  return { quantity, unitPrice, vatRate, amount: vatRate + GAP + COLUMNS.amount };
})();
const ROW_SIZE = 8.5;
const ROW_LEADING = 11;

let fontFiles: Promise<{ regular: Uint8Array; bold: Uint8Array }> | undefined;

/** The DejaVu files, read once per process (the package is plain files: resolve it, then read). */
export function loadOwnInvoiceFonts() {
  fontFiles ??= (async () => {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
    const [regular, bold] = await Promise.all([fs.readFile(path.join(dir, "DejaVuSans.ttf")), fs.readFile(path.join(dir, "DejaVuSans-Bold.ttf"))]);
    return { regular: new Uint8Array(regular), bold: new Uint8Array(bold) };
  })().catch((error: unknown) => {
    fontFiles = undefined;
    throw error;
  });
  return fontFiles;
}

/** One line of text as it may be drawn: no control characters (pdf-lib would break lines at them), single spaces. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ").replace(/\s+/g, " ").trim();
}

/** Lines of at most `width` points: at spaces, and inside a word only when the word alone is wider. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  const lines: string[] = [];
  let line = "";
  for (const word of clean(text).split(" ")) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    // By code points, so that a character outside the BMP is never split in two.
    let rest = Array.from(word);
    while (rest.length > 1 && !fits(rest.join(""))) {
      let take = 1;
      while (take + 1 < rest.length && fits(rest.slice(0, take + 1).join(""))) take += 1;
      lines.push(rest.slice(0, take).join(""));
      rest = rest.slice(take);
    }
    line = rest.join("");
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

type Fonts = { regular: PDFFont; bold: PDFFont };
type TextStyle = { font: PDFFont; size: number; color?: ReturnType<typeof rgb> };

function draw(page: PDFPage, text: string, x: number, y: number, style: TextStyle) {
  const value = clean(text);
  if (value) page.drawText(value, { x, y, font: style.font, size: style.size, color: style.color ?? INK });
}

/** Right-aligned at `right`; a text wider than `width` is set smaller until it fits. */
function drawRight(page: PDFPage, text: string, right: number, y: number, style: TextStyle & { width?: number }) {
  const value = clean(text);
  let size = style.size;
  const natural = style.font.widthOfTextAtSize(value, size);
  if (style.width !== undefined && natural > style.width) size = (size * style.width) / natural;
  draw(page, value, right - style.font.widthOfTextAtSize(value, size), y, { ...style, size });
}

/** Draws wrapped lines downwards from y; returns the y below them. */
function drawWrapped(page: PDFPage, text: string, x: number, y: number, width: number, style: TextStyle, leading: number): number {
  for (const line of wrapText(text, style.font, style.size, width)) {
    draw(page, line, x, y, style);
    y -= leading;
  }
  return y;
}

function addressBlock(lines: Array<string | null | undefined>): string[] {
  return lines.map((line) => clean(line ?? "")).filter((line) => line.length > 0);
}

export async function renderOwnInvoicePdf(content: OwnInvoiceContent, options: RenderOptions): Promise<Uint8Array> {
  const t = labelsFor(content.language);
  const lang = content.language;
  const money = (minor: string) => formatAmount(BigInt(minor), content.currency, lang);
  const title = content.kind === "invoice" ? t.invoice : t.creditNote;

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const files = await loadOwnInvoiceFonts();
  const noLigatures = { liga: false, clig: false, dlig: false, rlig: false };
  const fonts: Fonts = {
    regular: await doc.embedFont(files.regular, { subset: true, customName: "IBDJVS+DejaVuSans", features: noLigatures }),
    bold: await doc.embedFont(files.bold, { subset: true, customName: "IBDJVB+DejaVuSans-Bold", features: noLigatures }),
  };
  const issued = new Date(`${content.issueDate}T00:00:00Z`);
  doc.setTitle(`${title} ${options.number}`, { showInWindowTitleBar: true });
  doc.setAuthor(clean(content.seller.name));
  doc.setSubject(`${title} ${options.number}, ${clean(content.seller.name)}`);
  doc.setCreator(PRODUCER);
  doc.setProducer(PRODUCER);
  doc.setLanguage(lang);
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const pages: PDFPage[] = [];
  let page = doc.addPage(A4);
  pages.push(page);
  let y = firstPageHeader(page, content, options.number, title, t, fonts);

  const newPage = () => {
    page = doc.addPage(A4);
    pages.push(page);
    draw(page, `${title} ${options.number}`, MARGIN, TOP, { font: fonts.bold, size: 10 });
    drawRight(page, content.seller.name, MARGIN + WIDTH, TOP, { font: fonts.regular, size: 8.5, color: MUTED, width: WIDTH / 2 });
    y = TOP - 26;
  };

  // The lines.
  draw(page, `${t.amountsIn(content.currency)} · ${t.pricesExclVat}`, MARGIN, y, { font: fonts.regular, size: 8, color: MUTED });
  y -= 16;
  y = tableHeader(page, y, t, fonts);
  // The rows a page holds under its header: a row moves to the next page whole, unless it is taller than that.
  const pageOfRows = Math.floor((TOP - 26 - 6 - BOTTOM - 4) / ROW_LEADING);
  for (const line of content.lines) {
    let wrapped = wrapText(line.description, fonts.regular, ROW_SIZE, DESCRIPTION_WIDTH);
    let first = true;
    while (wrapped.length > 0) {
      const room = Math.floor((y - BOTTOM - 4) / ROW_LEADING);
      if (room < Math.min(wrapped.length, pageOfRows)) {
        newPage();
        y = tableHeader(page, y, t, fonts);
        continue;
      }
      const part = wrapped.slice(0, room);
      wrapped = wrapped.slice(part.length);
      const baseline = y - ROW_LEADING + 3;
      part.forEach((text, i) => draw(page, text, MARGIN, baseline - i * ROW_LEADING, { font: fonts.regular, size: ROW_SIZE }));
      if (first) {
        const figure = { font: fonts.regular, size: ROW_SIZE };
        drawRight(page, formatQuantity(line.quantity, lang), RIGHT_EDGES.quantity, baseline, { ...figure, width: COLUMNS.quantity });
        drawRight(page, money(line.unitPrice), RIGHT_EDGES.unitPrice, baseline, { ...figure, width: COLUMNS.unitPrice });
        drawRight(page, formatRate(line.vatRate, lang), RIGHT_EDGES.vatRate, baseline, { ...figure, width: COLUMNS.vatRate });
        drawRight(page, money(line.net), RIGHT_EDGES.amount, baseline, { ...figure, width: COLUMNS.amount });
        first = false;
      }
      y -= part.length * ROW_LEADING + 4;
      if (wrapped.length === 0) page.drawLine({ start: { x: MARGIN, y: y + 2 }, end: { x: MARGIN + WIDTH, y: y + 2 }, thickness: 0.4, color: RULE });
    }
  }

  // VAT per rate, then the totals, as one block on the right.
  const summaryLeft = MARGIN + WIDTH - 270;
  const summaryHeight = 18 + 13 + content.vatBreakdown.length * 12 + 14 + 3 * 14 + 8;
  y -= 14;
  if (y - summaryHeight < BOTTOM) newPage();
  draw(page, t.vatBreakdown, summaryLeft, y, { font: fonts.bold, size: 9 });
  y -= 14;
  const rateRight = summaryLeft + 60;
  const netRight = summaryLeft + 170;
  const vatRight = MARGIN + WIDTH;
  const head = { font: fonts.bold, size: 8, color: MUTED };
  drawRight(page, t.rate, rateRight, y, head);
  drawRight(page, t.net, netRight, y, head);
  drawRight(page, t.vat, vatRight, y, head);
  y -= 12;
  for (const row of content.vatBreakdown) {
    const cell = { font: fonts.regular, size: 8.5, width: 100 };
    drawRight(page, formatRate(row.rate, lang), rateRight, y, { ...cell, width: 55 });
    drawRight(page, money(row.net), netRight, y, cell);
    drawRight(page, money(row.vat), vatRight, y, cell);
    y -= 12;
  }
  y -= 4;
  page.drawLine({ start: { x: summaryLeft, y: y + 8 }, end: { x: MARGIN + WIDTH, y: y + 8 }, thickness: 0.6, color: RULE });
  y -= 6;
  const totals: Array<[string, string, boolean]> = [
    [t.totalNet, money(content.totals.net), false],
    [t.totalVat, money(content.totals.vat), false],
    [t.total, `${money(content.totals.gross)} ${content.currency}`, true],
  ];
  for (const [label, value, strong] of totals) {
    const style = { font: strong ? fonts.bold : fonts.regular, size: strong ? 10.5 : 9 };
    draw(page, label, summaryLeft, y, style);
    drawRight(page, value, MARGIN + WIDTH, y, { ...style, width: 140 });
    y -= 14;
  }

  // Payment, legal notes and the merchant's notes: full width, each block kept on one page.
  const blocks: Array<Array<{ text: string; bold?: boolean; muted?: boolean }>> = [];
  if (content.kind === "invoice") {
    const payment = [
      { text: t.paymentTerms, bold: true },
      { text: `${t.paymentWithin(content.paymentTermsDays ?? 0)}. ${t.dueDate}: ${content.dueDate ? formatDate(content.dueDate, lang) : ""}` },
    ];
    const bank = content.seller.bank;
    if (bank && (bank.iban || bank.accountNumber)) {
      payment.push({ text: t.paymentDetails, bold: true });
      const parts = [
        bank.name ? `${t.bank}: ${bank.name}` : null,
        bank.iban ? `${t.iban}: ${bank.iban}` : null,
        bank.bic ? `${t.bic}: ${bank.bic}` : null,
        bank.accountNumber ? `${t.accountNumber}: ${bank.accountNumber}` : null,
      ].filter((p): p is string => p !== null);
      payment.push({ text: parts.join(" · ") });
    }
    blocks.push(payment);
  }
  if (content.reverseCharge) blocks.push([{ text: t.reverseCharge, bold: true }]);
  if (content.notes && clean(content.notes)) blocks.push([{ text: content.notes, muted: true }]);
  for (const block of blocks) {
    const wrappedBlock = block.map((entry) => ({ ...entry, lines: wrapText(entry.text, entry.bold ? fonts.bold : fonts.regular, 9, WIDTH) }));
    const height = wrappedBlock.reduce((sum, entry) => sum + entry.lines.length * 12, 0) + 10;
    y -= 10;
    if (y - height < BOTTOM) newPage();
    for (const entry of wrappedBlock) {
      for (const text of entry.lines) {
        draw(page, text, MARGIN, y, { font: entry.bold ? fonts.bold : fonts.regular, size: 9, color: entry.muted ? MUTED : INK });
        y -= 12;
      }
    }
  }

  // The footer on every page: who issued it, and where the reader is.
  const sellerLine = `${content.seller.name} · ${t.vatId} ${content.seller.vatId}`;
  pages.forEach((p, i) => {
    p.drawLine({ start: { x: MARGIN, y: 44 }, end: { x: MARGIN + WIDTH, y: 44 }, thickness: 0.4, color: RULE });
    const pageLabel = t.page(i + 1, pages.length);
    const labelWidth = fonts.regular.widthOfTextAtSize(pageLabel, 7.5);
    const sellerText = wrapText(sellerLine, fonts.regular, 7.5, WIDTH - labelWidth - 20)[0];
    draw(p, sellerText, MARGIN, 32, { font: fonts.regular, size: 7.5, color: MUTED });
    drawRight(p, pageLabel, MARGIN + WIDTH, 32, { font: fonts.regular, size: 7.5, color: MUTED });
  });

  return doc.save({ useObjectStreams: true });
}

/** Seller, title and dates, buyer, and for a credit note the invoices it corrects; returns the y below. */
function firstPageHeader(page: PDFPage, content: OwnInvoiceContent, number: string, title: string, t: Labels, fonts: Fonts): number {
  const lang = content.language;
  const leftWidth = 270;
  const seller = content.seller;

  // The seller, top left.
  let left = drawWrapped(page, seller.name, MARGIN, TOP, leftWidth, { font: fonts.bold, size: 13 }, 16);
  const sellerLines = addressBlock([
    ...seller.addressLines,
    countryName(seller.countryCode, lang),
    `${t.vatId} ${seller.vatId}`,
    seller.email ? `${t.email}: ${seller.email}` : null,
    seller.phone ? `${t.phone}: ${seller.phone}` : null,
  ]);
  for (const line of sellerLines) left = drawWrapped(page, line, MARGIN, left, leftWidth, { font: fonts.regular, size: 9 }, 12);

  // The title, number and dates, top right.
  const rightEdge = MARGIN + WIDTH;
  const metaLeft = rightEdge - 200;
  drawRight(page, title, rightEdge, TOP - 4, { font: fonts.bold, size: 20, width: 200 });
  let right = TOP - 28;
  const meta: Array<[string, string]> = [
    [t.number, number],
    [content.kind === "invoice" ? t.invoiceDate : t.creditNoteDate, formatDate(content.issueDate, lang)],
    ...(content.dueDate ? ([[t.dueDate, formatDate(content.dueDate, lang)]] as Array<[string, string]>) : []),
    [t.currency, content.currency],
  ];
  for (const [label, value] of meta) {
    draw(page, label, metaLeft, right, { font: fonts.regular, size: 9, color: MUTED });
    drawRight(page, value, rightEdge, right, { font: label === t.number ? fonts.bold : fonts.regular, size: 9, width: 110 });
    right -= 13;
  }

  // The buyer.
  let y = Math.min(left, right) - 16;
  const buyer = content.buyer;
  draw(page, t.billTo, MARGIN, y, { font: fonts.bold, size: 8.5, color: MUTED });
  y -= 13;
  if (buyer.companyName) y = drawWrapped(page, buyer.companyName, MARGIN, y, leftWidth, { font: fonts.bold, size: 10 }, 13);
  const personFirst = !buyer.companyName;
  const buyerLines = addressBlock([
    personFirst || clean(buyer.name) !== clean(buyer.companyName ?? "") ? buyer.name : null,
    ...buyer.addressLines,
    buyer.countryCode ? countryName(buyer.countryCode, lang) : null,
    buyer.email ? `${t.email}: ${buyer.email}` : null,
    buyer.vatId ? `${t.vatId} ${buyer.vatId}` : null,
  ]);
  buyerLines.forEach((line, i) => {
    y = drawWrapped(page, line, MARGIN, y, leftWidth, { font: personFirst && i === 0 ? fonts.bold : fonts.regular, size: personFirst && i === 0 ? 10 : 9 }, 12);
  });

  if (content.credits.length > 0) {
    y -= 8;
    for (const credit of content.credits) {
      y = drawWrapped(page, t.credits(credit.number, credit.issueDate ? formatDate(credit.issueDate, lang) : null), MARGIN, y, WIDTH, { font: fonts.bold, size: 9.5 }, 13);
    }
  }
  return y - 14;
}

/** The table's header row; returns the y below it. */
function tableHeader(page: PDFPage, y: number, t: Labels, fonts: Fonts): number {
  const style = { font: fonts.bold, size: 8, color: MUTED };
  draw(page, t.description, MARGIN, y, style);
  drawRight(page, t.quantity, RIGHT_EDGES.quantity, y, { ...style, width: COLUMNS.quantity });
  drawRight(page, t.unitPrice, RIGHT_EDGES.unitPrice, y, { ...style, width: COLUMNS.unitPrice });
  drawRight(page, t.vatRate, RIGHT_EDGES.vatRate, y, { ...style, width: COLUMNS.vatRate });
  drawRight(page, t.amount, RIGHT_EDGES.amount, y, { ...style, width: COLUMNS.amount });
  page.drawLine({ start: { x: MARGIN, y: y - 4 }, end: { x: MARGIN + WIDTH, y: y - 4 }, thickness: 0.8, color: INK });
  return y - 6;
}
