// Webhook intake route (see shopify.app.toml for the topics it receives). Thin: everything is in
// app/webhooks/intake.server.ts. A GET reaches the loader and gets 405 from authenticate.webhook.
import { webhookAction } from "../webhooks/webhook-route.server";

export const action = webhookAction;
export const loader = webhookAction;
