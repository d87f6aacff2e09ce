// Staff: e-mail a booked invoice to the buyer again (the admin's documents list and the order block call
// this). The form carries a request id per click, so a double click or a retried request sends once.
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { AppError } from "../lib/errors";
import { requestResend } from "../mail/request-resend.server";
import { authenticate } from "../shopify.server";

export const action = async ({ request, params }: ActionFunctionArgs) => {
  // From the admin order block too (an extension's fetch, cross-origin in the real admin): answers carry CORS.
  const { session, cors } = await authenticate.admin(request);
  const form = await request.formData();
  const to = form.get("to");
  try {
    const { created } = await requestResend(db, {
      shopDomain: session.shop,
      documentId: params.documentId ?? "",
      requestId: String(form.get("requestId") ?? ""),
      to: typeof to === "string" && to.trim() ? to.trim() : undefined,
    });
    return cors(Response.json({ ok: true, queued: created }));
  } catch (error) {
    if (error instanceof AppError) return cors(Response.json({ ok: false, message: error.merchantMessage }, { status: error.code === "document_not_found" ? 404 : 400 }));
    throw error;
  }
};
