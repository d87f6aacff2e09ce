// The shell every webhook route shares: run the intake, map the outcome to a response, and turn the
// unexpected into a 500 and a log line (Shopify then retries, and nothing is lost).
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { logger } from "../lib/logger.server";
import { authenticateWebhook } from "../shopify.server";
import { intakeResponse, receiveWebhook } from "./intake.server";

export async function webhookAction({ request }: ActionFunctionArgs): Promise<Response> {
  try {
    const outcome = await receiveWebhook(request, { db, logger, authenticateWebhook });
    return intakeResponse(outcome);
  } catch (error) {
    logger.error({ err: error, path: new URL(request.url).pathname }, "webhook intake failed");
    return new Response("internal error", { status: 500 });
  }
}
