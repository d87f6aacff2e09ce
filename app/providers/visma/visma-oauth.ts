// Visma Connect (OAuth2, authorization code with refresh tokens) for eAccounting.
// Facts (Visma eAccounting API docs, "Authentication"): authorize at
// https://identity.vismaonline.com/connect/authorize, tokens from POST .../connect/token with the client's
// credentials as HTTP Basic; scopes "ea:api offline_access ea:sales"; an access token lasts 3600 s and a
// refresh gives a new refresh token. We treat refresh tokens as single use (the stricter reading), so two
// jobs must never both spend the same one: see tokenSource below.
import axios, { AxiosError } from "axios";
import { z } from "zod";
import { AuthError, RetryableError } from "../../lib/errors";
import type { CredentialStore } from "../provider";

export const VISMA_IDENTITY_URL = "https://identity.vismaonline.com";
export const VISMA_SCOPES = "ea:api offline_access ea:sales";

/** What a Visma connection stores (encrypted): the tokens and when the access token expires. */
export const vismaCredentialsSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: z.iso.datetime(),
});
export type VismaCredentials = z.infer<typeof vismaCredentialsSchema>;

export type OAuthClient = { clientId: string; clientSecret: string };

/** Refresh this long before the access token runs out, so that no request leaves with a token about to expire. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** How often (200 ms apart) a job whose refresh token was already spent looks for the tokens another job saved. */
const SPENT_TOKEN_WAITS = 10;

export function authorizeUrl(input: { identityUrl: string; clientId: string; redirectUri: string; state: string }): string {
  const url = new URL("/connect/authorize", input.identityUrl);
  url.searchParams.set("client_id", input.clientId);
  url.searchParams.set("redirect_uri", input.redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", VISMA_SCOPES);
  url.searchParams.set("state", input.state);
  return url.toString();
}

const tokenAnswer = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1), expires_in: z.number().positive() });

async function tokenRequest(identityUrl: string, client: OAuthClient, form: Record<string, string>, now: () => Date): Promise<VismaCredentials> {
  let data: unknown;
  try {
    const response = await axios.post(new URL("/connect/token", identityUrl).toString(), new URLSearchParams(form).toString(), {
      auth: { username: client.clientId, password: client.clientSecret },
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      timeout: 20_000,
    });
    data = response.data;
  } catch (error) {
    const response = error instanceof AxiosError ? error.response : undefined;
    const code = (response?.data as { error?: string } | undefined)?.error;
    if (response && response.status < 500 && response.status !== 429) {
      // invalid_grant: the code or refresh token is spent, expired or revoked; invalid_client: the app's own keys.
      throw new AuthError(
        "visma_reconnect",
        "Visma eAccounting no longer accepts the app's access (the sign-in expired or was withdrawn). Reconnect Visma eAccounting in the app's settings; orders wait until then.",
        { detail: `token endpoint: HTTP ${response.status} ${code ?? ""}`.trim() },
      );
    }
    throw new RetryableError("visma_identity_unavailable", "Visma's sign-in service did not answer; the app will try again shortly.", {
      cause: error,
      detail: response ? `token endpoint: HTTP ${response.status}` : `token endpoint: ${(error as Error).message}`,
    });
  }
  const parsed = tokenAnswer.safeParse(data);
  if (!parsed.success) {
    throw new RetryableError("visma_identity_garbled", "Visma's sign-in service gave an answer the app could not read; it will try again shortly.");
  }
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    expiresAt: new Date(now().getTime() + parsed.data.expires_in * 1000).toISOString(),
  };
}

export function exchangeCode(input: { identityUrl: string; client: OAuthClient; code: string; redirectUri: string; now?: () => Date }) {
  return tokenRequest(input.identityUrl, input.client, { grant_type: "authorization_code", code: input.code, redirect_uri: input.redirectUri }, input.now ?? (() => new Date()));
}

export type TokenSource = {
  /** A token good for the next few minutes, refreshed first when needed. */
  accessToken(): Promise<string>;
  /** After a 401: refresh even if the token looks fresh. */
  invalidate(token: string): void;
};

/**
 * Access tokens for one connection. A refresh reads the stored tokens first (another job may have
 * refreshed already), spends the refresh token, and saves the result with a compare-and-set. When the
 * refresh token turns out to be spent, the stored copy is read once more: if another job saved newer
 * tokens, they are used; if not, the connection needs the merchant (AuthError).
 */
export function tokenSource(input: {
  identityUrl: string;
  client: OAuthClient;
  initial: VismaCredentials;
  store?: CredentialStore<unknown>;
  now?: () => Date;
}): TokenSource {
  const now = input.now ?? (() => new Date());
  let current = input.initial;
  let stale: string | null = null;
  let refreshing: Promise<VismaCredentials> | null = null;
  const fresh = (c: VismaCredentials) => c.accessToken !== stale && Date.parse(c.expiresAt) - REFRESH_MARGIN_MS > now().getTime();
  const load = async () => (input.store ? vismaCredentialsSchema.parse(await input.store.load()) : current);

  async function refresh(): Promise<VismaCredentials> {
    const stored = await load();
    if (fresh(stored)) return stored;
    try {
      const next = await tokenRequest(input.identityUrl, input.client, { grant_type: "refresh_token", refresh_token: stored.refreshToken }, now);
      if (input.store && !(await input.store.save(next, stored))) {
        // The connection was replaced meanwhile (a reconnect): the stored tokens are the ones to use.
        const replaced = await load();
        if (fresh(replaced)) return replaced;
      }
      return next;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      // Another job may have spent the same refresh token a moment ago and be saving its result now:
      // give it a couple of seconds to appear before telling the merchant to reconnect.
      for (let wait = 0; wait < SPENT_TOKEN_WAITS; wait++) {
        const again = await load();
        if (again.refreshToken !== stored.refreshToken && fresh(again)) return again;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw error;
    }
  }

  return {
    async accessToken() {
      if (fresh(current)) return current.accessToken;
      refreshing ??= refresh().finally(() => {
        refreshing = null;
      });
      current = await refreshing;
      return current.accessToken;
    },
    invalidate(token) {
      stale = token;
    },
  };
}
