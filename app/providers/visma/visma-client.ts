// HTTP to Visma eAccounting API v2, and the one place its failures become our typed errors.
// Error body (Visma eAccounting API docs, "Errors"): { ErrorCode, DeveloperErrorMessage, ErrorId };
// 2000 = validation, 4000 = conflict, 4010 = rate limit (HTTP 429). Limit: 600 requests per minute per
// client and endpoint; every request waits for the pacer first, so the limit is kept, not discovered.
import axios, { AxiosError, type AxiosRequestConfig } from "axios";
import type { z } from "zod";
import { AppError, AuthError, PermanentError, RetryableError } from "../../lib/errors";
import type { TokenSource } from "./visma-oauth";

export const VISMA_API_URL = "https://eaccountingapi.vismaonline.com";

/** The rate-limited unit: the method and the route with ids replaced ("POST /v2/customerinvoicedrafts/{id}/convert"). */
export function endpointOf(method: string, path: string): string {
  const route = path.split("?")[0].replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi, "/{id}");
  return `${method.toUpperCase()} ${route}`;
}

type VismaErrorBody = { ErrorCode?: number; DeveloperErrorMessage?: string; ErrorId?: string };

/** Maps a failed call into permanent, retryable or auth, with words for the merchant. */
export function vismaError(error: unknown, doing: string): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof AxiosError)) {
    return new RetryableError("visma_unexpected", `Talking to Visma eAccounting failed unexpectedly while ${doing}; it will be retried.`, {
      cause: error,
      detail: error instanceof Error ? error.message : String(error),
    });
  }
  const response = error.response;
  if (!response) {
    return new RetryableError("visma_unreachable", `Visma eAccounting did not answer while ${doing}; it will be retried.`, {
      cause: error,
      detail: `${error.code ?? "network error"}: ${error.message}`,
    });
  }
  const body = (typeof response.data === "object" && response.data ? response.data : {}) as VismaErrorBody;
  const detail = `HTTP ${response.status} ErrorCode ${body.ErrorCode ?? "?"}: ${body.DeveloperErrorMessage ?? ""} (ErrorId ${body.ErrorId ?? "?"})`;
  if (response.status === 401) {
    return new AuthError("visma_reconnect", "Visma eAccounting refused the app's access. Reconnect Visma eAccounting in the app's settings; orders wait until then.", { detail });
  }
  if (response.status === 403) {
    return new AuthError(
      "visma_forbidden",
      `Visma eAccounting does not allow ${doing} for this company (the user's rights, the plan, or a module such as Orders is missing). Check the Visma subscription, then reconnect.`,
      { detail },
    );
  }
  if (response.status === 429 || body.ErrorCode === 4010 || response.status >= 500) {
    const retryAfter = Number(response.headers?.["retry-after"]);
    const limited = response.status === 429 || body.ErrorCode === 4010;
    return new RetryableError(
      limited ? "visma_rate_limited" : "visma_unavailable",
      limited ? "Visma eAccounting asked the app to slow down; it will continue shortly." : `Visma eAccounting had a problem while ${doing}; it will be retried.`,
      { detail, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : limited ? 60_000 : undefined },
    );
  }
  const reason = body.DeveloperErrorMessage ? `: ${body.DeveloperErrorMessage.replace(/\.$/, "")}` : "";
  return new PermanentError(
    body.ErrorCode === 4000 ? "visma_conflict" : "visma_rejected",
    `Visma eAccounting refused ${doing}${reason}. Correct this in Visma eAccounting or in the app's settings, then press Retry.`,
    { detail },
  );
}

export type VismaHttp = {
  call<T>(doing: string, request: AxiosRequestConfig & { method: "GET" | "POST" | "PUT" | "DELETE"; url: string }, schema: z.ZodType<T>): Promise<T>;
  /** The HTTP status of a GET, for existence checks: 404 is an answer, not a failure. */
  exists(doing: string, url: string): Promise<boolean>;
};

export function vismaHttp(options: { baseUrl: string; tokens: TokenSource; pace?: (endpoint: string) => Promise<void>; timeoutMs?: number }): VismaHttp {
  const http = axios.create({ baseURL: options.baseUrl.replace(/\/$/, ""), timeout: options.timeoutMs ?? 30_000, headers: { Accept: "application/json" } });
  async function send(request: AxiosRequestConfig & { method: string; url: string }) {
    // One retry after a 401: the token may have been revoked by a refresh elsewhere, or expired early.
    for (let attempt = 0; ; attempt++) {
      const token = await options.tokens.accessToken();
      // Paced last, so that the request leaves as soon as the limiter lets it (a token refresh, which can
      // take seconds, happens before): Visma counts requests when they arrive, and the pacer's windows
      // hold only if the requests arrive as they were let through.
      await options.pace?.(endpointOf(request.method, request.url));
      try {
        return await http.request({ ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } });
      } catch (error) {
        if (attempt === 0 && error instanceof AxiosError && error.response?.status === 401) {
          options.tokens.invalidate(token);
          continue;
        }
        throw error;
      }
    }
  }
  return {
    async call(doing, request, schema) {
      let data: unknown;
      try {
        data = (await send(request)).data;
      } catch (error) {
        throw vismaError(error, doing);
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        throw new RetryableError("visma_garbled", `Visma eAccounting gave an answer the app could not read while ${doing}; it will be retried.`, {
          detail: parsed.error.issues[0]?.message,
        });
      }
      return parsed.data;
    },
    async exists(doing, url) {
      try {
        await send({ method: "GET", url });
        return true;
      } catch (error) {
        if (error instanceof AxiosError && error.response?.status === 404) return false;
        throw vismaError(error, doing);
      }
    },
  };
}
