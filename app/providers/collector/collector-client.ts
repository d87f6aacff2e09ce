// The Collector (Walley) invoice service over SOAP with the `soap` package: the client made from the WSDL (ours,
// InvoiceServiceV31.wsdl, beside this file, for tests and the sandbox; the real service's `?singleWsdl` in
// production), the Username/Password/ClientIpAddress headers on every call, each answer checked against the
// WSDL's schema, and every failure classified once, in words the merchant can act on: Collector's faults
// (AUTHORIZATION_FAILED pauses the connection; INVOICE_NOT_FOUND, INVALID_INVOICE_STATUS and
// INVALID_TRANSACTION_AMOUNT stop the job), and 5xx, 429, timeouts, cut connections and unreadable answers,
// which are retried.
import type * as soap from "soap";
import { AuthError, PermanentError, RetryableError } from "../../lib/errors";
import { bundledFile, classifySoapTransport, soapFault } from "../soap-transport";
import { checkAgainstSchema, type ParsedWsdl } from "../soap-schema";

export const COLLECTOR_NAMESPACE = "http://schemas.ecommerce.collector.se/v30/InvoiceService";
/** Our self-contained copy of the service's WSDL (types included), for the sandbox and tests. */
export const COLLECTOR_WSDL_FILE = bundledFile(import.meta.url, "providers/collector/InvoiceServiceV31.wsdl");

export type CollectorOperation =
  | "AddInvoice"
  | "ActivateInvoice"
  | "PartActivateInvoice"
  | "CancelInvoice"
  | "CreditInvoice"
  | "PartCreditInvoice"
  | "ReplaceInvoice"
  | "SendInvoice"
  | "ExtendDueDate";

/** The body element each operation answers with (AddInvoice's carries the service's version). */
const RESPONSE: Record<CollectorOperation, string> = {
  AddInvoice: "AddInvoiceResponseV31",
  ActivateInvoice: "ActivateInvoiceResponse",
  PartActivateInvoice: "PartActivateInvoiceResponse",
  CancelInvoice: "CancelInvoiceResponse",
  CreditInvoice: "CreditInvoiceResponse",
  PartCreditInvoice: "PartCreditInvoiceResponse",
  ReplaceInvoice: "ReplaceInvoiceResponse",
  SendInvoice: "SendInvoiceResponse",
  ExtendDueDate: "ExtendDueDateResponse",
};

export type CollectorClientOptions = {
  /** Where the WSDL is read from: a file or a URL. */
  wsdl: string;
  /** The service's address, where it differs from the WSDL's. */
  endpoint?: string;
  credentials: { username: string; password: string };
  /** The address the calls are made for (Collector asks for the buyer's or the server's IP). */
  clientIp?: string;
  timeoutMs?: number;
};

export type CollectorClient = {
  /** One operation; `what` names it in the merchant's words ("activating invoice 5000001"). */
  call(operation: CollectorOperation, body: Record<string, unknown>, what: string): Promise<Record<string, unknown>>;
};

/** A failed call, classified: Collector's own faults by their code, the transport's by what happened. */
export function classifyCollectorError(error: unknown, what: string): Error {
  const fault = soapFault(error);
  if (!fault) return classifySoapTransport(error, what, { name: "Collector", code: "collector" });
  const said = fault.text ? ` Collector says: "${fault.text}"` : "";
  switch (fault.code) {
    case "AUTHORIZATION_FAILED":
      return new AuthError("collector_auth", `Collector refused the username, password or store id while ${what}. Check them in the app's Connection settings, then press Retry.${said}`);
    case "INVOICE_NOT_FOUND":
      return new PermanentError("collector_invoice_not_found", `Collector has no such invoice (${what}). It may have been handled in Collector's portal.${said}`);
    case "INVALID_INVOICE_STATUS":
      return new PermanentError("collector_invalid_status", `Collector refused ${what}: the invoice's status does not allow it (it may already be activated, cancelled or credited).${said}`);
    case "INVALID_TRANSACTION_AMOUNT":
      return new PermanentError("collector_invalid_amount", `Collector refused the amounts while ${what}.${said}`);
    default:
      return new PermanentError("collector_fault", `Collector refused ${what}.${said}`);
  }
}

export async function createCollectorClient(options: CollectorClientOptions): Promise<CollectorClient> {
  let client: soap.Client;
  try {
    // soap is loaded on first use: a shop that does not use this provider never pays for it.
    const { createClientAsync } = await import("soap");
    client = await createClientAsync(options.wsdl, { endpoint: options.endpoint, wsdl_options: { timeout: options.timeoutMs ?? 15_000 } });
  } catch (error) {
    throw new RetryableError("collector_wsdl", `Collector's service description (WSDL) could not be read from ${options.wsdl}; it is tried again shortly.`, { cause: error, outcome: "not-applied" });
  }
  client.addSoapHeader(
    { Username: options.credentials.username, Password: options.credentials.password, ClientIpAddress: options.clientIp ?? "127.0.0.1" },
    "",
    "tns",
    COLLECTOR_NAMESPACE,
  );
  const wsdl = client.wsdl as unknown as ParsedWsdl;
  return {
    async call(operation, body, what) {
      const method = (client as unknown as Record<string, (args: unknown, options: unknown) => Promise<[unknown]>>)[`${operation}Async`];
      let answer: unknown;
      try {
        [answer] = await method.call(client, body, { timeout: options.timeoutMs ?? 15_000 });
      } catch (error) {
        throw classifyCollectorError(error, what);
      }
      // The answer must be what the WSDL says; anything else is not acted upon.
      const problems = checkAgainstSchema(wsdl, COLLECTOR_NAMESPACE, RESPONSE[operation], answer ?? {});
      if (problems.length) {
        throw new PermanentError("collector_unexpected_answer", `Collector's answer while ${what} does not follow its service description; nothing was changed on our side. Check the invoice in Collector's portal.`, { detail: problems.join("; "), outcome: "unknown" });
      }
      return (answer ?? {}) as Record<string, unknown>;
    },
  };
}
