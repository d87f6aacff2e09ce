// Shopify's search syntax for the `orders` and `ordersCount` queries, as far as the app uses it, and
// Shopify's keyset pages over the sorted result.
//
// Grammar (https://shopify.dev/docs/api/usage/search-syntax): terms separated by whitespace (AND implied,
// or an explicit AND); a term is an optional modifier ("-" or "NOT "), then an optional field name and
// comparator (":", ":<", ":>", ":<=", ":>="), then a value: a bare name (":", "\", "(", ")" escaped with a
// backslash) or a quoted string (single or double quotes; backslash escapes inside). Date values are
// quoted strings.
//
// Fields (https://shopify.dev/docs/api/admin-graphql/latest/queries/orders#arguments-query): created_at
// and updated_at (dates, every comparator), financial_status, fulfillment_status (the legacy names the
// search still takes: shipped = fulfilled, partial, unshipped = nothing fulfilled, unfulfilled = unshipped
// or partial, any), tag (case-insensitive, as Shopify's tags are).
//
// What the simulator does not implement (OR, parentheses, free text, other fields or values) is refused
// with a GraphQL error naming it, so that no test passes here on a filter that was silently ignored.
import type { StoredOrder } from "./orders";

type Comparator = ":" | ":<" | ":>" | ":<=" | ":>=";
export type SearchTerm = { negated: boolean; field: string | null; comparator: Comparator | null; value: string };

export class UnsupportedSearch extends Error {}

export function parseSearch(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < query.length && /\s/.test(query[i])) i++;
  };
  const readValue = (): string => {
    const quote = query[i];
    if (quote === "'" || quote === '"') {
      let value = "";
      for (i++; i < query.length && query[i] !== quote; i++) value += query[i] === "\\" ? query[++i] ?? "" : query[i];
      if (i >= query.length) throw new UnsupportedSearch(`unterminated quoted value in search query: ${query}`);
      i++;
      return value;
    }
    let value = "";
    for (; i < query.length && !/\s/.test(query[i]); i++) {
      if (query[i] === "\\") value += query[++i] ?? "";
      else if (query[i] === "(" || query[i] === ")") throw new UnsupportedSearch(`the simulator does not support parentheses in search queries: ${query}`);
      else value += query[i];
    }
    return value;
  };
  for (skipSpace(); i < query.length; skipSpace()) {
    if (/^AND\s/.test(query.slice(i))) {
      i += 3;
      continue;
    }
    if (/^OR\s/.test(query.slice(i))) throw new UnsupportedSearch(`the simulator does not support OR in search queries: ${query}`);
    let negated = false;
    if (query[i] === "-") {
      negated = true;
      i++;
    } else if (/^NOT\s/.test(query.slice(i))) {
      negated = true;
      i += 3;
      skipSpace();
    }
    const named = /^([a-z_][a-z0-9_.]*)(:<=|:>=|:<|:>|:)/.exec(query.slice(i));
    if (named) i += named[0].length;
    terms.push({ negated, field: named?.[1] ?? null, comparator: (named?.[2] as Comparator | undefined) ?? null, value: readValue() });
  }
  return terms;
}

const FULFILLMENT: Record<string, (status: StoredOrder["fulfillmentStatus"]) => boolean> = {
  any: () => true,
  shipped: (s) => s === "fulfilled",
  partial: (s) => s === "partial",
  unshipped: (s) => s === null,
  unfulfilled: (s) => s === null || s === "partial",
};

const FINANCIAL = new Set(["any", "authorized", "expired", "paid", "partially_paid", "partially_refunded", "pending", "refunded", "voided"]);

function compareDate(actual: string, comparator: Comparator, value: string): boolean {
  const at = Date.parse(actual);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const bound = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(bound)) throw new UnsupportedSearch(`'${value}' is not a date the simulator can read`);
  switch (comparator) {
    case ":<":
      return at < bound;
    case ":<=":
      return dateOnly ? at < bound + 86_400_000 : at <= bound;
    case ":>":
      return dateOnly ? at >= bound + 86_400_000 : at > bound;
    case ":>=":
      return at >= bound;
    case ":":
      return dateOnly ? at >= bound && at < bound + 86_400_000 : at === bound;
  }
}

/** A predicate over the simulator's orders for a search query (every term must hold). */
export function orderMatcher(query: string | null | undefined): (order: StoredOrder) => boolean {
  const checks = parseSearch(query ?? "").map((term) => {
    const check = termCheck(term);
    return (order: StoredOrder) => check(order) !== term.negated;
  });
  return (order) => checks.every((check) => check(order));
}

function termCheck(term: SearchTerm): (order: StoredOrder) => boolean {
  const { field, comparator, value } = term;
  if (field === "created_at" || field === "updated_at") {
    const key = field === "created_at" ? "createdAt" : "updatedAt";
    return (order) => compareDate(order[key], comparator!, value);
  }
  if (comparator !== ":") throw new UnsupportedSearch(`the simulator does not support the search term '${field ?? ""}${comparator ?? ""}${value}'`);
  if (field === "financial_status") {
    if (!FINANCIAL.has(value)) throw new UnsupportedSearch(`the simulator does not know financial_status '${value}'`);
    return (order) => value === "any" || order.financialStatus === value;
  }
  if (field === "fulfillment_status") {
    const check = FULFILLMENT[value];
    if (!check) throw new UnsupportedSearch(`the simulator does not know fulfillment_status '${value}'`);
    return (order) => check(order.fulfillmentStatus);
  }
  if (field === "tag") {
    return (order) => (order.seed.tags ?? []).some((tag) => tag.toLowerCase() === value.toLowerCase());
  }
  throw new UnsupportedSearch(`the simulator does not support the search field '${field}'`);
}

const SORT_KEYS: Record<string, (order: StoredOrder) => string | number> = {
  CREATED_AT: (o) => o.createdAt,
  // The simulator's orders are processed when they are created.
  PROCESSED_AT: (o) => o.createdAt,
  UPDATED_AT: (o) => o.updatedAt,
  ID: (o) => o.id,
};

/**
 * Orders sorted by a key, paged as Shopify pages them: a cursor names the last order of a page by its sort
 * value and id, so that a page asked for later starts after that order even when orders were added or
 * changed in between (an index would shift).
 */
export function sortedOrderPage<T>(
  orders: StoredOrder[],
  args: { first?: number | null; after?: string | null; sortKey?: string | null; reverse?: boolean | null },
  toNode: (order: StoredOrder) => T,
) {
  const keyOf = SORT_KEYS[args.sortKey ?? "PROCESSED_AT"];
  if (!keyOf) throw new UnsupportedSearch(`the simulator does not support sortKey ${args.sortKey}`);
  const direction = args.reverse ? -1 : 1;
  const compare = (a: { key: string | number; id: number }, b: { key: string | number; id: number }) =>
    direction * (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id);
  const sorted = orders.map((order) => ({ order, key: keyOf(order), id: order.id })).sort(compare);
  const after = args.after ? (JSON.parse(Buffer.from(args.after, "base64").toString()) as { key: string | number; id: number }) : null;
  const rest = after ? sorted.filter((entry) => compare(entry, after) > 0) : sorted;
  const slice = rest.slice(0, args.first ?? rest.length);
  const cursor = (entry: { key: string | number; id: number }) => Buffer.from(JSON.stringify({ key: entry.key, id: entry.id })).toString("base64");
  return {
    nodes: slice.map((entry) => toNode(entry.order)),
    edges: slice.map((entry) => ({ node: toNode(entry.order), cursor: cursor(entry) })),
    pageInfo: {
      hasNextPage: rest.length > slice.length,
      hasPreviousPage: rest.length < sorted.length,
      startCursor: slice.length ? cursor(slice[0]) : null,
      endCursor: slice.length ? cursor(slice[slice.length - 1]) : null,
    },
  };
}
