// Which articles a credit note credits, on which activated Collector invoice. Collector credits articles at
// the prices it invoiced them (PartCreditInvoice names articles and quantities, no amounts), so a refund is
// credited only when some choice of invoiced units adds up to exactly what Shopify refunded, line by line;
// otherwise nothing is credited and the merchant is told why.
import { PermanentError } from "../../lib/errors";
import { formatMinor } from "../../lib/money";
import type { PlanLine } from "../provider";
import type { CollectorCreditRef, CollectorInvoiceRef, RefRow } from "./collector-rows";

type Credit = CollectorCreditRef["credited"][number]["rows"];
export type CreditPlan = Array<{ of: string; whole: boolean; rows: Credit }>;

const articleOf = (a: string) => a.replace(/#\d+$/, "");

/**
 * The units to credit per activated invoice. `earlier` are the credit notes already made for this invoice;
 * what they credited is no longer there to credit. `whole` marks an invoice credited in full at once.
 */
export function planCredit(invoice: CollectorInvoiceRef, lines: PlanLine[], earlier: CollectorCreditRef[], words: { what: string; currency: string }): CreditPlan {
  const money = (minor: bigint) => `${formatMinor(minor, words.currency)} ${words.currency}`;
  const refuse = (why: string) =>
    new PermanentError("collector_credit_inexact", `Walley cannot credit ${words.what} exactly: ${why} Credit it in Walley's Partner Portal instead; nothing was credited.`);
  if (invoice.parts.length === 0) throw refuse("the invoice is not activated yet, so there is nothing to credit (cancel or replace it instead).");

  // What each activated invoice still holds, row by row.
  const open = invoice.parts.map((part) => ({
    no: part.no,
    rows: part.rows.map((row) => ({ ...row, q: row.q - creditedUnits(earlier, part.no, row.a) })),
    untouched: !earlier.some((c) => c.credited.some((x) => x.of === part.no)),
  }));
  const take = new Map<string, Map<string, number>>(open.map((p) => [p.no, new Map()]));
  const takeUnits = (match: (row: RefRow) => boolean, units: number, gross: bigint, label: string) => {
    // Units of this line at each price, across the invoices; take the dearer units first where needed.
    const candidates = open.flatMap((p) => p.rows.filter((r) => r.q - (take.get(p.no)!.get(r.a) ?? 0) > 0 && match(r)).map((r) => ({ part: p.no, row: r })));
    const prices = [...new Set(candidates.map((c) => BigInt(c.row.p)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const available = (price: bigint) => candidates.filter((c) => BigInt(c.row.p) === price).reduce((n, c) => n + c.row.q - (take.get(c.part)!.get(c.row.a) ?? 0), 0);
    const low = prices[0];
    if (low === undefined) throw refuse(`${label} is not on the activated invoice any more (already credited, or not yet activated).`);
    const high = prices[1];
    // k units at `low`, or j of them at `high` = low + 1 minor unit (how the plan splits a line).
    const extra = gross - BigInt(units) * low;
    const stepUp = high !== undefined && high === low + 1n;
    const dearer = stepUp ? Number(extra) : 0;
    const exact = prices.length <= 2 && extra >= 0n && (stepUp || extra === 0n) && dearer <= (stepUp ? available(high) : 0) && units - dearer <= available(low);
    if (!exact) throw refuse(`${label} was refunded for ${money(gross)}, which is not what ${units} invoiced unit(s) cost.`);
    const pick = (price: bigint, count: number) => {
      for (const c of candidates.filter((x) => BigInt(x.row.p) === price)) {
        if (count === 0) return;
        const taken = take.get(c.part)!;
        const q = Math.min(count, c.row.q - (taken.get(c.row.a) ?? 0));
        taken.set(c.row.a, (taken.get(c.row.a) ?? 0) + q);
        count -= q;
      }
    };
    pick(low, units - dearer);
    if (high !== undefined) pick(high, dearer);
  };

  // The refund's lines, as the plan made them (a split line is two lines of the same order line).
  const byLine = new Map<string, { units: number; gross: bigint; label: string }>();
  for (const line of lines) {
    if (line.kind === "product" && line.lineId) {
      const entry = byLine.get(line.lineId) ?? { units: 0, gross: 0n, label: `"${line.description}"` };
      entry.units += line.quantity;
      entry.gross += line.gross;
      byLine.set(line.lineId, entry);
    } else if (line.kind === "shipping" && line.productNumber) {
      takeUnits((r) => r.l === null && articleOf(r.a) === line.productNumber, line.quantity, line.gross, `the shipping "${line.description}"`);
    } else if (line.gross !== 0n) {
      throw refuse(`the refund includes ${money(line.gross)} that is not an invoiced article ("${line.description}"), and Walley credits articles only.`);
    }
  }
  for (const [lineId, entry] of byLine) takeUnits((r) => r.l === lineId, entry.units, entry.gross, entry.label);

  return open
    .map((p) => {
      const rows = p.rows.flatMap((r) => {
        const q = take.get(p.no)!.get(r.a) ?? 0;
        return q > 0 ? [{ a: r.a, q, p: r.p }] : [];
      });
      const whole = p.untouched && rows.length > 0 && p.rows.every((r) => r.q === 0 || rows.some((x) => x.a === r.a && x.q === r.q));
      return { of: p.no, whole, rows };
    })
    .filter((p) => p.rows.length > 0);
}

function creditedUnits(earlier: CollectorCreditRef[], invoiceNo: string, article: string): number {
  return earlier.flatMap((c) => c.credited.filter((x) => x.of === invoiceNo).flatMap((x) => x.rows)).filter((r) => r.a === article).reduce((n, r) => n + r.q, 0);
}
