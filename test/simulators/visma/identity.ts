// The OAuth2 side of the simulator: Visma's identity server (identity.vismaonline.com, an IdentityServer;
// sandbox identity-sandbox.test.vismaonline.com), which eAccounting and Payroll share.
// Vendor facts (developer.vismaonline.com/docs/authentication and /docs/change-to-our-new-identity-server):
// - the authorization code flow: /connect/authorize, then POST /connect/token;
// - token requests must be `application/x-www-form-urlencoded`;
// - scopes: `ea:api` is needed for the API at all, `offline_access` to receive a refresh token, then
//   `ea:sales`, `ea:sales_readonly`, `ea:accounting(_readonly)`, `ea:purchase(_readonly)`; `vls:api` is Payroll's;
// - "When requesting tokens, the Refresh Tokens will always be updated… the same Refresh Token cannot be used
//   more than once": refresh tokens rotate and are single use.
// Standard behaviour where Visma says nothing: errors per RFC 6749 §4.1.2.1 and §5.2; codes live 5 minutes and
// are single use (IdentityServer's default AuthorizationCodeLifetime is 300 s), and a replayed code revokes what
// it issued (RFC 6749 §4.1.2). The sandbox consents without a browser: /connect/authorize redirects at once.
// Client authentication is HTTP Basic only (RFC 6749 §2.3.1, form-encoded id and secret); IdentityServer would
// also take the secret in the body, but the simulator is stricter.
import { randomBytes } from "node:crypto";

export type Reply = { status: number; json?: unknown; text?: string; pdf?: Uint8Array; headers?: Record<string, string> };
export type Client = { clientId: string; clientSecret: string; redirectUris: string[] };
export type AccessGrant = { clientId: string; companyId: string; scopes: Set<string>; expiresAt: number };
export type TokenSet = { access_token: string; token_type: "Bearer"; expires_in: number; refresh_token?: string; scope: string };

type RefreshGrant = { clientId: string; companyId: string; scopes: string[]; used: boolean };
type CodeGrant = { clientId: string; redirectUri: string; companyId: string; scopes: string[]; expiresAt: number; used: boolean; issued: string[] };

export const KNOWN_SCOPES = [
  "ea:api",
  "offline_access",
  "ea:sales",
  "ea:sales_readonly",
  "ea:accounting",
  "ea:accounting_readonly",
  "ea:purchase",
  "ea:purchase_readonly",
  "vls:api",
  "openid",
  "profile",
  "email",
];
const CODE_LIFETIME_MS = 5 * 60_000;

const token = () => randomBytes(32).toString("base64url");

export class IdentityServer {
  readonly clients = new Map<string, Client>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly access = new Map<string, AccessGrant>();
  private readonly refresh = new Map<string, RefreshGrant>();

  constructor(private readonly accessTokenTtlSeconds: number) {}

  clear() {
    this.clients.clear();
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
  }

  /** GET /connect/authorize, consenting at once on behalf of `companyId`. */
  authorize(query: URLSearchParams, companyId: string | undefined): Reply {
    const client = this.clients.get(query.get("client_id") ?? "");
    const redirectUri = query.get("redirect_uri") ?? "";
    // Without a known client and one of its registered redirect URIs there is nowhere safe to send an error.
    if (!client) return { status: 400, text: "Unknown client or client not enabled" };
    if (!client.redirectUris.includes(redirectUri)) return { status: 400, text: "Invalid redirect_uri" };
    const state = query.get("state");
    const back = (params: Record<string, string>) => {
      const location = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) location.searchParams.set(k, v);
      if (state !== null) location.searchParams.set("state", state);
      return { status: 302, headers: { Location: location.toString() } };
    };
    if (query.get("response_type") !== "code") return back({ error: "unsupported_response_type" });
    const scopes = (query.get("scope") ?? "").split(" ").filter(Boolean);
    if (!scopes.length) return back({ error: "invalid_request", error_description: "scope is missing" });
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
    if (unknown.length) return back({ error: "invalid_scope", error_description: `unknown scope ${unknown.join(" ")}` });
    if (!companyId) return back({ error: "access_denied", error_description: "the user has no company to consent for" });
    const code = token();
    this.codes.set(code, { clientId: client.clientId, redirectUri, companyId, scopes, expiresAt: Date.now() + CODE_LIFETIME_MS, used: false, issued: [] });
    return back({ code });
  }

  /** POST /connect/token. */
  token(headers: { authorization?: string; contentType?: string }, rawBody: string): Reply {
    if (!(headers.contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request", "the token request must be application/x-www-form-urlencoded");
    }
    const client = this.basicClient(headers.authorization);
    if (!client) return { ...oauthError(401, "invalid_client"), headers: { "WWW-Authenticate": 'Basic realm="identity"' } };
    const form = new URLSearchParams(rawBody);
    const grantType = form.get("grant_type");
    if (!grantType) return oauthError(400, "invalid_request", "grant_type is missing");

    if (grantType === "authorization_code") {
      const code = form.get("code") ?? "";
      const grant = this.codes.get(code);
      if (!grant || grant.clientId !== client.clientId) return oauthError(400, "invalid_grant");
      if (grant.used) {
        for (const issued of grant.issued) {
          this.access.delete(issued);
          this.refresh.delete(issued);
        }
        return oauthError(400, "invalid_grant", "authorization code already used");
      }
      grant.used = true;
      if (grant.expiresAt < Date.now()) return oauthError(400, "invalid_grant", "authorization code expired");
      if (form.get("redirect_uri") !== grant.redirectUri) return oauthError(400, "invalid_grant", "redirect_uri does not match");
      const set = this.issue(client.clientId, grant.companyId, grant.scopes);
      grant.issued.push(set.access_token, ...(set.refresh_token ? [set.refresh_token] : []));
      return tokenReply(set);
    }

    if (grantType === "refresh_token") {
      const presented = form.get("refresh_token") ?? "";
      const grant = this.refresh.get(presented);
      if (!grant || grant.used || grant.clientId !== client.clientId) return oauthError(400, "invalid_grant");
      grant.used = true;
      return tokenReply(this.issue(client.clientId, grant.companyId, grant.scopes));
    }

    return oauthError(400, "unsupported_grant_type");
  }

  /** New tokens; a refresh token only when `offline_access` was granted. */
  issue(clientId: string, companyId: string, scopes: string[]): TokenSet {
    const accessToken = token();
    this.access.set(accessToken, { clientId, companyId, scopes: new Set(scopes), expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000 });
    const set: TokenSet = { access_token: accessToken, token_type: "Bearer", expires_in: this.accessTokenTtlSeconds, scope: scopes.join(" ") };
    if (scopes.includes("offline_access")) {
      set.refresh_token = token();
      this.refresh.set(set.refresh_token, { clientId, companyId, scopes, used: false });
    }
    return set;
  }

  /** The grant behind a bearer token, if the token is known and not expired. */
  accessGrant(accessToken: string): AccessGrant | undefined {
    const grant = this.access.get(accessToken);
    return grant && grant.expiresAt > Date.now() ? grant : undefined;
  }

  expireAccessTokens(companyId: string) {
    for (const grant of this.access.values()) if (grant.companyId === companyId) grant.expiresAt = 0;
  }

  revokeRefreshTokens(companyId: string) {
    for (const [key, grant] of this.refresh) if (grant.companyId === companyId) this.refresh.delete(key);
  }

  private basicClient(authorization: string | undefined): Client | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    try {
      const client = this.clients.get(formDecode(decoded.slice(0, colon)));
      return client && client.clientSecret === formDecode(decoded.slice(colon + 1)) ? client : undefined;
    } catch {
      return undefined;
    }
  }
}

function oauthError(status: number, error: string, description?: string): Reply {
  return { status, json: description ? { error, error_description: description } : { error }, headers: { "Cache-Control": "no-store" } };
}

function tokenReply(set: TokenSet): Reply {
  // RFC 6749 §5.1: token responses must not be cached.
  return { status: 200, json: set, headers: { "Cache-Control": "no-store", Pragma: "no-cache" } };
}
