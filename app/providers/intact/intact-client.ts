// The Intact iQ WebShop service over SOAP with the `soap` package, driven by the operations mapping
// (intact-operations.json, overridable per tenant): each thing the app asks for is built from the mapping's
// field names, put in the order the tenant's WSDL gives, checked against that WSDL, and its answer checked
// and read back through the mapping. Failures are classified once, in the merchant's words: WCF faults by
// their code (AUTHENTICATION_FAILED pauses the connection; ACCOUNT_NOT_FOUND, INVOICE_NOT_FOUND stop), 5xx,
// 429 and timeouts are retried.
import type * as soap from "soap";
import { z } from "zod";
import { AuthError, PermanentError, RetryableError } from "../../lib/errors";
import { checkAgainstSchema, orderedBySchema, type ParsedWsdl } from "../soap-schema";
import { bundledFile, classifySoapTransport, soapFault } from "../soap-transport";
import defaults from "./intact-operations.json";

/** Our WSDL, for the sandbox and tests. */
export const INTACT_WSDL_FILE = bundledFile(import.meta.url, "providers/intact/IntactWebShop.wsdl");

const names = z.record(z.string(), z.string().min(1));
const operation = z.object({
  operation: z.string().min(1),
  /** The body elements, where the tenant's WSDL does not name them <operation>Request and <operation>Response. */
  requestElement: z.string().min(1).optional(),
  responseElement: z.string().min(1).optional(),
  request: names,
  response: names.optional(),
});
export const intactOperationsSchema = z.object({
  namespace: z.string().min(1),
  verify: operation,
  listInvoices: operation.extend({ list: z.string().min(1), invoice: names }),
  invoicePdf: operation,
  createSalesOrder: operation.extend({ line: names }),
  findSalesOrder: operation,
});
export type IntactOperations = z.infer<typeof intactOperationsSchema>;
export type IntactTask = Exclude<keyof IntactOperations, "namespace">;

/** The default mapping with a tenant's overrides laid over it, operation by operation and field by field. */
export function intactOperations(overrides: unknown = {}): IntactOperations {
  const given = (overrides ?? {}) as Record<string, Record<string, unknown> | string>;
  const merged: Record<string, unknown> = { ...defaults };
  delete merged.$comment;
  for (const [task, value] of Object.entries(given)) {
    const base = (defaults as Record<string, unknown>)[task];
    merged[task] =
      value && typeof value === "object" && base && typeof base === "object"
        ? Object.fromEntries(
            Object.entries({ ...(base as Record<string, unknown>), ...value }).map(([k, v]) => {
              const inner = (base as Record<string, unknown>)[k];
              return [k, inner && typeof inner === "object" && v && typeof v === "object" ? { ...(inner as object), ...(v as object) } : v];
            }),
          )
        : value;
  }
  const parsed = intactOperationsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new PermanentError("intact_mapping", `The Intact operations mapping is incomplete or wrong (${problems}). Correct it in the connection's settings.`);
  }
  return parsed.data;
}

/** A dotted path of the mapping ("Invoices.Invoice") into a nested object, or set there. */
export function read(value: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), value);
}
function write(target: Record<string, unknown>, dotted: string, value: unknown) {
  const keys = dotted.split(".");
  let at = target;
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
  at[keys.at(-1)!] = value;
}

export type IntactClientOptions = { wsdl: string; endpoint?: string; credentials: { username: string; password: string }; operations: IntactOperations; timeoutMs?: number };

export type IntactClient = {
  /** One task: `fields` by the mapping's names (accountCode, limit, …); the answer as the service gave it. */
  call(task: IntactTask, fields: Record<string, unknown>, what: string): Promise<Record<string, unknown>>;
  /** Whether the tenant's WSDL has the operation the mapping names for this task. */
  has(task: IntactTask): boolean;
  operations: IntactOperations;
};

export function classifyIntactError(error: unknown, what: string): Error {
  const fault = soapFault(error);
  if (!fault) return classifySoapTransport(error, what, { name: "Intact", code: "intact" });
  const said = fault.text ? ` Intact says: "${fault.text}"` : "";
  if (fault.code === "AUTHENTICATION_FAILED") return new AuthError("intact_auth", `Intact refused the username or password while ${what}. Check them in the app's Connection settings, then press Retry.${said}`);
  if (fault.code === "ACCOUNT_NOT_FOUND") return new PermanentError("intact_account_not_found", `Intact has no such customer account (${what}). Check the account code mapping in the connection's settings.${said}`);
  if (fault.code === "INVOICE_NOT_FOUND") return new PermanentError("intact_invoice_not_found", `Intact has no such invoice (${what}).${said}`);
  return new PermanentError("intact_fault", `Intact refused ${what}.${said}`);
}

export async function createIntactClient(options: IntactClientOptions): Promise<IntactClient> {
  let client: soap.Client;
  try {
    // soap is loaded on first use: a shop that does not use this provider never pays for it.
    const { createClientAsync } = await import("soap");
    client = await createClientAsync(options.wsdl, { endpoint: options.endpoint, wsdl_options: { timeout: options.timeoutMs ?? 15_000 } });
  } catch (error) {
    throw new RetryableError("intact_wsdl", `Intact's service description (WSDL) could not be read from ${options.wsdl}; check the WSDL address in the connection's settings. It is tried again shortly.`, { cause: error, outcome: "not-applied" });
  }
  const { operations } = options;
  client.addSoapHeader({ Username: options.credentials.username, Password: options.credentials.password }, "", "tns", operations.namespace);
  const wsdl = client.wsdl as unknown as ParsedWsdl;
  const operationNames = new Set(Object.keys(Object.values(Object.values(client.describe() as Record<string, Record<string, object>>)[0] ?? {})[0] ?? {}));
  const elementOf = (spec: IntactOperations[IntactTask], direction: "input" | "output") => {
    if (!operationNames.has(spec.operation)) {
      throw new PermanentError("intact_mapping", `Intact's WSDL has no operation "${spec.operation}". Set the tenant's operation name in the connection's operations mapping.`);
    }
    return direction === "input" ? (spec.requestElement ?? `${spec.operation}Request`) : (spec.responseElement ?? `${spec.operation}Response`);
  };
  return {
    operations,
    has: (task) => operationNames.has(operations[task].operation),
    async call(task, fields, what) {
      const spec = operations[task];
      const requestElement = elementOf(spec, "input");
      const body: Record<string, unknown> = {};
      // A list of lines takes the mapping's line field names (createSalesOrder's "line").
      const lineNames = "line" in spec ? spec.line : null;
      const named = (value: unknown) =>
        lineNames && Array.isArray(value) ? value.map((item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).map(([k, v]) => [lineNames[k] ?? k, v]))) : value;
      for (const [field, value] of Object.entries(fields)) {
        const name = spec.request[field];
        if (!name) throw new Error(`the Intact mapping of ${task} has no field for ${field}`);
        write(body, name, named(value));
      }
      const request = orderedBySchema(wsdl, operations.namespace, requestElement, body);
      const problems = checkAgainstSchema(wsdl, operations.namespace, requestElement, request);
      if (problems.length) throw new PermanentError("intact_request", `The request for ${what} does not fit Intact's service description; nothing was sent. Check the connection's operations mapping.`, { detail: problems.join("; ") });
      const method = (client as unknown as Record<string, (args: unknown, options: unknown) => Promise<[unknown]>>)[`${spec.operation}Async`];
      let answer: unknown;
      try {
        [answer] = await method.call(client, request, { timeout: options.timeoutMs ?? 15_000 });
      } catch (error) {
        throw classifyIntactError(error, what);
      }
      const answerProblems = checkAgainstSchema(wsdl, operations.namespace, elementOf(spec, "output"), answer ?? {});
      if (answerProblems.length) {
        throw new PermanentError("intact_unexpected_answer", `Intact's answer while ${what} does not follow its service description.`, { detail: answerProblems.join("; "), outcome: "unknown" });
      }
      return (answer ?? {}) as Record<string, unknown>;
    },
  };
}
