// What a historical import covers: a range of days and the merchant's criteria, checked here and turned
// into Shopify's search syntax for the `orders` and `ordersCount` queries. Pure: no database, no HTTP.
//
// Search syntax (https://shopify.dev/docs/api/usage/search-syntax): a date value must be a quoted string;
// a quoted value escapes its quote and backslash with a backslash; "-" before a term negates it. The
// order fields used (created_at, financial_status, fulfillment_status, tag) are those of the `orders`
// query (https://shopify.dev/docs/api/admin-graphql/latest/queries/orders#arguments-query).
import { z } from "zod";
import { PermanentError } from "../lib/errors";

/** An empty field of the form means "no tag". */
const optionalTag = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? undefined : typeof value === "string" ? value.trim() : value),
  z.string().max(255).optional(),
);

export const importCriteriaSchema = z.object({
  /** "paid": orders that were paid, including those refunded since (not pending, authorized, partially paid, voided or expired). */
  financialStatus: z.enum(["any", "paid"]).default("paid"),
  /** "shipped": only orders fulfilled in full (fulfillment_status:shipped). */
  fulfillmentStatus: z.enum(["any", "shipped"]).default("any"),
  includeTag: optionalTag,
  excludeTag: optionalTag,
});

export type ImportCriteria = z.infer<typeof importCriteriaSchema>;

const CRITERIA_MESSAGES: Record<string, string> = {
  financialStatus: "Choose which orders to import by payment: any order, or paid orders only.",
  fulfillmentStatus: "Choose which orders to import by fulfilment: any order, or shipped orders only.",
  includeTag: "The tag to include can be at most 255 characters long.",
  excludeTag: "The tag to leave out can be at most 255 characters long.",
};

export function readImportCriteria(input: unknown): ImportCriteria {
  const parsed = importCriteriaSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const field = String(parsed.error.issues[0]?.path[0] ?? "");
  throw new PermanentError("import_criteria", CRITERIA_MESSAGES[field] ?? "The import's criteria could not be read; choose them again.", {
    detail: parsed.error.message,
  });
}

/** At most about three years in one run: 3 × 365 days and a leap day. */
export const MAX_IMPORT_DAYS = 1096;

export type ImportRange = {
  /** The merchant's days, as given (YYYY-MM-DD). */
  from: string;
  to: string;
  /** The first millisecond of `from` and the last of `to` (UTC). */
  createdFrom: Date;
  createdTo: Date;
};

const DAY_MS = 86_400_000;

function readDay(value: unknown, which: "start" | "end"): Date {
  const text = typeof value === "string" ? value.trim() : "";
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  // Date.UTC rolls 2026-02-30 over to March; a real day reads back as written.
  if (!day || day.toISOString().slice(0, 10) !== text) {
    throw new PermanentError("import_date", `Choose the ${which} date of the import as a day (YYYY-MM-DD)${text ? `; '${text}' is not one` : ""}.`);
  }
  return day;
}

/**
 * The days of an import. Both ends count: `to` reaches its last millisecond. Days are read as UTC days,
 * as the dates Shopify's search compares.
 */
export function readImportRange(input: { from: unknown; to: unknown }, now: Date = new Date()): ImportRange {
  const from = readDay(input.from, "start");
  const to = readDay(input.to, "end");
  const day = (date: Date) => date.toISOString().slice(0, 10);
  const today = day(now);
  if (from > to) {
    throw new PermanentError("import_range_order", `The start date (${day(from)}) is after the end date (${day(to)}). Choose a start date on or before the end date.`);
  }
  if (day(to) > today) {
    throw new PermanentError("import_range_future", `The end date (${day(to)}) is in the future. Choose today (${today}) or an earlier day.`);
  }
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
  if (days > MAX_IMPORT_DAYS) {
    throw new PermanentError(
      "import_range_too_long",
      `One import covers at most 3 years, and ${day(from)} to ${day(to)} is ${days} days. Choose a shorter range, and import the rest in a second run.`,
    );
  }
  return { from: day(from), to: day(to), createdFrom: from, createdTo: new Date(to.getTime() + DAY_MS - 1) };
}

/** A value as Shopify's search reads it: quoted, its quote and backslashes escaped. */
export function searchValue(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Shopify's payment statuses of orders not (or not yet) paid. */
const UNPAID_STATUSES = ["pending", "authorized", "partially_paid", "voided", "expired"] as const;

/** The `query` argument of `orders` and `ordersCount` for an import. */
export function importSearchQuery(range: Pick<ImportRange, "createdFrom" | "createdTo">, criteria: ImportCriteria): string {
  // The end as "before the next day's first second": Shopify's timestamps have whole seconds.
  const end = new Date(range.createdTo.getTime() + 1);
  const terms = [`created_at:>=${searchValue(range.createdFrom.toISOString().replace(".000Z", "Z"))}`, `created_at:<${searchValue(end.toISOString().replace(".000Z", "Z"))}`];
  // "Paid" as the rules read it: paid, and paid then refunded in part or in full (those get their credit
  // notes too), written as the statuses it excludes, since Shopify's financial_status takes one value a term.
  if (criteria.financialStatus === "paid") terms.push(...UNPAID_STATUSES.map((status) => `-financial_status:${status}`));
  if (criteria.fulfillmentStatus === "shipped") terms.push("fulfillment_status:shipped");
  if (criteria.includeTag) terms.push(`tag:${searchValue(criteria.includeTag)}`);
  if (criteria.excludeTag) terms.push(`-tag:${searchValue(criteria.excludeTag)}`);
  return terms.join(" ");
}

/** The criteria in words, for the sync log: "paid orders, shipped, tagged 'B2B', not tagged 'test'". */
export function describeCriteria(criteria: ImportCriteria): string {
  const parts = [criteria.financialStatus === "paid" ? "paid orders, also those refunded since" : "orders of any payment status"];
  if (criteria.fulfillmentStatus === "shipped") parts.push("shipped");
  if (criteria.includeTag) parts.push(`tagged '${criteria.includeTag}'`);
  if (criteria.excludeTag) parts.push(`not tagged '${criteria.excludeTag}'`);
  return parts.join(", ");
}
