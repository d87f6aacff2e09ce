// Backend of the admin order-page extensions (extensions/invoice-admin). The extension's fetch carries the
// admin's ID token; authenticate.admin checks it (signature, audience = our app, expiry) and gives cors().
//   GET   → the order's documents, the last sync-log line, the actions allowed
//   POST  {intent: "preview", kind?}                                     → the plan, nothing posted
//   POST  {intent: "generate", kind, invoiceDate, dueDate?, requestId}   → one job per request id
//   POST  {intent: "retry"}                                              → the order's failed tasks again
//   POST  {intent: "credit" | "partActivate" | "send", documentId, requestId} → a job of the order
//   POST  {intent: "extendDueDate", documentId, dueDate?, requestId}     → a job of the order (no date: the
//         accounting system's own period, where it sets due dates itself)
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import db from "../db.server";
import { orderInvoiceState, previewOrderInvoice, requestDocumentAction, requestGenerateInvoice, retryOrder } from "../admin/order-invoice.server";
import { answerExtension } from "../admin/extension-answer.server";
import { providerForShop } from "../providers/connections.server";
import { adminClientFor } from "../shopify/admin.server";
import { authenticate } from "../shopify.server";
import { PermanentError } from "../lib/errors";

const deps = { db, adminClientFor, providerFor: providerForShop(db) };

const BODY = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("preview"), kind: z.enum(["draft", "invoice"]).optional() }),
  z.object({
    intent: z.literal("generate"),
    kind: z.string(),
    invoiceDate: z.string(),
    dueDate: z.string().nullish(),
    requestId: z.string(),
  }),
  z.object({ intent: z.literal("retry") }),
  z.object({ intent: z.literal("credit"), documentId: z.string(), requestId: z.string() }),
  z.object({ intent: z.literal("partActivate"), documentId: z.string(), requestId: z.string() }),
  z.object({ intent: z.literal("send"), documentId: z.string(), requestId: z.string() }),
  z.object({ intent: z.literal("extendDueDate"), documentId: z.string(), dueDate: z.string().nullish(), requestId: z.string() }),
]);

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  return answerExtension(cors, async () => orderInvoiceState(deps, { shopDomain: session.shop, orderId: orderIdOf(params.orderId) }));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  return answerExtension(cors, async () => {
    const parsed = BODY.safeParse(await request.json().catch(() => null));
    if (!parsed.success) {
      return Response.json({ ok: false, message: "The request is not one this endpoint knows (intent: preview, generate, retry, credit, extendDueDate, partActivate or send)." }, { status: 400 });
    }
    const body = parsed.data;
    const shopDomain = session.shop;
    const orderId = orderIdOf(params.orderId);
    switch (body.intent) {
      case "preview":
        return previewOrderInvoice(deps, { shopDomain, orderId, kind: body.kind });
      case "generate": {
        const { jobId, created } = await requestGenerateInvoice(db, { shopDomain, orderId, ...body });
        return { ok: true, jobId, queued: created };
      }
      case "retry":
        return { ok: true, ...(await retryOrder(db, { shopDomain, orderId })) };
      case "credit":
      case "partActivate":
      case "send":
      case "extendDueDate": {
        const { id, created } = await requestDocumentAction(db, { shopDomain, orderId, ...(body.intent === "extendDueDate" ? { ...body, action: "extendDueDate" } : { ...body, action: body.intent }) });
        return { ok: true, jobId: id, queued: created };
      }
    }
  });
};

/** The order id from the path: Shopify's gid or the number alone. */
/** The order's numeric id (a GID is taken too); anything else is no order of this shop's, answered 404 in words. */
function orderIdOf(value: string | undefined): string {
  let text = value ?? "";
  try {
    text = decodeURIComponent(text);
  } catch {
    // a malformed escape is no order id either
  }
  const id = text.replace(/^gid:\/\/shopify\/Order\//, "");
  if (!/^\d{1,20}$/.test(id)) throw new PermanentError("order_not_found", "This order does not exist in this shop.");
  return id;
}
