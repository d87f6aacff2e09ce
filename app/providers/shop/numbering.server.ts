// Gap-free, sequential numbers for the shop's own documents: one series per shop and kind ("invoice",
// "credit-note"), each with its own counter (DocumentSequence).
//
// A number is taken inside the caller's transaction, together with the write that uses it: when that
// transaction rolls back, so does the counter, so a failed finalization leaves no gap. Taking is one
// statement, Prisma's native upsert (INSERT … ON CONFLICT (shopDomain, series) DO UPDATE SET next =
// next + 1 … RETURNING, as Prisma 6.19 sends it on both databases):
// - PostgreSQL: the conflicting row is locked by the update until the transaction ends, so a concurrent
//   transaction waits and then increments the committed value; two can never read the same number, and
//   the very first number of a series needs no separate create that could race.
// - SQLite: write transactions run one at a time, so the same statement is trivially atomic.
import type { Prisma } from "../../db.server";

export type Series = "invoice" | "credit-note";

export type TakeNumberInput = { shopDomain: string; series: Series; prefix: string };

/** The series' next number, "INV-2026-" + 7 → "INV-2026-7". Call it inside the transaction that stores it. */
export async function takeNumber(tx: Prisma.TransactionClient, input: TakeNumberInput): Promise<string> {
  const row = await tx.documentSequence.upsert({
    where: { shopDomain_series: { shopDomain: input.shopDomain, series: input.series } },
    create: { shopDomain: input.shopDomain, series: input.series, prefix: input.prefix, next: 2 },
    // The counter runs on when the merchant changes the prefix: numbers stay unique within the series.
    update: { next: { increment: 1 }, prefix: input.prefix },
  });
  return `${input.prefix}${row.next - 1}`;
}

/** The number the series will give next, without taking it (for the settings page and tests). */
export async function peekNumber(db: Pick<Prisma.TransactionClient, "documentSequence">, input: TakeNumberInput): Promise<string> {
  const row = await db.documentSequence.findUnique({ where: { shopDomain_series: { shopDomain: input.shopDomain, series: input.series } } });
  return `${input.prefix}${row?.next ?? 1}`;
}
