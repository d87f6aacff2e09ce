// What the SOAP providers (Collector, Intact) share around the `soap` package: finding the WSDL that ships with
// the app, reading a WCF fault off a failed call, and classifying a failure that is not the service's own fault
// (HTTP status, timeouts, cut connections), in the merchant's words with the system's name.
import fs from "node:fs";
import path from "node:path";
import { AuthError, PermanentError, RetryableError } from "../lib/errors";

/**
 * A file that ships beside a module under app/: found beside it when the app runs from source, under the
 * project's app/ folder when it runs from the server build (build/server holds no such file; the image keeps
 * the sources beside the build).
 */
export function bundledFile(moduleUrl: string, fromApp: string): string {
  const fromSource = path.join(path.dirname(new URL(moduleUrl).pathname), path.basename(fromApp));
  const fromRoot = path.resolve(process.cwd(), "app", fromApp);
  return fs.existsSync(fromSource) ? fromSource : fromRoot;
}

type SoapError = {
  message?: string;
  code?: string;
  root?: { Envelope?: { Body?: { Fault?: { faultcode?: string; faultstring?: string } } } };
  response?: { status?: number; headers?: Record<string, string> };
};

/** The service's fault, if the call failed with one: its code (a:CODE → CODE) and words. */
export function soapFault(error: unknown): { code: string; text: string | null } | null {
  const fault = (error as SoapError | null)?.root?.Envelope?.Body?.Fault;
  if (!fault) return null;
  const code = /(?:^|:)([A-Z_]+)$/.exec(fault.faultcode ?? "")?.[1] ?? /(?:^|:)([A-Z_]+)$/.exec(fault.faultstring ?? "")?.[1] ?? "FAULT";
  return { code, text: fault.faultstring ?? null };
}

/**
 * A failure that is not a fault of the service: 429 with its wait, 5xx (502 and 503 never reached it), 401/403,
 * other statuses, and no answer at all (a refused connection never arrived; a timeout or a cut line may have).
 */
export function classifySoapTransport(error: unknown, what: string, system: { name: string; code: string }): Error {
  const e = (error ?? {}) as SoapError;
  const status = e.response?.status;
  const { name, code } = system;
  if (status === 429) {
    const seconds = Number(e.response?.headers?.["retry-after"]);
    return new RetryableError(`${code}_rate_limited`, `${name} asked us to slow down while ${what}; it is tried again shortly.`, { retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : undefined, outcome: "not-applied" });
  }
  if (status !== undefined && status >= 500) {
    return new RetryableError(`${code}_unavailable`, `${name} did not answer properly (HTTP ${status}) while ${what}; it is tried again shortly.`, { outcome: status === 502 || status === 503 ? "not-applied" : "unknown" });
  }
  if (status === 401 || status === 403) return new AuthError(`${code}_auth`, `${name} refused the connection (HTTP ${status}) while ${what}. Check the credentials in the app's Connection settings.`);
  if (status !== undefined && status >= 300) return new PermanentError(`${code}_http`, `${name} answered HTTP ${status} while ${what}.`);
  const neverArrived = e.code === "ECONNREFUSED" || e.code === "ENOTFOUND";
  return new RetryableError(`${code}_unreachable`, `${name} could not be reached or gave no readable answer while ${what}; it is tried again shortly.`, { detail: e.code ?? e.message, outcome: neverArrived ? "not-applied" : "unknown" });
}
