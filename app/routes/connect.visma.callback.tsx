// Visma's OAuth callback (outside the admin frame, so no Shopify session): check and spend the state,
// store the tokens, and send the merchant back to the app in their Shopify admin.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { env } from "../lib/env.server";
import { completeVismaConnect } from "../providers/visma/visma-connect.server";
import { onboardingStep } from "../admin/onboarding.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  const outcome = await completeVismaConnect(db, { state: params.get("state"), code: params.get("code"), error: params.get("error") });
  const config = env();
  // Back into the admin: the onboarding goes on to Visma's settings; a reconnect lands on the Connection page.
  if (outcome.ok) {
    const back = (await onboardingStep(db, outcome.shopDomain, "visma")) === "done" ? "/app/connection" : "/app/onboarding";
    if (config.IB_SANDBOX) return Response.redirect(new URL(`/sandbox/admin?${new URLSearchParams({ shop: outcome.shopDomain, page: back })}`, config.SHOPIFY_APP_URL).toString(), 302);
    const store = outcome.shopDomain.replace(/\.myshopify\.com$/, "");
    return Response.redirect(`https://admin.shopify.com/store/${store}/apps/${config.SHOPIFY_API_KEY}${back}`, 302);
  }
  const message = outcome.ok ? "Visma eAccounting is connected. You can close this page and return to the app." : outcome.message;
  return new Response(page(outcome.ok ? "Connected" : "Not connected", message), {
    status: outcome.ok ? 200 : outcome.status,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
};

function page(title: string, message: string) {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Invoice Bridge</title></head><body style="font-family:system-ui;margin:3rem"><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`;
}
