// The Shopify app, assembled in one place: App Store distribution, embedded auth by token exchange,
// expiring offline tokens, sessions in our database, and one pinned Admin API version.
import { onInstalled } from "./admin/installed.server";
import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import db from "./db.server";
import { env } from "./lib/env.server";

/** The newest version shopify-api 15 offers; shopify.app.toml pins the same (a test checks). */
export const API_VERSION = ApiVersion.October26;

/** The scopes we ask for; the README says why each one is needed. shopify.app.toml lists the same. */
export const ACCESS_SCOPES = ["write_orders", "read_customers", "read_payment_terms"];

const config = env();

const baseConfig = {
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: config.SCOPES?.split(",") ?? ACCESS_SCOPES,
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  logger: { level: 1 /* warnings and errors */ },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
};

// The storage is typed against the default @prisma/client; ours is the same model generated per database.
export const sessionStorage = new PrismaSessionStorage(db as unknown as ConstructorParameters<typeof PrismaSessionStorage>[0]);

const shopify = shopifyApp({
  ...baseConfig,
  sessionStorage,
  hooks: {
    // A (re)install: the shop is ours again. The verification period starts at the first install only.
    // After an uninstall, what it stopped resumes (app/admin/installed.server.ts).
    afterAuth: async ({ session }) => {
      await onInstalled(db, session.shop);
    },
  },
});

/**
 * Webhook intake never needs the shop's session. The library's authenticate.webhook loads it, and may
 * refresh an expiring offline token over the network, on every delivery; with this storage it does
 * neither, so the request path stays a signature check and one database write. The worker loads the
 * session itself when it needs the Admin API.
 */
class NoSessionForWebhooks implements SessionStorage {
  async storeSession(): Promise<boolean> {
    return true;
  }
  async loadSession(): Promise<Session | undefined> {
    return undefined;
  }
  async deleteSession(): Promise<boolean> {
    return true;
  }
  async deleteSessions(): Promise<boolean> {
    return true;
  }
  async findSessionsByShop(): Promise<Session[]> {
    return [];
  }
}
const webhookIntakeApp = shopifyApp({ ...baseConfig, sessionStorage: new NoSessionForWebhooks() });

export default shopify;
/**
 * Shopify's document headers, among them the CSP that lets only the shop's admin frame the app. The
 * sandbox's stand-in admin frames it from the app's own origin (the one this request came to), so there,
 * and only there, that origin is added to frame-ancestors.
 */
export function addDocumentResponseHeaders(request: Request, headers: Headers) {
  shopify.addDocumentResponseHeaders(request, headers);
  const csp = headers.get("Content-Security-Policy");
  if (config.IB_SANDBOX && csp?.includes("frame-ancestors")) {
    headers.set("Content-Security-Policy", csp.replace("frame-ancestors", `frame-ancestors ${new URL(request.url).origin}`));
  }
}
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const authenticateWebhook = webhookIntakeApp.authenticate.webhook;
