// Connecting e-conomic by approval (e-conomic, "Connecting to the API"): the app sends the merchant to its
// installation URL (requestaccess.aspx with the app's public token and a redirect URL); the agreement's
// administrator approves, and e-conomic sends the browser back with the Agreement Grant Token as `token`.
// The redirect URL carries a one-time state, so the token can only connect the shop that asked.
import type { Db } from "../../db.server";
import { encryptSecret } from "../../lib/crypto.server";
import { currentKey } from "../../lib/keys.server";
import { env } from "../../lib/env.server";
import { AppError } from "../../lib/errors";
import { writeSyncLog } from "../../sync-log/sync-log.server";
import { issueState, spendState } from "../oauth-state.server";
import { economicChoices } from "./economic-choices";
import { ECONOMIC_PRODUCTION_URL } from "./economic-client";

const ECONOMIC_SECURE_URL = "https://secure.e-conomic.com";

/** Both of the app's tokens are configured: the merchant can connect by approving the app in e-conomic. */
export function economicApprovalAvailable(): boolean {
  const config = env();
  return Boolean(config.ECONOMIC_APP_PUBLIC_TOKEN && config.ECONOMIC_APP_SECRET_TOKEN);
}

/** Where the REST API is: the simulator in the sandbox, e-conomic otherwise. */
function restUrl() {
  return env().ECONOMIC_ENDPOINT ?? ECONOMIC_PRODUCTION_URL;
}

export async function startEconomicConnect(db: Db, shopDomain: string, now = new Date()): Promise<string> {
  const config = env();
  if (!economicApprovalAvailable()) throw new Error("e-conomic approval is not set up: ECONOMIC_APP_PUBLIC_TOKEN and ECONOMIC_APP_SECRET_TOKEN are missing (README, environment).");
  const state = await issueState(db, shopDomain, "economic", now);
  const back = new URL("/connect/economic/callback", config.SHOPIFY_APP_URL);
  back.searchParams.set("state", state);
  const url = new URL("/secure/api1/requestaccess.aspx", config.ECONOMIC_ENDPOINT ?? ECONOMIC_SECURE_URL);
  url.searchParams.set("appPublicToken", config.ECONOMIC_APP_PUBLIC_TOKEN!);
  url.searchParams.set("redirectUrl", back.toString());
  return url.toString();
}

export type EconomicConnectOutcome = { ok: true; shopDomain: string } | { ok: false; status: number; message: string };

export async function completeEconomicConnect(db: Db, input: { state: string | null; token: string | null }, now = new Date()): Promise<EconomicConnectOutcome> {
  const shopDomain = input.state ? await spendState(db, input.state, "economic", now) : null;
  if (!shopDomain) return { ok: false, status: 400, message: "This approval link has expired or was already used. Connect e-conomic again from the app." };
  if (!input.token) {
    const message = "e-conomic sent no access back, so e-conomic is not connected. Approve Invoice Bridge in e-conomic when you are ready.";
    await writeSyncLog(db, { shopDomain, status: "failed", message });
    return { ok: false, status: 400, message };
  }
  const credentials = { appSecretToken: env().ECONOMIC_APP_SECRET_TOKEN!, agreementGrantToken: input.token };
  try {
    // The token is checked before it is kept: e-conomic must answer with it.
    await economicChoices({ baseUrl: restUrl(), credentials });
  } catch (error) {
    const message = error instanceof AppError ? error.merchantMessage : "e-conomic could not be reached to check the new access. Connect e-conomic again from the app.";
    await writeSyncLog(db, { shopDomain, status: "failed", message: `Connecting e-conomic: ${message}` });
    return { ok: false, status: 502, message };
  }
  const encryptedCredentials = encryptSecret(JSON.stringify(credentials), currentKey());
  const existing = await db.connection.findUnique({ where: { shopDomain_providerType: { shopDomain, providerType: "economic" } } });
  // A reconnect keeps the merchant's settings; a first connection starts with the address only, and the
  // settings (customer group, terms, layout, …) are chosen next, from e-conomic's own lists.
  const settings = existing ? existing.settings : JSON.stringify(env().ECONOMIC_ENDPOINT ? { baseUrl: env().ECONOMIC_ENDPOINT } : {});
  await db.connection.upsert({
    where: { shopDomain_providerType: { shopDomain, providerType: "economic" } },
    update: { encryptedCredentials, status: "active", statusMessage: null, verifiedAt: now },
    create: { shopDomain, providerType: "economic", encryptedCredentials, settings, verifiedAt: now },
  });
  await writeSyncLog(db, { shopDomain, status: "done", message: existing ? "e-conomic reconnected; waiting orders can be retried." : "e-conomic connected." });
  return { ok: true, shopDomain };
}
