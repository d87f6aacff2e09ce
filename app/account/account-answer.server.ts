// How the customer-account endpoints answer: every answer, errors too, with CORS headers (the extension runs on
// Shopify's origin and reads our words only when the browser lets it), a preflight answered, and the buyer's
// token checked first: 401 with the reason, 404 for what the buyer may not see, 503 when Shopify is not
// answering, 500 with nothing of the detail.
import { AppError } from "../lib/errors";
import { logger } from "../lib/logger.server";
import { BuyerAuthError, verifyBuyer, type Buyer } from "./customer-token.server";

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Max-Age": "600",
  "Cache-Control": "private, no-store",
  Vary: "Authorization",
};

function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: CORS });
}

export function preflight(): Response {
  return new Response(null, { status: 204, headers: CORS });
}

/** Not found, in the same words whatever the reason (missing, another buyer's, a guest order). */
export const NOT_FOUND = () => json({ ok: false, message: "There is no such order in your account." }, 404);

export async function answerBuyer(request: Request, work: (buyer: Buyer) => Promise<unknown>): Promise<Response> {
  if (request.method === "OPTIONS") return preflight();
  try {
    const buyer = await verifyBuyer(request);
    const result = await work(buyer);
    return result instanceof Response ? result : json(result);
  } catch (error) {
    if (error instanceof BuyerAuthError) return json({ ok: false, message: error.reason }, 401);
    if (error instanceof AppError && error.kind !== "permanent") return json({ ok: false, message: "Your invoices cannot be loaded right now. Try again in a moment." }, 503);
    logger.error({ err: error }, "customer account request failed");
    return json({ ok: false, message: "Something went wrong; try again in a moment." }, 500);
  }
}
