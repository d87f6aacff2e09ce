// Session tokens as customer accounts hand them to an extension (shopify.sessionToken.get()): HS256 with the
// app's secret, audience the app's API key, `dest` the shop, `sub` the signed-in buyer. `change` forges, expires,
// re-addresses or strips them.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";

export type TokenChange = { secret?: string; audience?: string; expiresIn?: number; sub?: string | null; dest?: string | null; alg?: "HS256" | "HS512" };

export async function customerToken(apiKey: string, apiSecret: string, shop: string, customerId: string | number | null, change: TokenChange = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { sid: randomUUID() };
  const dest = change.dest === undefined ? shop : change.dest;
  if (dest !== null) claims.dest = dest;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: change.alg ?? "HS256", typ: "JWT" })
    .setIssuedAt(now - 5)
    .setNotBefore(now - 5)
    .setExpirationTime(now + (change.expiresIn ?? 60))
    .setJti(randomUUID())
    .setAudience(change.audience ?? apiKey);
  const sub = change.sub === undefined ? (customerId === null ? null : `gid://shopify/Customer/${customerId}`) : change.sub;
  if (sub !== null) jwt.setSubject(sub);
  return jwt.sign(new TextEncoder().encode(change.secret ?? apiSecret));
}
