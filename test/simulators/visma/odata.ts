// The part of OData's `$filter` that Visma eAccounting lists answer (ASP.NET Web API OData behind the API; the
// swagger's `ODataQueryOptions[X]` definitions show it): comparisons `eq ne gt ge lt le`, `and or not`,
// parentheses, `contains(P,'x')`, `startswith(P,'x')`, `endswith(P,'x')`, `tolower(P)`, `toupper(P)`.
// Literals: 'text' (a quote inside is written twice: 'O''Brien'), numbers, true/false, null, guids plain
// (8f9a…), quoted or as guid'…', and ISO dates plain (2024-05-01, 2024-05-01T10:00:00Z) or as datetime'…'.
//
// Strictness, as OData itself answers: a property the resource does not have, a syntax error, or operands of
// incompatible types (a text property against a number) are errors, which the API answers with 400.
// Property names are case-sensitive (OData's default); text comparisons are not, because eAccounting's data sits
// in SQL Server with its default case-insensitive collation, where the filter is evaluated.

export class ODataError extends Error {}

export type PropertyTypes = Record<string, { type?: string; format?: string }>;
type Row = Record<string, unknown>;

type Kind = "string" | "number" | "boolean" | "guid" | "datetime" | "null" | "complex";
type Node =
  | { k: "or" | "and"; l: Node; r: Node }
  | { k: "not"; e: Node }
  | { k: "cmp"; op: string; l: Node; r: Node; as: Kind }
  | { k: "prop"; name: string; kind: Kind }
  | { k: "lit"; kind: Kind; value: unknown }
  | { k: "call"; name: string; args: Node[]; kind: Kind };

type Token = { t: "(" | ")" | "," | "string" | "number" | "guid" | "datetime" | "word" | "end"; v: string; at: number };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?(?![\w:.-])/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?(?![\w.])/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*/;
const COMPARISONS = ["eq", "ne", "gt", "ge", "lt", "le"];
const OPERATOR_NAMES: Record<string, string> = { eq: "Equal", ne: "NotEqual", gt: "GreaterThan", ge: "GreaterThanOrEqual", lt: "LessThan", le: "LessThanOrEqual" };
const EDM: Record<Kind, string> = {
  string: "Edm.String",
  number: "Edm.Decimal",
  boolean: "Edm.Boolean",
  guid: "Edm.Guid",
  datetime: "Edm.DateTimeOffset",
  null: "null",
  complex: "complex",
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ t: c, v: c, at: i });
      i++;
      continue;
    }
    if (c === "'") {
      const [value, end] = quoted(text, i);
      tokens.push({ t: "string", v: value, at: i });
      i = end;
      continue;
    }
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if ((m = GUID.exec(rest))) tokens.push({ t: "guid", v: m[0], at: i });
    else if ((m = DATE.exec(rest))) tokens.push({ t: "datetime", v: m[0], at: i });
    else if ((m = NUMBER.exec(rest))) tokens.push({ t: "number", v: m[0].replace(/[mMdDfFlL]$/, ""), at: i });
    else if ((m = WORD.exec(rest))) {
      const word = m[0];
      const prefix = word.toLowerCase();
      if (text[i + word.length] === "'" && ["guid", "datetime", "datetimeoffset"].includes(prefix)) {
        const [value, end] = quoted(text, i + word.length);
        const typed = prefix === "guid" ? GUID.test(value) : DATE.test(value);
        if (!typed) throw new ODataError(`Unrecognized '${prefix}' literal '${value}' at ${i} in '${text}'.`);
        tokens.push({ t: prefix === "guid" ? "guid" : "datetime", v: value, at: i });
        i = end;
        continue;
      }
      tokens.push({ t: "word", v: word, at: i });
    } else throw new ODataError(`Syntax error at position ${i} in '${text}'.`);
    i += m[0].length;
  }
  tokens.push({ t: "end", v: "", at: text.length });
  return tokens;
}

/** A single-quoted literal from `start` (the opening quote): its value and the index after the closing quote. */
function quoted(text: string, start: number): [string, number] {
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i++;
        continue;
      }
      return [value, i + 1];
    }
    value += text[i];
  }
  throw new ODataError(`There is an unterminated string literal at position ${start} in '${text}'.`);
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    private readonly properties: PropertyTypes,
    private readonly typeName: string,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.peek().t !== "end") this.fail(`Syntax error: unexpected '${this.peek().v}'`);
    if (kindOf(node) !== "boolean") this.fail("The $filter expression must evaluate to a single boolean value");
    return node;
  }

  private peek() {
    return this.tokens[this.i];
  }
  private next() {
    return this.tokens[this.i++];
  }
  private isWord(word: string) {
    const t = this.peek();
    return t.t === "word" && t.v === word;
  }
  private fail(message: string): never {
    throw new ODataError(`${message} at position ${this.peek().at} in '${this.text}'.`);
  }
  private expect(t: Token["t"]) {
    if (this.peek().t !== t) this.fail(`Syntax error: expected '${t}'`);
    return this.next();
  }

  private or(): Node {
    let l = this.and();
    while (this.isWord("or")) {
      this.next();
      l = { k: "or", l: this.boolean(l), r: this.boolean(this.and()) };
    }
    return l;
  }
  private and(): Node {
    let l = this.not();
    while (this.isWord("and")) {
      this.next();
      l = { k: "and", l: this.boolean(l), r: this.boolean(this.not()) };
    }
    return l;
  }
  private not(): Node {
    if (this.isWord("not")) {
      this.next();
      return { k: "not", e: this.boolean(this.not()) };
    }
    return this.comparison();
  }
  private boolean(node: Node): Node {
    if (kindOf(node) !== "boolean") this.fail("A boolean expression is required here");
    return node;
  }

  private comparison(): Node {
    const l = this.operand();
    const t = this.peek();
    if (t.t === "word" && COMPARISONS.includes(t.v)) {
      this.next();
      const r = this.operand();
      return { k: "cmp", op: t.v, l, r, as: this.compatible(t.v, l, r) };
    }
    return l;
  }

  private compatible(op: string, l: Node, r: Node): Kind {
    const a = kindOf(l);
    const b = kindOf(r);
    const incompatible = () =>
      this.fail(`A binary operator with incompatible types was detected. Found operand types '${EDM[a]}' and '${EDM[b]}' for operator kind '${OPERATOR_NAMES[op]}'`);
    if (a === "complex" || b === "complex") incompatible();
    if (a === "null" || b === "null") return a === "null" ? b : a;
    if (a === b) {
      if (a === "boolean" && !["eq", "ne"].includes(op)) incompatible();
      return a;
    }
    // A guid or a date may be given as quoted text; the text must then read as one.
    for (const [typed, other, node] of [
      [a, b, r],
      [b, a, l],
    ] as const) {
      if ((typed === "guid" || typed === "datetime") && other === "string" && node.k === "lit") {
        const text = String(node.value);
        if (typed === "guid" ? GUID.test(text) : DATE.test(text)) return typed;
        this.fail(`'${text}' is not a valid ${typed === "guid" ? "Guid" : "date"}`);
      }
    }
    return incompatible();
  }

  private operand(): Node {
    const t = this.next();
    switch (t.t) {
      case "(": {
        const inner = this.or();
        this.expect(")");
        return inner;
      }
      case "string":
        return { k: "lit", kind: "string", value: t.v };
      case "number":
        return { k: "lit", kind: "number", value: Number(t.v) };
      case "guid":
        return { k: "lit", kind: "guid", value: t.v };
      case "datetime":
        return { k: "lit", kind: "datetime", value: t.v };
      case "word":
        break;
      default:
        this.i--;
        this.fail(`Syntax error: unexpected '${t.v || "end of filter"}'`);
    }
    if (t.v === "true" || t.v === "false") return { k: "lit", kind: "boolean", value: t.v === "true" };
    if (t.v === "null") return { k: "lit", kind: "null", value: null };
    if (this.peek().t === "(") return this.call(t.v);
    if (["and", "or", "not", ...COMPARISONS].includes(t.v)) {
      this.i--;
      this.fail(`Syntax error: unexpected '${t.v}'`);
    }
    const property = this.properties[t.v];
    if (!property) {
      this.i--;
      this.fail(`Could not find a property named '${t.v}' on type '${this.typeName}'`);
    }
    return { k: "prop", name: t.v, kind: propertyKind(property) };
  }

  private call(name: string): Node {
    this.expect("(");
    const args: Node[] = [];
    if (this.peek().t !== ")") {
      args.push(this.or());
      while (this.peek().t === ",") {
        this.next();
        args.push(this.or());
      }
    }
    this.expect(")");
    const signature: Record<string, [number, Kind]> = {
      contains: [2, "boolean"],
      startswith: [2, "boolean"],
      endswith: [2, "boolean"],
      tolower: [1, "string"],
      toupper: [1, "string"],
    };
    const known = signature[name];
    if (!known) this.fail(`An unknown function with name '${name}' was found`);
    if (args.length !== known[0] || args.some((a) => kindOf(a) !== "string" && kindOf(a) !== "null")) {
      this.fail(`No function signature for the function with name '${name}' matches the specified arguments`);
    }
    return { k: "call", name, args, kind: known[1] };
  }
}

function propertyKind(p: { type?: string; format?: string }): Kind {
  if (p.type === "string") return p.format === "uuid" ? "guid" : p.format === "date-time" ? "datetime" : "string";
  if (p.type === "integer" || p.type === "number") return "number";
  if (p.type === "boolean") return "boolean";
  return "complex";
}

function kindOf(node: Node): Kind {
  switch (node.k) {
    case "or":
    case "and":
    case "not":
    case "cmp":
      return "boolean";
    case "prop":
    case "lit":
    case "call":
      return node.kind;
  }
}

/** Milliseconds of an ISO date or date-time; one without an offset is read as UTC, as the API stores them. */
function epoch(value: unknown): number {
  const text = String(value);
  const zoned = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(text) || !text.includes("T") ? text : `${text}Z`;
  return Date.parse(zoned);
}

function evaluate(node: Node, row: Row): unknown {
  switch (node.k) {
    case "or":
      return evaluate(node.l, row) === true || evaluate(node.r, row) === true;
    case "and":
      return evaluate(node.l, row) === true && evaluate(node.r, row) === true;
    case "not":
      return evaluate(node.e, row) !== true;
    case "lit":
      return node.value;
    case "prop":
      return row[node.name] ?? null;
    case "call": {
      const args = node.args.map((a) => evaluate(a, row));
      if (args.some((a) => a === null)) return node.kind === "boolean" ? false : null;
      const [a, b] = args.map((v) => String(v).toLowerCase());
      if (node.name === "contains") return a.includes(b);
      if (node.name === "startswith") return a.startsWith(b);
      if (node.name === "endswith") return a.endsWith(b);
      return node.name === "toupper" ? String(args[0]).toUpperCase() : String(args[0]).toLowerCase();
    }
    case "cmp":
      return compare(node.op, node.as, evaluate(node.l, row), evaluate(node.r, row));
  }
}

function compare(op: string, kind: Kind, a: unknown, b: unknown): boolean {
  if (a === null || b === null) {
    if (op === "eq") return a === b;
    if (op === "ne") return a !== b;
    return false;
  }
  let x: string | number | boolean;
  let y: string | number | boolean;
  if (kind === "datetime") [x, y] = [epoch(a), epoch(b)];
  else if (kind === "number") [x, y] = [Number(a), Number(b)];
  else if (kind === "boolean") [x, y] = [a === true, b === true];
  else [x, y] = [String(a).toLowerCase(), String(b).toLowerCase()];
  switch (op) {
    case "eq":
      return x === y;
    case "ne":
      return x !== y;
    case "gt":
      return x > y;
    case "ge":
      return x >= y;
    case "lt":
      return x < y;
    default:
      return x <= y;
  }
}

/**
 * A predicate for `$filter`, after parsing it and checking every property against the resource's own
 * properties. `typeName` is the resource's name as OData's messages give it.
 */
export function compileFilter(filter: string | null, properties: PropertyTypes, typeName: string): (row: Row) => boolean {
  if (filter === null || filter.trim() === "") return () => true;
  const tree = new Parser(tokenize(filter), filter, properties, typeName).parse();
  return (row) => evaluate(tree, row) === true;
}

/** A comparator for `$orderby` (`Prop [asc|desc], …`), checking each property as `$filter` does. */
export function compileOrderBy(orderBy: string | null, properties: PropertyTypes, typeName: string): ((a: Row, b: Row) => number) | undefined {
  if (orderBy === null || orderBy.trim() === "") return undefined;
  const keys = orderBy.split(",").map((part) => {
    const [name, direction = "asc", ...extra] = part.trim().split(/\s+/);
    if (!properties[name]) throw new ODataError(`Could not find a property named '${name}' on type '${typeName}'.`);
    if (extra.length || !["asc", "desc"].includes(direction)) throw new ODataError(`Syntax error in $orderby '${orderBy}'.`);
    return { name, sign: direction === "desc" ? -1 : 1, kind: propertyKind(properties[name]) };
  });
  return (a, b) => {
    for (const { name, sign, kind } of keys) {
      const x = a[name] ?? null;
      const y = b[name] ?? null;
      if (x === y) continue;
      if (x === null) return -sign;
      if (y === null) return sign;
      if (compare("lt", kind, x, y)) return -sign;
      if (compare("gt", kind, x, y)) return sign;
    }
    return 0;
  };
}
