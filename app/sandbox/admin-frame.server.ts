// The sandbox's stand-in for the Shopify admin: a page that frames the embedded app, and a stand-in for
// App Bridge that hands out session tokens signed with the sandbox's own secret, so that the app's real
// authentication (authenticate.admin: the token's signature, audience and shop) runs unchanged with no
// Shopify account and no network. None of it exists outside sandbox mode.
import { SignJWT } from "jose";
import { randomUUID } from "node:crypto";
import { env } from "../lib/env.server";

export function sandboxOnly(): Response | null {
  return env().IB_SANDBOX ? null : new Response("Not found", { status: 404 });
}

/** A session token as App Bridge would hand it to the app: HS256 with the app's secret, for one shop. */
export async function sandboxSessionToken(shop: string, now = new Date()): Promise<string> {
  const config = env();
  const seconds = Math.floor(now.getTime() / 1000);
  return new SignJWT({ dest: `https://${shop}`, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${shop}/admin`)
    .setAudience(config.SHOPIFY_API_KEY)
    .setSubject("1")
    .setIssuedAt(seconds)
    .setNotBefore(seconds)
    .setExpirationTime(seconds + 60)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(config.SHOPIFY_API_SECRET));
}

/** A signed-in buyer's session token, as customer accounts hand one to an extension (sandbox only). */
export async function sandboxCustomerToken(shop: string, customerId: string, now = new Date()): Promise<string> {
  const config = env();
  const seconds = Math.floor(now.getTime() / 1000);
  return new SignJWT({ dest: shop, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience(config.SHOPIFY_API_KEY)
    .setSubject(`gid://shopify/Customer/${customerId}`)
    .setIssuedAt(seconds)
    .setNotBefore(seconds)
    .setExpirationTime(seconds + 60)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(config.SHOPIFY_API_SECRET));
}

export function isShopDomain(value: string | null): value is string {
  return value !== null && /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(value);
}

/** The `host` parameter Shopify gives an embedded app: base64 of the admin's address for the shop. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64url");
}

export const SANDBOX_PAGES = [
  { path: "/app", label: "Dashboard" },
  { path: "/app/onboarding", label: "Onboarding" },
  { path: "/app/connection", label: "Connection" },
  { path: "/app/rules", label: "Rules" },
  { path: "/app/email", label: "E-mail template" },
  { path: "/app/invoices", label: "Invoices" },
  { path: "/app/log", label: "Sync log" },
  { path: "/app/import", label: "Historical import" },
];

/** The App Bridge stand-in: window.shopify with idToken(), and fetch with the session token, as App Bridge does. */
export function appBridgeStandIn(apiKey: string): string {
  return `// Invoice Bridge sandbox: a stand-in for Shopify's App Bridge (app-bridge.js), for the local admin frame.
(function () {
  var params = new URLSearchParams(location.search);
  var shop = params.get("shop") || sessionStorage.getItem("ib-sandbox-shop") || "";
  if (shop) sessionStorage.setItem("ib-sandbox-shop", shop);
  async function idToken() {
    var answer = await originalFetch("/sandbox/session-token?shop=" + encodeURIComponent(shop));
    if (!answer.ok) throw new Error("no session token for " + shop);
    return (await answer.json()).token;
  }
  var originalFetch = window.fetch.bind(window);
  window.fetch = async function (input, init) {
    var url = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url, location.href);
    if (url.origin !== location.origin || url.pathname.indexOf("/sandbox/") === 0) return originalFetch(input, init);
    var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", "Bearer " + (await idToken()));
    var answer = await originalFetch(input, Object.assign({}, init, { headers: headers }));
    // As App Bridge does: the app asks, through this header, to leave the admin's frame (an OAuth sign-in).
    var leaveTo = answer.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
    if (answer.status === 401 && leaveTo) window.open(leaveTo, "_top");
    return answer;
  };
  function toast(message) {
    var node = document.createElement("div");
    node.setAttribute("role", "status");
    node.textContent = message;
    node.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:10px 16px;border-radius:8px;font:14px system-ui;z-index:1000";
    document.body.appendChild(node);
    setTimeout(function () { node.remove(); }, 3000);
  }
  // App Bridge's own elements: the navigation belongs to the admin's frame (the stand-in draws its own).
  var style = document.createElement("style");
  style.textContent = "ui-nav-menu{display:none}";
  document.head.appendChild(style);
  window.shopify = {
    config: { apiKey: ${JSON.stringify(apiKey)}, shop: shop, host: params.get("host") },
    idToken: idToken,
    toast: { show: toast, hide: function () {} },
    loading: function () {},
    environment: { embedded: true, mobile: false, pos: false },
  };
})();
`;
}
