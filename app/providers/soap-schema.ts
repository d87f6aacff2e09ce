// A SOAP body checked against its element in the WSDL's schema, as the `soap` package has parsed it: every
// element known, in the sequence's order, each required one present, strings within their maxLength, numbers
// numeric. `soap` itself does not validate; the simulator checks requests with this, and the client answers.
// It reads the parsed WSDL's own structures (wsdl.definitions.schemas), so the WSDL file is the one contract.

type XsdNode = { name: string; $name?: string; $type?: string; $minOccurs?: string; $maxOccurs?: string; $value?: string; $base?: string; children: XsdNode[] };
type Schema = { elements: Record<string, XsdNode>; complexTypes: Record<string, XsdNode>; types: Record<string, XsdNode> };
export type ParsedWsdl = { definitions: { schemas: Record<string, Schema> } };

const local = (qname: string) => qname.replace(/^[^:]*:/, "");

function sequenceOf(node: XsdNode | undefined): XsdNode[] | null {
  const complex = node?.name === "complexType" ? node : node?.children.find((c) => c.name === "complexType");
  const sequence = complex?.children.find((c) => c.name === "sequence");
  return sequence ? sequence.children.filter((c) => c.name === "element") : null;
}

function maxLengthOf(schema: Schema, type: string): number | null {
  const simple = schema.types[local(type)];
  const restriction = simple?.children.find((c) => c.name === "restriction");
  const max = restriction?.children.find((c) => c.name === "maxLength");
  return max?.$value ? Number(max.$value) : null;
}

function checkSequence(schema: Schema, elements: XsdNode[], value: unknown, path: string, problems: string[]) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.push(`${path}: expected an element with children`);
    return;
  }
  const keys = Object.keys(value).filter((k) => k !== "attributes" && k !== "$xml");
  let last = -1;
  for (const key of keys) {
    const index = elements.findIndex((e) => e.$name === key);
    if (index < 0) {
      problems.push(`${path}/${key}: not an element of this type`);
      continue;
    }
    if (index < last) problems.push(`${path}/${key}: out of order (expected after ${elements[last].$name})`);
    last = Math.max(last, index);
  }
  for (const element of elements) {
    const name = element.$name!;
    const present = Object.prototype.hasOwnProperty.call(value, name) && (value as Record<string, unknown>)[name] !== undefined;
    if (!present) {
      if ((element.$minOccurs ?? "1") !== "0") problems.push(`${path}/${name}: required`);
      continue;
    }
    const given = (value as Record<string, unknown>)[name];
    const many = element.$maxOccurs === "unbounded";
    const items = Array.isArray(given) ? given : [given];
    if (items.length > 1 && !many) problems.push(`${path}/${name}: only one allowed`);
    for (const item of items) checkValue(schema, element.$type ?? "xs:string", item, `${path}/${name}`, problems);
  }
}

function checkValue(schema: Schema, type: string, value: unknown, path: string, problems: string[]) {
  const complex = schema.complexTypes[local(type)];
  if (complex && type.indexOf("xs:") !== 0) return checkSequence(schema, sequenceOf(complex) ?? [], value ?? {}, path, problems);
  const text = value instanceof Date ? value.toISOString() : String(value ?? "");
  const max = maxLengthOf(schema, type);
  if (max !== null && text.length > max) problems.push(`${path}: longer than ${max} characters`);
  if ((type === "xs:int" && !/^-?\d+$/.test(text)) || (type === "xs:decimal" && !/^-?\d+(\.\d+)?$/.test(text))) problems.push(`${path}: not a number (${text})`);
  if (type === "xs:dateTime" && Number.isNaN(Date.parse(text))) problems.push(`${path}: not a date and time (${text})`);
}

/** What is wrong with `value` as the body element `element` of namespace `namespace`; empty when it conforms. */
export function checkAgainstSchema(wsdl: ParsedWsdl, namespace: string, element: string, value: unknown): string[] {
  const schema = wsdl.definitions.schemas[namespace];
  const elements = sequenceOf(schema?.elements[element]);
  if (!schema || !elements) return [`${element}: no such element in the WSDL`];
  const problems: string[] = [];
  checkSequence(schema, elements, value ?? {}, element, problems);
  return problems;
}

/**
 * `value` with its elements in the order the schema's sequences give (children too), for a service that reads
 * them in order (WCF): a request built from a mapping of names (intact-operations.json) need not know it.
 */
export function orderedBySchema(wsdl: ParsedWsdl, namespace: string, element: string, value: Record<string, unknown>): Record<string, unknown> {
  const schema = wsdl.definitions.schemas[namespace];
  const order = (elements: XsdNode[] | null, given: unknown): unknown => {
    if (!elements || given === null || typeof given !== "object" || Array.isArray(given) || given instanceof Date) return given;
    const entries = Object.entries(given as Record<string, unknown>);
    const rank = (key: string) => {
      const i = elements.findIndex((e) => e.$name === key);
      return i < 0 ? elements.length : i;
    };
    entries.sort(([a], [b]) => rank(a) - rank(b));
    return Object.fromEntries(
      entries.map(([key, child]) => {
        const type = elements.find((e) => e.$name === key)?.$type;
        const inner = type && !type.startsWith("xs:") ? sequenceOf(schema?.complexTypes[local(type)]) : null;
        return [key, Array.isArray(child) ? child.map((c) => order(inner, c)) : order(inner, child)];
      }),
    );
  };
  return order(sequenceOf(schema?.elements[element]), value) as Record<string, unknown>;
}
