// HTTP to InvoicExpress (https://{account}.app.invoicexpress.com, API v2), and the one place its failures
// become our typed errors. Auth is the `api_key` query parameter (InvoiceXpress API v2 docs). Errors come
// as 401, 404, 406 or 422, with three body shapes: {"errors":{field:[…]}}, {"errors":[{"error":…}]} and
// {"error":…}; all three are read here.
import axios, { AxiosError, type AxiosInstance } from "axios";
import { AppError, AuthError, PermanentError, RetryableError } from "../../lib/errors";

export type InvoicExpressCredentials = { accountName: string; apiKey: string };

export function invoicExpressBaseUrl(accountName: string) {
  return `https://${accountName}.app.invoicexpress.com`;
}

export function invoicExpressHttp(options: { baseUrl: string; credentials: InvoicExpressCredentials; timeoutMs?: number }): AxiosInstance {
  return axios.create({
    baseURL: options.baseUrl.replace(/\/$/, ""),
    timeout: options.timeoutMs ?? 30_000,
    params: { api_key: options.credentials.apiKey },
    headers: { Accept: "application/json", "Content-Type": "application/json" },
  });
}

/** Every message in any of InvoicExpress's error bodies. */
export function errorMessages(body: unknown): string[] {
  if (typeof body === "string") return body.trim() && !body.trim().startsWith("<") ? [body.trim()] : [];
  if (!body || typeof body !== "object") return [];
  const { errors, error } = body as { errors?: unknown; error?: unknown };
  const out: string[] = [];
  if (typeof error === "string") out.push(error);
  if (Array.isArray(errors)) {
    for (const e of errors) out.push(typeof e === "string" ? e : String((e as { error?: unknown })?.error ?? JSON.stringify(e)));
  } else if (errors && typeof errors === "object") {
    for (const [field, messages] of Object.entries(errors)) {
      for (const m of Array.isArray(messages) ? messages : [messages]) out.push(`${field.replaceAll("_", " ")} ${String(m)}`);
    }
  } else if (typeof errors === "string") {
    out.push(errors);
  }
  return out;
}

/** Maps a failed call into permanent, retryable or auth, with words for the merchant. */
export function invoicExpressError(error: unknown, doing: string): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof AxiosError)) {
    return new RetryableError("invoicexpress_unexpected", `Talking to InvoicExpress failed unexpectedly while ${doing}; it will be retried.`, {
      cause: error,
      detail: error instanceof Error ? error.message : String(error),
    });
  }
  const response = error.response;
  if (!response) {
    return new RetryableError("invoicexpress_unreachable", `InvoicExpress did not answer while ${doing}; it will be retried.`, {
      cause: error,
      detail: `${error.code ?? "network error"}: ${error.message}`,
    });
  }
  const messages = errorMessages(response.data);
  const detail = `HTTP ${response.status}: ${messages.join("; ") || "(no message)"}`;
  if (response.status === 401 || response.status === 403) {
    return new AuthError("invoicexpress_auth", "InvoicExpress refused the app's API key. Check the account name and API key in the app's settings and reconnect.", { detail });
  }
  if (response.status === 429 || response.status >= 500) {
    const retryAfter = Number(response.headers?.["retry-after"]);
    return new RetryableError(
      response.status === 429 ? "invoicexpress_rate_limited" : "invoicexpress_unavailable",
      response.status === 429 ? "InvoicExpress asked the app to slow down; it will continue shortly." : `InvoicExpress had a problem while ${doing}; it will be retried.`,
      { detail, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined },
    );
  }
  const code = response.status === 404 ? "invoicexpress_not_found" : response.status === 406 ? "invoicexpress_wrong_state" : "invoicexpress_rejected";
  return new PermanentError(
    code,
    `InvoicExpress refused ${doing}${messages.length ? `: ${messages.join("; ").replace(/\.$/, "")}` : ""}. Correct this in InvoicExpress or in the app's settings, then press Retry.`,
    { detail },
  );
}
