// e-conomic's filter syntax, as documented (REST docs, "Filtering"): `field$op:value`, conditions joined by
// `$and:` or `$or:`. Operators: $eq $ne $gt $gte $lt $lte $like (with * as wildcard) $in $nin $null.
// Special characters in a value are escaped with `$`: `$$ $( $) $* $, $[ $]`. Filtering on a field that
// cannot be filtered answers 400, as the real API does.

export class FilterError extends Error {}

type Condition = { field: string; op: string; value: string };
type Clause = { join: "and" | "or"; condition: Condition };

const OPERATORS = ["$eq", "$ne", "$gte", "$gt", "$lte", "$lt", "$like", "$in", "$nin", "$null"];

/** Splits on `$and:` / `$or:` that are not escaped (`$$and:` is a literal "$and:"). */
function splitClauses(filter: string): Clause[] {
  const clauses: Clause[] = [];
  let join: "and" | "or" = "and";
  let current = "";
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] === "$" && i + 1 < filter.length && "$()*,[]".includes(filter[i + 1])) {
      current += filter[i] + filter[i + 1];
      i++;
      continue;
    }
    const rest = filter.slice(i);
    const connector = rest.startsWith("$and:") ? "and" : rest.startsWith("$or:") ? "or" : undefined;
    if (connector) {
      clauses.push({ join, condition: parseCondition(current) });
      join = connector;
      current = "";
      i += connector === "and" ? 4 : 3;
      continue;
    }
    current += filter[i];
  }
  clauses.push({ join, condition: parseCondition(current) });
  return clauses;
}

function parseCondition(text: string): Condition {
  for (const op of OPERATORS) {
    const at = text.indexOf(`${op}:`);
    if (at > 0) return { field: text.slice(0, at), op, value: text.slice(at + op.length + 1) };
  }
  throw new FilterError(`could not read the filter condition "${text}"`);
}

function unescape(value: string): string {
  return value.replace(/\$([$()*,[\]])/g, "$1");
}

/** A `$like` pattern: unescaped * is a wildcard; escaped characters are literal. */
function likeToRegExp(value: string): RegExp {
  let pattern = "";
  for (let i = 0; i < value.length; i++) {
    if (value[i] === "$" && i + 1 < value.length) {
      pattern += value[i + 1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      i++;
    } else if (value[i] === "*") {
      pattern += ".*";
    } else {
      pattern += value[i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${pattern}$`, "i");
}

function listValues(value: string): string[] {
  if (!value.startsWith("[") || !value.endsWith("]")) throw new FilterError(`expected a list in brackets, got "${value}"`);
  const items: string[] = [];
  let current = "";
  const body = value.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "$" && i + 1 < body.length) {
      current += body[i + 1];
      i++;
    } else if (body[i] === ",") {
      items.push(current);
      current = "";
    } else current += body[i];
  }
  items.push(current);
  return items;
}

function get(record: Record<string, unknown>, field: string): unknown {
  return field.split(".").reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), record);
}

function compare(actual: unknown, op: string, raw: string): boolean {
  if (op === "$null") return actual === undefined || actual === null;
  if (op === "$like") return typeof actual === "string" && likeToRegExp(raw).test(actual);
  if (op === "$in" || op === "$nin") {
    const found = listValues(raw).some((v) => String(actual) === v);
    return op === "$in" ? found : !found;
  }
  const value = unescape(raw);
  const a = typeof actual === "number" ? actual : String(actual ?? "");
  const b = typeof actual === "number" ? Number(value) : value;
  switch (op) {
    case "$eq":
      return typeof a === "string" ? a.toLowerCase() === String(b).toLowerCase() : a === b;
    case "$ne":
      return typeof a === "string" ? a.toLowerCase() !== String(b).toLowerCase() : a !== b;
    case "$gt":
      return a > b;
    case "$gte":
      return a >= b;
    case "$lt":
      return a < b;
    case "$lte":
      return a <= b;
    default:
      throw new FilterError(`unknown operator ${op}`);
  }
}

/** A predicate for the filter, after checking that every field may be filtered on. */
export function compileFilter(filter: string | null, filterable: readonly string[]): (record: Record<string, unknown>) => boolean {
  if (!filter) return () => true;
  const clauses = splitClauses(filter);
  for (const { condition } of clauses) {
    if (!filterable.includes(condition.field)) throw new FilterError(`The property '${condition.field}' cannot be filtered on.`);
  }
  return (record) =>
    clauses.reduce<boolean>((result, { join, condition }, i) => {
      const match = compare(get(record, condition.field), condition.op, condition.value);
      if (i === 0) return match;
      return join === "and" ? result && match : result || match;
    }, true);
}
