// A shop's accounting system, from its stored connection: credentials decrypted here and nowhere else,
// settings validated by the provider's factory, and the runtime a provider needs (token storage with
// encryption, request pacing, the app's OAuth client).
import type { Db } from "../db.server";
import { decryptSecret, encryptSecret } from "../lib/crypto.server";
import { allKeys, currentKey } from "../lib/keys.server";
import { env } from "../lib/env.server";
import { AuthError } from "../lib/errors";
import type { CredentialStore, MissingProductPolicy, ProviderRuntime } from "./provider";
import { createProvider, NAMES } from "./registry";
import { paceFor, VISMA_REQUESTS_PER_SECOND } from "./pacing.server";

/** Compare-and-set over the connection's encrypted credentials: a refresh never overwrites a newer save. */
export function connectionCredentialStore(db: Db, connectionId: string): CredentialStore<unknown> {
  return {
    async load() {
      const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId } });
      return JSON.parse(decryptSecret(row.encryptedCredentials, allKeys()));
    },
    async save(next, previous) {
      const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId } });
      if (decryptSecret(row.encryptedCredentials, allKeys()) !== JSON.stringify(previous)) return false;
      const { count } = await db.connection.updateMany({
        where: { id: connectionId, encryptedCredentials: row.encryptedCredentials },
        data: { encryptedCredentials: encryptSecret(JSON.stringify(next), currentKey()) },
      });
      return count === 1;
    },
  };
}

export function runtimeFor(db: Db, connection: { id: string; providerType: string; shopDomain: string }): ProviderRuntime {
  // The shop's own invoices live in our database.
  if (connection.providerType === "shop") return { db, shopDomain: connection.shopDomain };
  if (connection.providerType !== "visma") return {};
  const config = env();
  return {
    credentialStore: connectionCredentialStore(db, connection.id),
    pace: paceFor(`visma:${config.VISMA_CLIENT_ID ?? "app"}`, VISMA_REQUESTS_PER_SECOND),
    oauthClient: config.VISMA_CLIENT_ID && config.VISMA_CLIENT_SECRET ? { clientId: config.VISMA_CLIENT_ID, clientSecret: config.VISMA_CLIENT_SECRET } : undefined,
  };
}

export function providerForShop(db: Db) {
  return async (shopDomain: string, known?: { shopSettings: string }) => {
    const connections = await db.connection.findMany({ where: { shopDomain, status: { in: ["active", "paused"] } }, orderBy: { createdAt: "asc" } });
    const connection = connections.find((c) => c.status === "active");
    if (!connection) {
      const paused = connections[0];
      if (!paused) return null;
      // Orders wait (failed, with Retry) until the merchant reconnects; they are not dropped.
      throw new AuthError(
        "connection_paused",
        paused.statusMessage ?? `The connection to ${NAMES[paused.providerType as keyof typeof NAMES] ?? paused.providerType} is paused. Reconnect it in the app's settings, then press Retry.`,
      );
    }
    const settings = JSON.parse(connection.settings) as Record<string, unknown>;
    const credentials = JSON.parse(decryptSecret(connection.encryptedCredentials, allKeys()));
    // The rules page's policy; a connection saved before the policy moved there keeps its own.
    const shopSettings = known ? known.shopSettings : (await db.shop.findUnique({ where: { shopDomain }, select: { settings: true } }))?.settings;
    const policy = missingProductsPolicy(shopSettings) ?? settings.missingProducts;
    return {
      provider: createProvider({ type: connection.providerType, credentials, settings, runtime: runtimeFor(db, connection) }),
      type: connection.providerType,
      name: NAMES[connection.providerType as keyof typeof NAMES] ?? connection.providerType,
      missingProducts: (policy === "create" || policy === "default" ? policy : "halt") as MissingProductPolicy,
      connectionId: connection.id,
      settings,
    };
  };
}

/** The rules page's missing-product policy in the shop's settings (app/invoicing/settings.ts writes it), if set. */
function missingProductsPolicy(shopSettings: string | undefined): unknown {
  try {
    return (JSON.parse(shopSettings ?? "{}") as { missingProducts?: unknown }).missingProducts;
  } catch {
    return undefined;
  }
}
