// Visma's published Swagger 2.0 for eAccounting API v2 (../shared/contracts/visma, read in place), made checkable
// by a current validator and readable by the simulator:
// - `$ref: '#/definitions/PaginatedResponse[X]'` names carry `[`/`]`, which are not legal in a URI fragment, so
//   every definition is renamed to a safe name and every reference rewritten to match.
// - readOnly properties are dropped from the input schemas: the API ignores them on input rather than refusing them.
// - Optional properties may be null (the API is ASP.NET: an absent value and null bind the same way).
// - `pattern` on a number (e.g. UnitPrice "[-]?\d+(.\d{1,2})?") is a .NET RegularExpressionAttribute, which
//   matches the whole invariant-culture text of the value; JSON Schema's `pattern` only looks at strings, so it
//   becomes our `decimalPattern` keyword with the same whole-text match.
// - Scopes and modules per operation are only written in each operation's description
//   ("Requires any of the following scopes: <b>ea:sales, ea:sales_readonly</b>"); they are read from there.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

type Json = Record<string, unknown>;
export type SwaggerSchema = {
  type?: string;
  format?: string;
  $ref?: string;
  properties?: Record<string, SwaggerSchema>;
  items?: SwaggerSchema;
  required?: string[];
  readOnly?: boolean;
  enum?: unknown[];
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
};

const here = path.dirname(fileURLToPath(import.meta.url));
// A verbatim copy of ../shared/contracts/visma/eaccounting-v2.swagger.json (SOURCES.md), kept here so that a
// checkout of this repository alone runs the simulator.
export const SWAGGER_PATH = path.resolve(here, "eaccounting-v2.swagger.json");

type Swagger = {
  paths: Record<string, Record<string, { description?: string }>>;
  definitions: Record<string, SwaggerSchema>;
};

let swagger: Swagger | undefined;
function spec(): Swagger {
  swagger ??= JSON.parse(fs.readFileSync(SWAGGER_PATH, "utf8")) as Swagger;
  return swagger;
}

const safeName = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");
const refName = (ref: string) => ref.replace(/^#\/definitions\//, "");

export function definition(name: string): SwaggerSchema {
  const found = spec().definitions[name];
  if (!found) throw new Error(`No definition ${name} in the Visma swagger`);
  return found;
}

/** A Swagger 2.0 schema as an input JSON Schema (see the header for each rule). */
function toInputSchema(node: SwaggerSchema, nullable: boolean): Json {
  if (node.$ref) {
    const ref = { $ref: `#/definitions/${safeName(refName(node.$ref))}` };
    return nullable ? { anyOf: [ref, { type: "null" }] } : ref;
  }
  const { properties, items, required, readOnly: _readOnly, pattern, enum: values, ...rest } = node as SwaggerSchema & Json;
  const out: Json = { ...rest };
  delete out.description;
  delete out.example;
  if (properties) {
    const writable = Object.entries(properties).filter(([, p]) => !p.readOnly);
    const requiredWritable = (required ?? []).filter((r) => writable.some(([k]) => k === r));
    out.properties = Object.fromEntries(writable.map(([k, p]) => [k, toInputSchema(p, !requiredWritable.includes(k))]));
    if (requiredWritable.length) out.required = requiredWritable;
  }
  if (items) out.items = toInputSchema(items, false);
  if (pattern !== undefined) {
    if (node.type === "string") out.pattern = `^(?:${pattern})$`;
    else out.decimalPattern = pattern;
  }
  if (values) out.enum = nullable ? [...values, null] : values;
  if (nullable && typeof node.type === "string") out.type = [node.type, "null"];
  return out;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// Fields typed date-time are documented with "Format: YYYY-MM-DD" (OrderDate); both forms bind in .NET.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

// verbose: errors carry their schema, so that a pattern can be quoted back.
const ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
ajv.addFormat("uuid", UUID);
ajv.addFormat("date-time", { validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s.slice(0, 10))) });
ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
ajv.addFormat("double", { type: "number", validate: (n: number) => Number.isFinite(n) });
ajv.addFormat("float", { type: "number", validate: (n: number) => Number.isFinite(n) });
ajv.addFormat("byte", { validate: () => true });
ajv.addKeyword({
  keyword: "decimalPattern",
  type: "number",
  schemaType: "string",
  validate: (pattern: string, data: number) => new RegExp(`^(?:${pattern})$`).test(numberText(data)),
});

/** A number as .NET writes a decimal in the invariant culture (never in exponent form). */
export function numberText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, "");
}

let registered = false;
const validators = new Map<string, ValidateFunction>();

function validatorFor(name: string): ValidateFunction {
  if (!registered) {
    const definitions = Object.fromEntries(Object.entries(spec().definitions).map(([k, v]) => [safeName(k), toInputSchema(v, false)]));
    ajv.addSchema({ $id: "visma", definitions });
    registered = true;
  }
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.getSchema(`visma#/definitions/${safeName(name)}`);
    if (!validate) throw new Error(`Cannot compile ${name}`);
    validators.set(name, validate);
  }
  return validate;
}

/**
 * The body's faults against a definition, one sentence each, in the words ASP.NET's data annotations use
 * ("The Name field is required.", "The field Name must be a string with a maximum length of 50."), each
 * prefixed with the field's path (`Rows[0].ArticleId`). Empty when the body is valid.
 */
export function validationMessages(name: string, body: unknown): string[] {
  const validate = validatorFor(name);
  if (body === null || typeof body !== "object" || Array.isArray(body)) return ["body: A JSON object is required."];
  if (validate(body)) return [];
  const messages = new Set<string>();
  for (const error of validate.errors ?? []) {
    if (error.keyword === "anyOf" || error.keyword === "if") continue;
    messages.add(describe(error));
  }
  return [...messages];
}

function fieldPath(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join("")
    .replace(/^\./, "");
}

function describe(error: ErrorObject): string {
  const field = fieldPath(error.instancePath);
  const property = field.split(/[.[]/).filter(Boolean).pop()?.replace(/]$/, "") ?? "body";
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required": {
      const missing = String(params.missingProperty);
      return `${field ? `${field}.` : ""}${missing}: The ${missing} field is required.`;
    }
    case "maxLength":
      return `${field}: The field ${property} must be a string with a maximum length of ${String(params.limit)}.`;
    case "minLength":
      return `${field}: The field ${property} must be a string with a minimum length of ${String(params.limit)}.`;
    case "maximum":
    case "minimum":
      return `${field}: The field ${property} must be ${error.keyword === "maximum" ? "at most" : "at least"} ${String(params.limit)}.`;
    case "decimalPattern": {
      const decimals = /\\d\{1,(\d+)\}/.exec(String(error.schema))?.[1];
      return `${field}: The field ${property} must match the regular expression '${String(error.schema)}'${decimals ? ` (at most ${decimals} decimals)` : ""}.`;
    }
    case "pattern":
      return `${field}: The field ${property} must match the regular expression '${String(params.pattern)}'.`;
    case "enum":
      return `${field}: The value is not valid for ${property}; allowed: ${(params.allowedValues as unknown[]).filter((v) => v !== null).join(", ")}.`;
    case "format":
      return `${field}: The value is not a valid ${String(params.format) === "uuid" ? "Guid" : String(params.format)} for ${property}.`;
    case "type":
      return `${field || "body"}: The value is not valid for ${property} (expected ${String(params.type).split(",")[0]}).`;
    default:
      return `${field || "body"}: ${error.message ?? "is not valid"}.`;
  }
}

/** The value without the properties the definition marks readOnly (at any depth), as the API ignores them on input. */
export function withoutReadOnly(name: string, value: unknown): Json {
  return strip(definition(name), value) as Json;
}

function strip(schema: SwaggerSchema, value: unknown): unknown {
  if (schema.$ref) return strip(definition(refName(schema.$ref)), value);
  if (Array.isArray(value) && schema.items) return value.map((item) => strip(schema.items!, item));
  if (value && typeof value === "object" && !Array.isArray(value) && schema.properties) {
    const out: Json = {};
    for (const [key, v] of Object.entries(value as Json)) {
      const property = schema.properties[key];
      if (property?.readOnly) continue;
      out[key] = property ? strip(property, v) : v;
    }
    return out;
  }
  return value;
}

/** Every property of a definition with its type, read-only ones included (they can be filtered on). */
export function propertiesOf(name: string): Record<string, { type?: string; format?: string }> {
  return Object.fromEntries(
    Object.entries(definition(name).properties ?? {}).map(([k, p]) => [k, p.$ref ? { type: "object" } : { type: p.type, format: p.format }]),
  );
}

export type OperationRequirements = { scopes: string[]; modules: string[] };

/**
 * What an operation requires, from its description. Path parameters are compared by position only, as the
 * swagger names the same segment differently per verb (`{customerInvoiceDraftId}` and `{invoiceDraftId}`).
 */
export function requirementsOf(method: string, template: string): OperationRequirements | undefined {
  const wanted = template.replace(/\{[^}]+\}/g, "{}");
  for (const [p, operations] of Object.entries(spec().paths)) {
    if (p.replace(/\{[^}]+\}/g, "{}") !== wanted) continue;
    const operation = operations[method.toLowerCase()];
    if (!operation) continue;
    const text = operation.description ?? "";
    const list = (label: string) => {
      const m = new RegExp(`Requires any of the following ${label}:\\s*<br>\\s*<b>([^<]*)</b>`).exec(text);
      return m ? m[1].split(",").map((s) => s.trim()).filter(Boolean) : [];
    };
    return { scopes: list("scopes"), modules: list("modules") };
  }
  return undefined;
}
