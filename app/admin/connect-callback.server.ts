// The answer of a callback from an accounting system's sign-in or approval (outside the admin's frame, so
// no Shopify session): back into the admin where the merchant left off (the onboarding goes on to the
// system's settings; a reconnect lands on the Connection page), or a page that says what went wrong.
import db from "../db.server";
import { env } from "../lib/env.server";
import { onboardingStep } from "./onboarding.server";

export async function callbackAnswer(outcome: { ok: true; shopDomain: string } | { ok: false; status: number; message: string }, providerType: string): Promise<Response> {
  const config = env();
  if (outcome.ok) {
    const back = (await onboardingStep(db, outcome.shopDomain, providerType)) === "done" ? "/app/connection" : "/app/onboarding";
    if (config.IB_SANDBOX) return Response.redirect(new URL(`/sandbox/admin?${new URLSearchParams({ shop: outcome.shopDomain, page: back })}`, config.SHOPIFY_APP_URL).toString(), 302);
    const store = outcome.shopDomain.replace(/\.myshopify\.com$/, "");
    return Response.redirect(`https://admin.shopify.com/store/${store}/apps/${config.SHOPIFY_API_KEY}${back}`, 302);
  }
  return new Response(page("Not connected", outcome.message), { status: outcome.status, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function page(title: string, message: string) {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Invoice Bridge</title></head><body style="font-family:system-ui;margin:3rem"><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`;
}
