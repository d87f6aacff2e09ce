// A cancelled order. Before it is invoiced: nothing is made, and the log says so. After: the invoice is
// taken back once — by the accounting system's own cancel where it has one (InvoicExpress: a cancellation
// with a message), otherwise by a credit note for the whole invoice — unless refunds already credit it
// (a cancellation that returned money arrives as refunds, each credited on its own).
import { formatMinor } from "../lib/money";
import type { DocumentRef } from "../providers/provider";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { issueDocument, pausingConnectionOnAuth, SUBMITTING } from "./issue-document.use-case";
import type { NormalizedOrder } from "./order";
import { planDocument } from "./plan";
import { planOptionsFor, type ShopSettings } from "./settings";
import type { SyncOrderDeps } from "./sync-order.use-case";

export async function cancelOrder(
  input: { shopDomain: string; order: NormalizedOrder; settings: ShopSettings; jobId: string; deliveryId: string },
  deps: SyncOrderDeps,
): Promise<void> {
  const { db } = deps;
  const { order } = input;
  const log = (status: "done" | "skipped" | "info", message: string, documentId?: string) =>
    writeSyncLog(db, { shopDomain: input.shopDomain, orderId: order.id, orderName: order.name, jobId: input.jobId, deliveryId: input.deliveryId, documentId, status, message });
  const invoice = await db.document.findFirst({ where: { shopDomain: input.shopDomain, orderId: order.id, kind: "invoice", source: "order" } });
  const perFulfillment = await db.document.findMany({ where: { shopDomain: input.shopDomain, orderId: order.id, kind: "invoice", source: { startsWith: "fulfillment:" } } });
  if (!invoice && perFulfillment.length > 0) {
    // What was shipped stays invoiced; the units that were not are simply never invoiced.
    await log("info", `Order ${order.name} was cancelled; its ${perFulfillment.length} fulfilment invoice(s) stay, and the units not shipped are not invoiced.`);
    return;
  }
  if (invoice?.state === SUBMITTING) {
    await log("info", `Order ${order.name} was cancelled while its invoice's making got no answer from the accounting system. Look for the invoice there and cancel it by hand.`);
    return;
  }
  if (!invoice || invoice.state === "claimed") {
    await log("skipped", `Order ${order.name} was cancelled before it was invoiced, so nothing was made.`);
    return;
  }
  if (invoice.state === "cancelled") {
    await log("skipped", `Order ${order.name} was cancelled; invoice ${invoice.number} is already cancelled.`);
    return;
  }
  if (invoice.state === "created" && invoice.providerRef) {
    await withdrawPreliminary({ shopDomain: input.shopDomain, order, invoice: { ...invoice, providerRef: invoice.providerRef }, log }, deps);
    return;
  }
  if (invoice.state !== "finalized" || !invoice.providerRef) {
    await log("skipped", `Order ${order.name} was cancelled; its invoice draft stays unbooked. Delete the draft in the accounting system.`);
    return;
  }
  const credits = await db.document.findMany({ where: { shopDomain: input.shopDomain, orderId: order.id, kind: "creditNote" } });
  const byCancellation = credits.find((c) => c.source === "cancellation" && c.state === "finalized");
  if (byCancellation) {
    await log("skipped", `Order ${order.name} was cancelled; credit note ${byCancellation.number} already credits invoice ${invoice.number} in full.`);
    return;
  }
  if (credits.some((c) => c.source !== "cancellation") || ["refunded", "partially_refunded"].includes(order.financialStatus)) {
    await log("info", `Order ${order.name} was cancelled after invoice ${invoice.number}; its refunds are credited as they arrive (${credits.length} credit note(s) so far).`);
    return;
  }

  await takeBackInvoice({ shopDomain: input.shopDomain, order, settings: input.settings, invoice: { ...invoice, providerRef: invoice.providerRef }, because: `Order ${order.name} was cancelled`, log }, deps);
}

/**
 * Takes a booked invoice back once: by the accounting system's own cancel where it has one, otherwise by a
 * credit note for the whole invoice (source "cancellation", so that it is made once, whoever asks). `because`
 * opens each log line ("Order #1001 was cancelled", "At a staff member's request").
 */
export async function takeBackInvoice(
  input: {
    shopDomain: string;
    order: NormalizedOrder;
    settings: ShopSettings;
    invoice: { id: string; providerType: string; providerRef: string; number: string | null; totalMinor: bigint | null };
    because: string;
    log: (status: "done" | "skipped" | "info", message: string, documentId?: string) => Promise<unknown>;
  },
  deps: SyncOrderDeps,
): Promise<void> {
  const { db } = deps;
  const { order, invoice, because, log } = input;
  const connection = await deps.providerFor(input.shopDomain);
  if (!connection || connection.type !== invoice.providerType) {
    await log("skipped", `${because}, but invoice ${invoice.number} is in ${invoice.providerType}, which is no longer connected. Credit it there by hand.`);
    return;
  }
  const provider = connection.provider;
  const invoiceRef: DocumentRef = { providerRef: invoice.providerRef, number: invoice.number, state: "booked", totalMinor: invoice.totalMinor };
  const pause = pausingConnectionOnAuth(db, connection.connectionId);
  if (provider.cancelDocument && provider.capabilities.lifecycle.cancel) {
    await provider.cancelDocument({ document: invoiceRef, reason: `${because}.` }).catch(pause);
    await db.document.update({ where: { id: invoice.id }, data: { state: "cancelled" } });
    await log("done", `${because}: invoice ${invoice.number} cancelled in ${connection.name}.`, invoice.id);
    return;
  }
  const plan = planDocument(order, planOptionsFor(input.settings, provider, order));
  const outcome = await issueDocument(
    {
      shopDomain: input.shopDomain,
      order,
      plan,
      book: true,
      providerType: connection.type,
      missingProducts: connection.missingProducts,
      issueDate: (deps.now?.() ?? new Date()).toISOString().slice(0, 10),
      credit: { source: "cancellation", invoice: invoiceRef },
    },
    { db, provider, admin: await deps.adminClientFor(input.shopDomain), dataDir: deps.dataDir },
  ).catch(pause);
  const total = `${formatMinor(plan.totals.gross, plan.currency)} ${plan.currency}`;
  await log(
    "done",
    outcome.alreadyDone
      ? `${because}; credit note ${outcome.document.number} already credits invoice ${invoice.number} in full.`
      : `${because}: credit note ${outcome.document.number} booked in ${connection.name} (${total}), crediting invoice ${invoice.number} in full.`,
    outcome.documentId,
  );
}

/**
 * A cancelled order whose invoice is made but not finalized: withdrawn in the system where it can be
 * (Walley's CancelInvoice; what was already activated of it stays, since it shipped); elsewhere the draft
 * stays for the merchant to delete.
 */
async function withdrawPreliminary(
  input: {
    shopDomain: string;
    order: NormalizedOrder;
    invoice: { id: string; providerType: string; providerRef: string; number: string | null; totalMinor: bigint | null; dueDate: Date | null };
    log: (status: "done" | "skipped" | "info", message: string, documentId?: string) => Promise<unknown>;
  },
  deps: SyncOrderDeps,
): Promise<void> {
  const { order, invoice, log } = input;
  const connection = await deps.providerFor(input.shopDomain);
  const provider = connection?.provider;
  if (!connection || !provider || connection.type !== invoice.providerType || !provider.cancelPreliminaryDocument || !provider.capabilities.lifecycle.cancelPreliminary) {
    await log("skipped", `Order ${order.name} was cancelled; its invoice draft stays unbooked. Delete the draft in the accounting system.`);
    return;
  }
  const before: DocumentRef = { providerRef: invoice.providerRef, number: invoice.number, state: "draft", totalMinor: invoice.totalMinor, dueDate: invoice.dueDate?.toISOString().slice(0, 10) ?? null };
  const after = await provider.cancelPreliminaryDocument({ document: before }).catch(pausingConnectionOnAuth(deps.db, connection.connectionId));
  // Nothing activated: the invoice is gone. Partly activated: the activated part stands as the invoice.
  // (The provider hands back what remains of the document: its total is what stays invoiced.)
  const partly = after.totalMinor !== null && after.totalMinor > 0n;
  await deps.db.document.update({
    where: { id: invoice.id },
    data: { providerRef: after.providerRef, state: partly ? "finalized" : "cancelled", ...(partly ? { totalMinor: after.totalMinor } : {}) },
  });
  await log(
    "done",
    partly
      ? `Order ${order.name} was cancelled: the part of invoice ${invoice.number} not yet activated is cancelled in ${connection.name}; what was activated (shipped) stays invoiced. Refund it in Shopify to credit it.`
      : `Order ${order.name} was cancelled: invoice ${invoice.number} cancelled in ${connection.name} before it was activated; the buyer owes nothing.`,
    invoice.id,
  );
}
