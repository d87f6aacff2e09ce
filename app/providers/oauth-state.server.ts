// The one-time `state` of a sign-in that leaves the app (Visma's OAuth, e-conomic's app approval): issued
// with the shop it belongs to, spent once by the callback. A forged, replayed or expired state finds
// nothing to spend, so a callback can only ever connect the shop that started it.
import { randomBytes } from "node:crypto";
import type { Db } from "../db.server";

/** How long the merchant has to finish at the accounting system. */
const STATE_TTL_MS = 15 * 60_000;

export async function issueState(db: Db, shopDomain: string, providerType: string, now = new Date()): Promise<string> {
  const state = randomBytes(32).toString("base64url");
  await db.oAuthState.create({ data: { state, shopDomain, providerType, expiresAt: new Date(now.getTime() + STATE_TTL_MS) } });
  return state;
}

/** The shop the state was issued to, once; null for a state that is unknown, spent, expired or another system's. */
export async function spendState(db: Db, state: string, providerType: string, now = new Date()): Promise<string | null> {
  const pending = await db.oAuthState.findUnique({ where: { state } });
  const { count } = await db.oAuthState.deleteMany({ where: { state, expiresAt: { gt: now } } });
  return pending && count === 1 && pending.providerType === providerType ? pending.shopDomain : null;
}
