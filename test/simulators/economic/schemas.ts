// e-conomic's published request schemas (draft-03, copied from ../shared/contracts/economic/schema),
// made checkable by a current validator: draft-03 marks `required: true` on each property, which becomes
// the parent's `required` list; `maxDecimal` (theirs) becomes a keyword of ours; formats are not checked
// (`full-date` is not a standard format, and every date field also carries a pattern).
import fs from "node:fs";
import path from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

const here = path.dirname(new URL(import.meta.url).pathname);

type Json = Record<string, unknown>;

export function fromDraft03(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fromDraft03);
  if (!node || typeof node !== "object") return node;
  const { $schema: _schema, required: _required, restdocs: _restdocs, format: _format, ...rest } = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(rest)) {
    out[key] =
      key === "properties" && value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, fromDraft03(v)]))
        : fromDraft03(value);
  }
  const properties = (node as Json).properties as Record<string, Json> | undefined;
  if (properties) {
    const required = Object.entries(properties).filter(([, p]) => p?.required === true).map(([k]) => k);
    if (required.length) out.required = required;
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addKeyword({
  keyword: "maxDecimal",
  type: "number",
  schemaType: "number",
  validate: (max: number, data: number) => {
    const text = String(data);
    const decimals = text.includes("e") ? 20 : (text.split(".")[1] ?? "").length;
    return decimals <= max;
  },
});

const validators = new Map<string, ValidateFunction>();

export function validatorFor(name: "customers.post" | "products.post" | "invoices.drafts.post" | "invoices.booked.post"): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const schema = JSON.parse(fs.readFileSync(path.join(here, "schema", `${name}.schema.json`), "utf8"));
    validate = ajv.compile(fromDraft03(schema) as object);
    validators.set(name, validate);
  }
  return validate;
}

/** Ajv's findings as e-conomic's `errors` object: one entry per field, each with its messages. */
export function validationErrors(errors: ErrorObject[] | null | undefined) {
  const byField: Record<string, { errors: Array<{ errorCode: string; message: string; propertyName: string }> }> = {};
  for (const error of errors ?? []) {
    const field =
      error.keyword === "required"
        ? [error.instancePath.slice(1).replaceAll("/", "."), (error.params as { missingProperty: string }).missingProperty].filter(Boolean).join(".")
        : error.instancePath.slice(1).replaceAll("/", ".") || "body";
    const message =
      error.keyword === "required" ? `${field} is required.` : error.keyword === "maxDecimal" ? `${field} has too many decimals.` : `${field} ${error.message}.`;
    (byField[field] ??= { errors: [] }).errors.push({ errorCode: "E06000", message, propertyName: field });
  }
  return byField;
}
