// Visma's OAuth callback (outside the admin frame, so no Shopify session): check and spend the state,
// store the tokens, and send the merchant back to the app in their Shopify admin.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { env } from "../lib/env.server";
import { completeVismaConnect } from "../providers/visma/visma-connect.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  const outcome = await completeVismaConnect(db, { state: params.get("state"), code: params.get("code"), error: params.get("error") });
  const config = env();
  if (outcome.ok && !config.IB_SANDBOX) {
    const store = outcome.shopDomain.replace(/\.myshopify\.com$/, "");
    return Response.redirect(`https://admin.shopify.com/store/${store}/apps/${config.SHOPIFY_API_KEY}/app?connected=visma`, 302);
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
