// Who is asking, for the customer-account extensions (extensions/invoice-account): the session token the
// extension gets from shopify.sessionToken.get() and sends as a Bearer header. Checked here rather than with
// shopify-app-remix's authenticate.public.customerAccount, which accepts a token without `sub` and does not check
// the audience, and answers a missing token with a 401 that has no CORS headers (the extension then sees a CORS
// error instead of our words). Here: the signature (HS256, the app's secret), the audience (our app's API key),
// the expiry, the shop it is for (`dest`), and `sub`, the signed-in buyer; no `sub`, no access, never a fallback.
import { errors, jwtVerify } from "jose";
import { env } from "../lib/env.server";

export type Buyer = { shopDomain: string; customerId: string };

/** A request without a valid buyer: 401 with the reason in words. */
export class BuyerAuthError extends Error {
  readonly status = 401;
  constructor(readonly reason: string) {
    super(reason);
  }
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/;

export async function verifyBuyer(request: Request, now: Date = new Date()): Promise<Buyer> {
  const header = request.headers.get("Authorization") ?? "";
  const token = /^Bearer (.+)$/.exec(header)?.[1];
  if (!token) throw new BuyerAuthError("Sign in to your account to see your invoices.");
  const config = env();
  let payload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(config.SHOPIFY_API_SECRET), {
      algorithms: ["HS256"],
      audience: config.SHOPIFY_API_KEY,
      currentDate: now,
      clockTolerance: 5,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new BuyerAuthError("Your session has expired. Reload the page.");
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") throw new BuyerAuthError("This session is not for Invoice Bridge.");
    throw new BuyerAuthError("Your session could not be verified. Reload the page.");
  }
  const shopDomain = String(payload.dest ?? "").replace(/^https:\/\//, "");
  if (!SHOP_DOMAIN.test(shopDomain)) throw new BuyerAuthError("Your session names no shop. Reload the page.");
  const customerId = CUSTOMER_GID.exec(String(payload.sub ?? ""))?.[1];
  if (!customerId) throw new BuyerAuthError("Sign in to your account to see your invoices.");
  return { shopDomain, customerId };
}
