// One refunds/create event, from the worker: the refund read fresh from Shopify, then a credit note in the
// accounting system for exactly what went back to the buyer, crediting the order's booked invoice, once per
// refund id. Nothing is credited before the refund's money has moved; an order without a booked invoice gets
// no credit note, and the log says why.
import { formatMinor } from "../lib/money";
import { PermanentError, RetryableError } from "../lib/errors";
import { REFUND_FOR_CREDIT_NOTE } from "../shopify/graphql";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { issueDocument, pausingConnectionOnAuth, SUBMITTING } from "./issue-document.use-case";
import { orderFromAdminApi } from "./order";
import { planDocument } from "./plan";
import { creditFromRefund } from "./refund";
import { planOptionsFor, readShopSettings } from "./settings";
import { fetchOrder, type SyncOrderDeps } from "./sync-order.use-case";

/** How long a pending refund waits before it is looked at again. */
export const PENDING_REFUND_RETRY_MS = 15 * 60_000;

export async function syncRefund(
  input: { shopDomain: string; orderId: string; refundId: string; jobId: string; deliveryId: string | null },
  deps: SyncOrderDeps,
): Promise<void> {
  const { db } = deps;
  const shop = await db.shop.findUnique({ where: { shopDomain: input.shopDomain } });
  const settings = readShopSettings(shop?.settings);
  const admin = await deps.adminClientFor(input.shopDomain);
  const answer = await admin.request<{ refund: unknown }>(REFUND_FOR_CREDIT_NOTE, { id: `gid://shopify/Refund/${input.refundId}` });
  if (!answer.refund) throw new PermanentError("refund_not_found", `Refund ${input.refundId} no longer exists in Shopify; no credit note was made.`);
  const fetched = await fetchOrder(admin, input.orderId);
  if (!fetched) throw new PermanentError("order_not_found", `Order ${input.orderId} no longer exists in Shopify; no credit note was made.`);
  const order = orderFromAdminApi(fetched, settings.currencyMode);
  const { refund, credit } = creditFromRefund(answer.refund, order, settings.currencyMode);
  const log = (status: "done" | "skipped" | "info", message: string, documentId?: string) =>
    writeSyncLog(db, { shopDomain: input.shopDomain, orderId: input.orderId, orderName: order.name, jobId: input.jobId, deliveryId: input.deliveryId, documentId, status, message });
  const money = (minor: bigint) => `${formatMinor(minor, credit.currency)} ${credit.currency}`;

  if (refund.pending) {
    throw new RetryableError(
      "refund_pending",
      `The refund of ${money(refund.total)} on order ${order.name} has not been paid out yet; the credit note follows once the money has moved.`,
      { retryAfterMs: PENDING_REFUND_RETRY_MS },
    );
  }
  if (refund.total === 0n) {
    await log("skipped", `The refund on order ${order.name} returned no money (a restock only), so there is nothing to credit.`);
    return;
  }
  // The order's invoice; invoiced per fulfilment, the latest booked fulfilment invoice.
  const invoice =
    (await db.document.findFirst({ where: { shopDomain: input.shopDomain, orderId: input.orderId, kind: "invoice", source: "order" } })) ??
    (await db.document.findFirst({ where: { shopDomain: input.shopDomain, orderId: input.orderId, kind: "invoice", state: "finalized" }, orderBy: { createdAt: "desc" } }));
  if (!invoice || invoice.state === "claimed" || invoice.state === SUBMITTING) {
    await log("skipped", `Order ${order.name} has no invoice yet, so its refund of ${money(refund.total)} was not credited. An invoice made later starts from the order as it is then.`);
    return;
  }
  // A system that invoices what it was given by itself (Intact's sales orders) also credits it there.
  const connected = await deps.providerFor(input.shopDomain);
  if (connected?.type === invoice.providerType && connected.provider.finalizeOn === "system") {
    await log("skipped", `The refund of ${money(refund.total)} on order ${order.name} was not credited by the app: ${connected.name} invoiced the order itself, so credit its invoice in ${connected.name}.`);
    return;
  }
  if ((invoice.state !== "finalized" && invoice.state !== "cancelled") || !invoice.providerRef) {
    await log("skipped", `The invoice of order ${order.name} is still a draft, so its refund of ${money(refund.total)} was not credited separately. Correct the draft for the refund before booking it.`);
    return;
  }

  // A cancellation may already have credited the whole invoice: never credit more than was invoiced.
  const credited = await db.document.findMany({ where: { shopDomain: input.shopDomain, orderId: input.orderId, kind: "creditNote", NOT: { source: `refund:${refund.id}` } } });
  if (credited.some((c) => c.source === "cancellation") || invoice.state === "cancelled") {
    await log("skipped", `The refund of ${money(refund.total)} on order ${order.name} was not credited: the cancellation already took back invoice ${invoice.number} in full.`);
    return;
  }

  const connection = connected;
  if (!connection || connection.type !== invoice.providerType) {
    throw new PermanentError(
      "credit_provider_changed",
      `The invoice of order ${order.name} is in ${invoice.providerType}, which is no longer the connected accounting system, so the credit note could not be made there. Credit it by hand.`,
    );
  }
  const provider = connection.provider;
  const plan = planDocument(credit, planOptionsFor(settings, provider, order));
  if (plan.check.outcome === "mismatch") {
    throw new PermanentError("credit_total_differs", `The credit note for the refund on order ${order.name} cannot match the refund exactly. ${plan.check.message}`);
  }
  const outcome = await issueDocument(
      {
        shopDomain: input.shopDomain,
        order: credit,
        plan,
        book: true,
        providerType: connection.type,
        missingProducts: connection.missingProducts,
        issueDate: (deps.now?.() ?? new Date()).toISOString().slice(0, 10),
        credit: {
          source: `refund:${refund.id}`,
          invoice: { providerRef: invoice.providerRef, number: invoice.number, state: "booked", totalMinor: invoice.totalMinor },
        },
      },
      { db, provider, admin, dataDir: deps.dataDir },
  ).catch(pausingConnectionOnAuth(db, connection.connectionId));
  const { document } = outcome;
  await log(
    "done",
    outcome.alreadyDone
      ? `The refund on order ${order.name} already has credit note ${document.number} in ${connection.name}; nothing new was made.`
      : `Credit note ${document.number} booked in ${connection.name} for the refund on order ${order.name} (${money(plan.totals.gross)}), crediting invoice ${invoice.number}.`,
    outcome.documentId,
  );
}
