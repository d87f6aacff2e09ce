// "Send the invoice again", from a staff member: one click is one request id, and one request id is one
// job and at most one e-mail (EmailDelivery reason "resend:<request id>"), however often the click arrives.
import type { Db } from "../db.server";
import { enqueueJob } from "../jobs/enqueue.server";
import { orderGroupKey } from "../jobs/queue";
import { PermanentError } from "../lib/errors";

export async function requestResend(db: Db, input: { shopDomain: string; documentId: string; requestId: string; to?: string }): Promise<{ jobId: string; created: boolean }> {
  if (!/^[\w-]{8,64}$/.test(input.requestId)) throw new PermanentError("resend_request_id", "The resend request carries no valid request id.");
  const document = await db.document.findFirst({ where: { id: input.documentId, shopDomain: input.shopDomain } });
  // Another shop's document is answered like a missing one: its existence is not for this shop to learn.
  if (!document) throw new PermanentError("document_not_found", "This invoice does not exist in this shop.");
  if (document.state !== "finalized") throw new PermanentError("document_not_booked", `Only a booked invoice can be e-mailed; ${document.orderName ?? "this order"}'s is not booked yet.`);
  const reason = `resend:${input.requestId}`;
  const { id, created } = await enqueueJob(db, {
    type: "document.email",
    shopDomain: input.shopDomain,
    uniqueKey: `document.email:${document.id}:${reason}`,
    groupKey: orderGroupKey(input.shopDomain, document.orderId),
    payload: { documentId: document.id, reason, ...(input.to ? { to: input.to } : {}) },
  });
  return { jobId: id, created };
}
