// HTTP to e-conomic's REST API, and the one place its failures become our typed errors.
// Auth: X-AppSecretToken and X-AgreementGrantToken headers (e-conomic REST docs, "Authentication").
// Error body: { message, errorCode, developerHint, logId, httpStatusCode, errors: { field: { errors: [{ message }] } } }.
import axios, { AxiosError, type AxiosInstance } from "axios";
import { AppError, AuthError, PermanentError, RetryableError } from "../../lib/errors";

export const ECONOMIC_PRODUCTION_URL = "https://restapi.e-conomic.com";

export type EconomicCredentials = { appSecretToken: string; agreementGrantToken: string };

export function economicHttp(options: { baseUrl: string; credentials: EconomicCredentials; timeoutMs?: number }): AxiosInstance {
  return axios.create({
    baseURL: options.baseUrl.replace(/\/$/, ""),
    timeout: options.timeoutMs ?? 20_000,
    headers: {
      "X-AppSecretToken": options.credentials.appSecretToken,
      "X-AgreementGrantToken": options.credentials.agreementGrantToken,
      "Content-Type": "application/json",
    },
  });
}

type EconomicErrorBody = {
  message?: string;
  errorCode?: string;
  developerHint?: string;
  logId?: string;
  errors?: Record<string, { errors?: Array<{ message?: string; errorMessage?: string }> }>;
};

/** Maps any failure of a call to e-conomic into permanent, retryable or auth, with words for the merchant. */
export function economicError(error: unknown, doing: string): Error {
  if (error instanceof AppError) return error;
  if (!(error instanceof AxiosError)) {
    return new RetryableError("economic_unexpected", `Talking to e-conomic failed unexpectedly while ${doing}; it will be retried.`, {
      cause: error,
      detail: error instanceof Error ? error.message : String(error),
    });
  }
  const response = error.response;
  if (!response) {
    return new RetryableError("economic_unreachable", `e-conomic did not answer while ${doing}; it will be retried.`, {
      cause: error,
      detail: `${error.code ?? "network error"}: ${error.message}`,
    });
  }
  const body = (typeof response.data === "object" && response.data ? response.data : {}) as EconomicErrorBody;
  const detail = `HTTP ${response.status} ${body.errorCode ?? ""} ${body.message ?? ""} (logId ${body.logId ?? "?"})`.trim();
  if (response.status === 401 || response.status === 403) {
    return new AuthError("economic_auth", "e-conomic refused the app's access. Reconnect e-conomic in the app's settings.", { detail });
  }
  if (response.status === 429 || response.status >= 500) {
    const retryAfter = Number(response.headers?.["retry-after"]);
    return new RetryableError(
      response.status === 429 ? "economic_rate_limited" : "economic_unavailable",
      response.status === 429 ? "e-conomic asked the app to slow down; it will continue shortly." : `e-conomic had a problem while ${doing}; it will be retried.`,
      { detail, retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined },
    );
  }
  const fields = Object.entries(body.errors ?? {}).flatMap(([field, entry]) =>
    (entry.errors ?? []).map((e) => `${field}: ${(e.message ?? e.errorMessage ?? "invalid").replace(/\.$/, "")}`),
  );
  return new PermanentError(
    "economic_rejected",
    `e-conomic refused ${doing}${fields.length ? `: ${fields.join("; ")}` : body.message ? `: ${body.message}` : ""}. Correct this in e-conomic or in the app's settings, then press Retry.`,
    { detail },
  );
}
