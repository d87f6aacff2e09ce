// Saving a connection from the admin: the settings are validated by the provider's schema, the
// connection is checked against the accounting system, and only then stored, with the credentials
// encrypted. Every refusal is one sentence the merchant can act on. Visma's credentials come from its
// OAuth callback, so saving its settings keeps the stored tokens.
import type { Db } from "../db.server";
import { decryptSecret, encryptSecret } from "../lib/crypto.server";
import { allKeys, currentKey } from "../lib/keys.server";
import { AppError } from "../lib/errors";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { runtimeFor } from "./connections.server";
import type { ProviderType } from "./provider";
import { createProvider, NAMES, validateSettings } from "./registry";

export type SaveConnectionInput = {
  shopDomain: string;
  providerType: ProviderType;
  /** Absent for OAuth providers (Visma): the tokens stored by the callback are kept. */
  credentials?: unknown;
  settings: Record<string, unknown>;
};

export type SaveConnectionOutcome = { ok: true; connectionId: string } | { ok: false; message: string };

export async function saveConnection(db: Db, input: SaveConnectionInput): Promise<SaveConnectionOutcome> {
  const name = NAMES[input.providerType] ?? input.providerType;
  const existing = await db.connection.findUnique({ where: { shopDomain_providerType: { shopDomain: input.shopDomain, providerType: input.providerType } } });
  let credentials = input.credentials;
  if (credentials === undefined) {
    if (!existing) return { ok: false, message: `Connect ${name} first (sign in at ${name}), then choose its settings.` };
    credentials = JSON.parse(decryptSecret(existing.encryptedCredentials, allKeys()));
  }
  try {
    validateSettings(input.providerType, input.settings);
    const provider = createProvider({
      type: input.providerType,
      credentials,
      settings: input.settings,
      runtime: existing ? runtimeFor(db, existing) : undefined,
    });
    await provider.verifyConnection();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const message =
      error.kind === "retryable"
        ? `${name} could not be reached to check the connection (${error.merchantMessage}) Nothing was saved; try again in a moment.`
        : error.merchantMessage;
    return { ok: false, message };
  }
  // The tokens may have been refreshed during the check: store what is current, not what was read.
  const current = existing && input.credentials === undefined ? (await db.connection.findUniqueOrThrow({ where: { id: existing.id } })).encryptedCredentials : null;
  const encryptedCredentials = current ?? encryptSecret(JSON.stringify(credentials), currentKey());
  const settings = JSON.stringify(input.settings);
  const saved = await db.connection.upsert({
    where: { shopDomain_providerType: { shopDomain: input.shopDomain, providerType: input.providerType } },
    update: { encryptedCredentials, settings, status: "active", statusMessage: null, verifiedAt: new Date() },
    create: { shopDomain: input.shopDomain, providerType: input.providerType, encryptedCredentials, settings, verifiedAt: new Date() },
  });
  await writeSyncLog(db, { shopDomain: input.shopDomain, status: "done", message: `${name} connection checked and saved.` });
  return { ok: true, connectionId: saved.id };
}
