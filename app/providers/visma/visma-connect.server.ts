// Connecting Visma eAccounting from the admin: the authorize redirect with a one-time `state`, and the
// callback that checks and spends it, exchanges the code and stores the tokens encrypted.
import type { Db } from "../../db.server";
import { encryptSecret } from "../../lib/crypto.server";
import { currentKey } from "../../lib/keys.server";
import { env } from "../../lib/env.server";
import { AppError } from "../../lib/errors";
import { writeSyncLog } from "../../sync-log/sync-log.server";
import { VISMA_API_URL } from "./visma-client";
import { authorizeUrl, exchangeCode, VISMA_IDENTITY_URL } from "./visma-oauth";
import { issueState, spendState } from "../oauth-state.server";

export function vismaRedirectUri() {
  return new URL("/connect/visma/callback", env().SHOPIFY_APP_URL).toString();
}

function oauthClient() {
  const config = env();
  if (!config.VISMA_CLIENT_ID || !config.VISMA_CLIENT_SECRET) {
    throw new Error("Visma eAccounting is not set up for this app: VISMA_CLIENT_ID and VISMA_CLIENT_SECRET are missing (README, environment).");
  }
  return { clientId: config.VISMA_CLIENT_ID, clientSecret: config.VISMA_CLIENT_SECRET };
}

/** The sandbox points both at the Visma simulator; production uses Visma's own addresses. */
function endpoints() {
  const simulator = env().VISMA_ENDPOINT;
  return { identityUrl: simulator ?? VISMA_IDENTITY_URL, baseUrl: simulator ?? VISMA_API_URL };
}

export async function startVismaConnect(db: Db, shopDomain: string, now = new Date()): Promise<string> {
  const state = await issueState(db, shopDomain, "visma", now);
  return authorizeUrl({ identityUrl: endpoints().identityUrl, clientId: oauthClient().clientId, redirectUri: vismaRedirectUri(), state });
}

export type ConnectOutcome = { ok: true; shopDomain: string } | { ok: false; status: number; message: string; shopDomain?: string };

export async function completeVismaConnect(
  db: Db,
  input: { state: string | null; code: string | null; error: string | null },
  now = new Date(),
): Promise<ConnectOutcome> {
  if (!input.state) return { ok: false, status: 400, message: "The answer from Visma carries no state, so it cannot be trusted. Start the connection again from the app." };
  // Spent once: a replayed or forged callback finds nothing to spend.
  const shopDomain = await spendState(db, input.state, "visma", now);
  if (!shopDomain) {
    return { ok: false, status: 400, message: "This sign-in link has expired or was already used. Start the connection to Visma eAccounting again from the app." };
  }
  if (input.error || !input.code) {
    const message =
      input.error === "access_denied"
        ? "Access was not granted in Visma, so Visma eAccounting is not connected. Start again from the app when you are ready."
        : `Visma did not complete the sign-in (${input.error ?? "no code"}). Start the connection again from the app.`;
    await writeSyncLog(db, { shopDomain, status: "failed", message });
    return { ok: false, status: 400, message, shopDomain };
  }
  let credentials;
  try {
    credentials = await exchangeCode({ identityUrl: endpoints().identityUrl, client: oauthClient(), code: input.code, redirectUri: vismaRedirectUri(), now: () => now });
  } catch (error) {
    const message = error instanceof AppError ? error.merchantMessage : "Visma's sign-in could not be completed. Start the connection again from the app.";
    await writeSyncLog(db, { shopDomain, status: "failed", message, detail: { code: error instanceof AppError ? error.code : "unexpected" } });
    return { ok: false, status: 502, message, shopDomain };
  }
  const encryptedCredentials = encryptSecret(JSON.stringify(credentials), currentKey());
  const existing = await db.connection.findUnique({ where: { shopDomain_providerType: { shopDomain, providerType: "visma" } } });
  // A reconnect keeps the merchant's settings; a first connection starts with the addresses only, and
  // the settings (terms of payment, codings, unit) are chosen next, from lists fetched from Visma.
  const settings = existing ? existing.settings : JSON.stringify(endpoints());
  await db.connection.upsert({
    where: { shopDomain_providerType: { shopDomain, providerType: "visma" } },
    update: { encryptedCredentials, status: "active", statusMessage: null, verifiedAt: now },
    create: { shopDomain, providerType: "visma", encryptedCredentials, settings, verifiedAt: now },
  });
  await writeSyncLog(db, { shopDomain, status: "done", message: existing ? "Visma eAccounting reconnected; waiting orders can be retried." : "Visma eAccounting connected." });
  return { ok: true, shopDomain };
}
