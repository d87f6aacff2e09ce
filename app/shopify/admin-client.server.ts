// The Shopify Admin client port. Production goes through the library (`unauthenticated.admin`, which
// also refreshes expiring offline tokens); the sandbox and the tests point the same port at the Admin
// simulator over HTTP. Both map failures once, into our error classes.
import { AuthError, PermanentError, RetryableError } from "../lib/errors";

export interface ShopifyAdminClient {
  request<T>(document: string, variables?: Record<string, unknown>): Promise<T>;
}

type GraphqlError = { message: string; extensions?: { code?: string } };
type ThrottleStatus = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
export type GraphqlResponseBody = {
  data?: unknown;
  errors?: GraphqlError[] | string;
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
};

const AUTH_MESSAGE = "Shopify refused the app's access to your shop. Open Invoice Bridge in your Shopify admin once to re-authorise it.";

/** The one place an Admin API answer becomes data or a typed error. */
export function interpretAdminResponse<T>(status: number, headers: Headers, body: GraphqlResponseBody | undefined): T {
  if (status === 401 || status === 403) {
    throw new AuthError("shopify_auth", AUTH_MESSAGE, { detail: `Admin API answered ${status}` });
  }
  if (status === 429 || status >= 500) {
    throw new RetryableError("shopify_unavailable", "Shopify is busy or unavailable; the task will be retried.", {
      detail: `Admin API answered ${status}`,
      retryAfterMs: retryAfterHeaderMs(headers.get("retry-after")),
    });
  }
  if (status === 404) {
    throw new PermanentError("shopify_not_found", "The shop could not be found on Shopify (it may have been closed).");
  }
  if (!body || typeof body !== "object") {
    throw new RetryableError("shopify_garbled", "Shopify sent an answer that could not be read; the task will be retried.");
  }
  const errors = Array.isArray(body.errors) ? body.errors : body.errors ? [{ message: body.errors }] : [];
  if (errors.some((e) => e.extensions?.code === "THROTTLED")) {
    const throttle = body.extensions?.cost?.throttleStatus;
    const requested = body.extensions?.cost?.requestedQueryCost ?? 0;
    const waitMs =
      throttle && throttle.restoreRate > 0
        ? Math.ceil((Math.max(0, requested - throttle.currentlyAvailable) / throttle.restoreRate) * 1000)
        : 1000;
    throw new RetryableError("shopify_throttled", "Shopify asked the app to slow down; the task will continue shortly.", {
      retryAfterMs: waitMs,
      detail: `THROTTLED: requested ${requested}, available ${throttle?.currentlyAvailable ?? "?"}`,
    });
  }
  if (errors.length > 0) {
    throw new PermanentError("shopify_query", "Shopify rejected a request from the app. This is a bug on our side; please contact support.", {
      detail: errors.map((e) => e.message).join("; "),
    });
  }
  return body.data as T;
}

function retryAfterHeaderMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Paces a client by Shopify's throttle status: a THROTTLED answer whose bucket refills within a few
 * seconds is waited out and asked again (at most three times); a longer wait is left to the job's retry.
 */
export function pacedByThrottle(client: ShopifyAdminClient, options: { maxWaitMs?: number } = {}): ShopifyAdminClient {
  const maxWaitMs = options.maxWaitMs ?? 5_000;
  return {
    async request<T>(document: string, variables?: Record<string, unknown>) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await client.request<T>(document, variables);
        } catch (error) {
          const wait = error instanceof RetryableError && error.code === "shopify_throttled" ? (error.retryAfterMs ?? 1000) : undefined;
          if (wait === undefined || wait > maxWaitMs || attempt >= 3) throw error;
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    },
  };
}

/** GraphQL over HTTP, as Shopify's Admin API speaks it: for the simulator in the sandbox and tests. */
export function httpAdminClient(options: {
  endpoint: string;
  shop: string;
  accessToken: string;
  apiVersion: string;
  timeoutMs?: number;
}): ShopifyAdminClient {
  const url = `${options.endpoint.replace(/\/$/, "")}/admin/api/${options.apiVersion}/graphql.json`;
  return {
    async request<T>(document: string, variables?: Record<string, unknown>) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "X-Shopify-Access-Token": options.accessToken,
            "X-Shopify-Shop-Domain": options.shop,
          },
          body: JSON.stringify({ query: document, variables }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        throw new RetryableError("shopify_unreachable", "Shopify could not be reached; the task will be retried.", {
          cause: error,
          detail: (error as Error).message,
        });
      }
      const body = (await response.json().catch(() => undefined)) as GraphqlResponseBody | undefined;
      return interpretAdminResponse<T>(response.status, response.headers, body);
    },
  };
}

type LibraryAdmin = { graphql: (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response> };
type UnauthenticatedAdmin = (shop: string) => Promise<{ admin: LibraryAdmin }>;

/** Production: the library's client with the shop's offline session (refreshed when it expires). */
export function libraryAdminClient(shop: string, unauthenticatedAdmin: UnauthenticatedAdmin): ShopifyAdminClient {
  return {
    async request<T>(document: string, variables?: Record<string, unknown>) {
      let response: Response;
      try {
        const { admin } = await unauthenticatedAdmin(shop);
        response = await admin.graphql(document, { variables });
      } catch (error) {
        throw fromLibraryError(error);
      }
      const body = (await response.json().catch(() => undefined)) as GraphqlResponseBody | undefined;
      return interpretAdminResponse<T>(response.status, response.headers, body);
    },
  };
}

/** The library throws its own classes (or a Response); map them through the same interpretation. */
function fromLibraryError(error: unknown): Error {
  try {
    if (error instanceof Response) return interpretAdminResponse(error.status, error.headers, undefined) as never;
    const e = error as {
      name?: string;
      body?: GraphqlResponseBody;
      response?: { code?: number; headers?: Record<string, string | string[]>; retryAfter?: number };
    };
    if (e?.name === "SessionNotFoundError") {
      return new AuthError("shopify_no_session", AUTH_MESSAGE, { cause: error });
    }
    if (e?.name === "GraphqlQueryError" && e.body) return interpretAdminResponse(200, new Headers(), e.body) as never;
    if (e?.response?.code) {
      const headers = new Headers();
      if (e.response.retryAfter !== undefined) headers.set("retry-after", String(e.response.retryAfter));
      return interpretAdminResponse(e.response.code, headers, undefined) as never;
    }
  } catch (mapped) {
    return mapped as Error;
  }
  return new RetryableError("shopify_unreachable", "Shopify could not be reached; the task will be retried.", {
    cause: error,
    detail: error instanceof Error ? error.message : String(error),
  });
}
