// The buyer's session token, checked by us (app/account/customer-token.server.ts): what passes, and each way a
// token fails, answered 401 in words.
import { describe, expect, it } from "vitest";
import { BuyerAuthError, verifyBuyer } from "../../app/account/customer-token.server";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET } from "../../app/lib/env.server";
import { customerToken, type TokenChange } from "../helpers/customer-token";

const SHOP = "buyer-shop.myshopify.com";
const request = (token: string | null) => new Request("http://127.0.0.1/api/account/invoices", { headers: token === null ? {} : { Authorization: `Bearer ${token}` } });
const token = (change: TokenChange = {}, customer: number | null = 77) => customerToken(SANDBOX_API_KEY, SANDBOX_API_SECRET, SHOP, customer, change);

describe("the buyer's session token", () => {
  it("a signed-in buyer's token names the shop and the customer", async () => {
    expect(await verifyBuyer(request(await token()))).toEqual({ shopDomain: SHOP, customerId: "77" });
    expect(await verifyBuyer(request(await token({ dest: `https://${SHOP}` })))).toEqual({ shopDomain: SHOP, customerId: "77" });
  });

  it.each<[string, () => Promise<string | null>, string]>([
    ["no token", async () => null, "Sign in to your account to see your invoices."],
    ["no sub (a buyer not signed in, or no customer-data access)", () => token({ sub: null }), "Sign in to your account to see your invoices."],
    ["a sub that is not a customer", () => token({ sub: "gid://shopify/Order/1" }), "Sign in to your account to see your invoices."],
    ["expired", () => token({ expiresIn: -60 }), "Your session has expired. Reload the page."],
    ["forged (another secret)", () => token({ secret: "not-the-app-secret" }), "Your session could not be verified. Reload the page."],
    ["another algorithm", () => token({ alg: "HS512" }), "Your session could not be verified. Reload the page."],
    ["for another app (audience)", () => token({ audience: "someone-elses-app" }), "This session is not for Invoice Bridge."],
    ["no shop (dest)", () => token({ dest: null }), "Your session names no shop. Reload the page."],
    ["a shop that is not a shop domain", () => token({ dest: "evil.example.com" }), "Your session names no shop. Reload the page."],
    ["garbage", async () => "not.a.token", "Your session could not be verified. Reload the page."],
  ])("%s → 401: %s", async (_name, make, reason) => {
    const error = await verifyBuyer(request(await make())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuyerAuthError);
    expect((error as BuyerAuthError).reason).toBe(reason);
  });
});
