// The rows of a Collector (Walley) invoice, and what our document reference keeps of them.
//
// Collector invoices by article: a row is an ArticleId (≤ 50), a Description (≤ 50), a Quantity, a UnitPrice
// including VAT and the VAT in percent, and its total is Σ UnitPrice × Quantity. Activation, part-activation
// and part-credit name articles and quantities only, so:
// - discounts are folded into the prices (the plan's `discountLines: false`), so that each unit shipped or
//   refunded carries its exact share; a line whose amount does not divide by its quantity is already two
//   rows in the plan (q−r units at u, r at u+1);
// - every row gets an ArticleId of its own (the SKU; a second row of the same SKU gets "#2"), so that an
//   article list is never ambiguous.
import { formatMinor, ratioToString, ratePercent } from "../../lib/money";
import type { PlanLine } from "../provider";

/** One row as our reference keeps it: article, order line (goods), quantity, unit price in minor units, VAT %. */
export type RefRow = { a: string; l: string | null; q: number; p: string; v: string };

/** The Collector invoice behind a document, as our providerRef keeps it (JSON). */
export type CollectorInvoiceRef = {
  v: 1;
  store: number;
  country: string;
  currency: string;
  /** The preliminary invoice: at first the whole order; after part-activations, what is left. */
  open: { no: string; rows: RefRow[] } | null;
  /** The activated invoices: the first part keeps the invoice's number, later parts got new numbers. */
  parts: Array<{ no: string; url: string; due: string | null; rows: RefRow[] }>;
};

/** A credit note: what was credited on which activated invoice, each with its credit note's PDF. */
export type CollectorCreditRef = {
  v: 1;
  store: number;
  country: string;
  currency: string;
  credited: Array<{ of: string; url: string; rows: Array<{ a: string; q: number; p: string }> }>;
};

const MAX = 50;

/** At most `max` characters (code points, so that no emoji is cut in half), with an ellipsis when cut. */
export function clip(text: string, max = MAX): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

export function rowsFromPlan(lines: PlanLine[]): RefRow[] {
  const used = new Map<string, number>();
  return lines.map((line) => {
    const article = clip(line.productNumber ?? line.sku ?? (line.lineId ? `LINE-${line.lineId}` : line.kind.toUpperCase()), 46);
    const n = (used.get(article) ?? 0) + 1;
    used.set(article, n);
    return {
      a: n === 1 ? article : `${article}#${n}`,
      l: line.kind === "product" ? line.lineId : null,
      q: line.quantity,
      p: line.unitPrice.toString(),
      v: ratePercent(ratioToString(line.vatRate)),
    };
  });
}

/** The rows as the WSDL's InvoiceRows, with the descriptions of the plan's lines. */
export function invoiceRows(rows: RefRow[], lines: PlanLine[], currency: string) {
  return {
    InvoiceRow: rows.map((row, i) => ({
      ArticleId: row.a,
      Description: clip(lines[i]?.description ?? row.a),
      Quantity: row.q,
      UnitPrice: formatMinor(BigInt(row.p), currency),
      VAT: row.v,
    })),
  };
}

export const rowsTotal = (rows: Array<{ q: number; p: string }>) => rows.reduce((sum, r) => sum + BigInt(r.p) * BigInt(r.q), 0n);

export const articleList = (rows: Array<{ a: string; q: number }>) => ({ ArticleListItem: rows.map((r) => ({ ArticleId: r.a, Quantity: r.q })) });

/**
 * Splits `rows` into what is taken and what is left: `units` per order line (goods), taken from that line's
 * rows in order, and, when `services` is true, every row that is not goods (shipping, tips, duties).
 */
export function takeRows(rows: RefRow[], units: Map<string, number>, services: boolean): { taken: RefRow[]; left: RefRow[] } {
  const want = new Map(units);
  const taken: RefRow[] = [];
  const left: RefRow[] = [];
  for (const row of rows) {
    if (row.l === null) {
      (services ? taken : left).push(row);
      continue;
    }
    const q = Math.min(row.q, want.get(row.l) ?? 0);
    want.set(row.l, (want.get(row.l) ?? 0) - q);
    if (q > 0) taken.push({ ...row, q });
    if (row.q - q > 0) left.push({ ...row, q: row.q - q });
  }
  return { taken, left };
}

/** Units per order line in `rows`. */
export function unitsByLine(rows: RefRow[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const row of rows) if (row.l !== null) units.set(row.l, (units.get(row.l) ?? 0) + row.q);
  return units;
}
