// The sandbox's App Bridge stand-in (app/sandbox/admin-frame.server.ts); 404 outside sandbox mode.
import { env } from "../lib/env.server";
import { appBridgeStandIn, sandboxOnly } from "../sandbox/admin-frame.server";

export const loader = () =>
  sandboxOnly() ?? new Response(appBridgeStandIn(env().SHOPIFY_API_KEY), { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
