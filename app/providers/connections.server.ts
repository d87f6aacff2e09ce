// A shop's accounting system, from its stored connection: credentials decrypted here and nowhere else,
// settings validated by the provider's factory.
import type { Db } from "../db.server";
import { decryptSecret, parseKey } from "../lib/crypto.server";
import { env } from "../lib/env.server";
import type { MissingProductPolicy } from "./provider";
import { createProvider } from "./registry";

const NAMES: Record<string, string> = {
  economic: "e-conomic",
  visma: "Visma eAccounting",
  invoicexpress: "InvoicExpress",
  intact: "Intact iQ",
  collector: "Walley",
  shop: "the shop's own invoices",
};

export function providerForShop(db: Db) {
  return async (shopDomain: string) => {
    const connection = await db.connection.findFirst({ where: { shopDomain, status: "active" }, orderBy: { createdAt: "asc" } });
    if (!connection) return null;
    const settings = JSON.parse(connection.settings) as Record<string, unknown>;
    const credentials = JSON.parse(decryptSecret(connection.encryptedCredentials, parseKey(env().ENCRYPTION_KEY)));
    const policy = settings.missingProducts;
    return {
      provider: createProvider({ type: connection.providerType, credentials, settings }),
      type: connection.providerType,
      name: NAMES[connection.providerType] ?? connection.providerType,
      missingProducts: (policy === "create" || policy === "default" ? policy : "halt") as MissingProductPolicy,
      connectionId: connection.id,
    };
  };
}
