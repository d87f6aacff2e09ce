// What staff do to a document from the order page's Invoice Bridge block, each run as a job of the order
// (so it never overlaps the order's own events): take an invoice back (the accounting system's cancel, or a
// credit note for the whole invoice), move its due date, and activate the part of a preliminary invoice that
// has shipped. Each step ends in a sync-log line in words; what cannot be done is said, never half done.
import type { Db } from "../db.server";
import { PermanentError } from "../lib/errors";
import { formatMinor } from "../lib/money";
import type { DocumentRef, ShippedUnits } from "../providers/provider";
import { ORDER_FULFILLMENTS } from "../shopify/graphql";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { takeBackInvoice } from "./cancel-order.use-case";
import { fulfillmentsFromAdminApi } from "./fulfillment";
import { pausingConnectionOnAuth } from "./issue-document.use-case";
import { orderFromAdminApi, type NormalizedOrder } from "./order";
import { planDocument } from "./plan";
import { planOptionsFor, readShopSettings } from "./settings";
import { fetchOrder, type SyncOrderDeps } from "./sync-order.use-case";

type Document = NonNullable<Awaited<ReturnType<Db["document"]["findFirst"]>>>;

export type DocumentActionInput = { shopDomain: string; documentId: string; jobId: string };

const STAFF = "At a staff member's request";

/** "Cancel or credit": the booked invoice taken back once, in full. */
export async function creditInvoice(input: DocumentActionInput, deps: SyncOrderDeps): Promise<void> {
  const { db } = deps;
  const invoice = await documentOf(deps, input);
  const log = logFor(deps, input, invoice);
  const label = `invoice ${invoice.number ?? ""}`.trim();
  if (invoice.state === "cancelled") return void (await log("skipped", `${STAFF}: ${label} is already cancelled.`));
  if (invoice.kind !== "invoice" || invoice.state !== "finalized" || !invoice.providerRef) {
    throw new PermanentError("document_not_booked", `Only a booked invoice can be cancelled or credited; ${label} is not booked.`);
  }
  const credits = await db.document.findMany({ where: { shopDomain: input.shopDomain, orderId: invoice.orderId, kind: "creditNote", state: { not: "failed" } } });
  const inFull = credits.find((c) => c.source === "cancellation");
  if (inFull) return void (await log("skipped", `${STAFF}: credit note ${inFull.number ?? ""} already credits ${label} in full.`));
  if (credits.length > 0) {
    // Refunds are credited one by one; a credit note for the whole invoice would credit them twice.
    return void (await log(
      "skipped",
      `${label} is already partly credited by ${credits.length} credit note(s) for refunds, so it was not credited in full (that would credit those amounts twice). Credit the rest in the accounting system, or refund it in Shopify.`,
    ));
  }
  const { order, settings } = await orderOf(deps, input.shopDomain, invoice.orderId);
  const connection = await deps.providerFor(input.shopDomain);
  if (connection && invoice.totalMinor !== null && !(connection.provider.cancelDocument && connection.provider.capabilities.lifecycle.cancel)) {
    // A credit note is planned from the order as it is now; it must be the invoice, to the minor unit.
    const plan = planDocument(order, planOptionsFor(settings, connection.provider, order));
    if (plan.totals.gross !== invoice.totalMinor || plan.currency !== invoice.currency) {
      const money = (minor: bigint, currency: string | null) => `${formatMinor(minor, currency ?? plan.currency)} ${currency ?? plan.currency}`;
      throw new PermanentError(
        "credit_order_changed",
        `${label} (${money(invoice.totalMinor, invoice.currency)}) no longer matches order ${order.name} (${money(plan.totals.gross, plan.currency)}): the order changed after it was invoiced. Credit the invoice in the accounting system.`,
      );
    }
  }
  await takeBackInvoice({ shopDomain: input.shopDomain, order, settings, invoice: { ...invoice, providerRef: invoice.providerRef }, because: STAFF, log }, deps);
}

/**
 * "Extend due date": the accounting system moves the booked invoice's due date; our copy follows. Where the
 * system sets due dates itself (capabilities.staffDueDate false: Walley), it moves it by its own agreed
 * period, and no date is given.
 */
export async function extendDueDate(input: DocumentActionInput & { dueDate: string }, deps: SyncOrderDeps): Promise<void> {
  const { db } = deps;
  const document = await documentOf(deps, input);
  const label = `invoice ${document.number ?? ""}`.trim();
  if (document.state !== "finalized" || !document.providerRef) throw new PermanentError("document_not_booked", `Only a booked invoice's due date can be extended; ${label} is not booked.`);
  const current = document.dueDate?.toISOString().slice(0, 10) ?? null;
  const { connection, provider } = await lifecycleProvider(deps, input.shopDomain, document);
  if (!provider.extendDueDate || !provider.capabilities.lifecycle.extendDueDate) {
    throw new PermanentError("action_not_supported", `${connection.name} does not let an invoice's due date be extended from here.`);
  }
  if (provider.capabilities.staffDueDate || input.dueDate) {
    if (!input.dueDate) throw new PermanentError("generate_date", "Choose the new due date.");
    if (current && input.dueDate <= current) throw new PermanentError("due_date_not_later", `The new due date (${input.dueDate}) must be after the current one (${current}).`);
  }
  const ref = await provider.extendDueDate({ document: refOf(document), dueDate: input.dueDate }).catch(pausingConnectionOnAuth(db, connection.connectionId));
  const dueDate = ref.dueDate ?? input.dueDate;
  if (!dueDate) throw new PermanentError("due_date_unknown", `${connection.name} extended the due date of ${label} but did not say to when; look it up there.`);
  await db.document.update({ where: { id: document.id }, data: { dueDate: new Date(`${dueDate}T00:00:00Z`) } });
  await logFor(deps, input, document)("done", `${STAFF}: the due date of ${label} moved ${current ? `from ${current} ` : ""}to ${dueDate} in ${connection.name}.`);
}

/**
 * "Part-activate": a preliminary invoice activated for the units that have shipped so far; by a staff
 * member, or by the order sync when Shopify says the order is partly fulfilled (`because` says which).
 */
export async function partActivate(input: DocumentActionInput & { because?: string }, deps: SyncOrderDeps): Promise<void> {
  const { db } = deps;
  const document = await documentOf(deps, input);
  const label = `invoice ${document.number ?? ""}`.trim();
  if (document.state !== "created" || !document.providerRef) throw new PermanentError("document_not_preliminary", `Only a preliminary invoice can be part-activated; ${label} is ${document.state === "finalized" ? "already activated" : "not made yet"}.`);
  const { connection, provider } = await lifecycleProvider(deps, input.shopDomain, document);
  if (!provider.partActivateDocument || !provider.capabilities.lifecycle.partActivate) {
    throw new PermanentError("action_not_supported", `${connection.name} does not part-activate invoices.`);
  }
  const { order } = await orderOf(deps, input.shopDomain, document.orderId);
  const shipped = await shippedUnits(deps, input.shopDomain, order);
  const log = logFor(deps, input, document);
  if (shipped.length === 0) return void (await log("skipped", `Nothing of order ${order.name} has shipped yet, so nothing of ${label} was activated.`));
  const ref = await provider.partActivateDocument({ document: refOf(document), shipped }).catch(pausingConnectionOnAuth(db, connection.connectionId));
  await db.document.update({
    where: { id: document.id },
    data: {
      providerRef: ref.providerRef,
      state: ref.state === "booked" ? "finalized" : "created",
      number: ref.number ?? document.number,
      ...(ref.dueDate ? { dueDate: new Date(`${ref.dueDate}T00:00:00Z`) } : {}),
    },
  });
  const units = shipped.reduce((sum, s) => sum + s.quantity, 0);
  const ordered = order.lines.reduce((sum, l) => sum + l.quantity, 0);
  const activated = unitsActivated(document, ref);
  if (!activated) return void (await log("skipped", `${input.because ?? STAFF}: the ${units} unit(s) of order ${order.name} shipped so far are already activated on ${label}.`));
  await log("done", `${input.because ?? STAFF}: ${label} part-activated in ${connection.name} for the ${units} of ${ordered} unit(s) shipped so far${ref.state === "booked" ? "; it is now activated in full" : ""}.`);
}

/** "Send": the system that delivers the invoice itself (Walley) sends it to the order's e-mail address again. */
export async function sendFromProvider(input: DocumentActionInput, deps: SyncOrderDeps): Promise<void> {
  const document = await documentOf(deps, input);
  const label = `invoice ${document.number ?? ""}`.trim();
  if (document.kind !== "invoice" || document.state !== "finalized" || !document.providerRef) throw new PermanentError("document_not_booked", `Only a booked invoice can be sent; ${label} is not booked.`);
  const { connection, provider } = await lifecycleProvider(deps, input.shopDomain, document);
  if (!provider.sendDocument || !provider.capabilities.lifecycle.send) throw new PermanentError("action_not_supported", `${connection.name} does not send invoices from here.`);
  const { order } = await orderOf(deps, input.shopDomain, document.orderId);
  if (!order.email) throw new PermanentError("order_no_email", `Order ${order.name} has no e-mail address, so ${label} cannot be sent. Add one to the order in Shopify, then send it again.`);
  await provider.sendDocument({ document: refOf(document), to: order.email, subject: "", body: "" }).catch(pausingConnectionOnAuth(deps.db, connection.connectionId));
  await logFor(deps, input, document)("done", `${STAFF}: ${connection.name} sent ${label} to ${order.email} again.`);
}

async function documentOf(deps: SyncOrderDeps, input: DocumentActionInput): Promise<Document> {
  const document = await deps.db.document.findFirst({ where: { id: input.documentId, shopDomain: input.shopDomain } });
  if (!document) throw new PermanentError("document_not_found", "This document does not exist in this shop.");
  return document;
}

function logFor(deps: SyncOrderDeps, input: DocumentActionInput, document: Document) {
  return (status: "done" | "skipped" | "info", message: string, documentId?: string) =>
    writeSyncLog(deps.db, { shopDomain: input.shopDomain, orderId: document.orderId, orderName: document.orderName, jobId: input.jobId, documentId: documentId ?? document.id, status, message });
}

async function orderOf(deps: SyncOrderDeps, shopDomain: string, orderId: string): Promise<{ order: NormalizedOrder; settings: ReturnType<typeof readShopSettings> }> {
  const shop = await deps.db.shop.findUnique({ where: { shopDomain } });
  const settings = readShopSettings(shop?.settings);
  const fetched = await fetchOrder(await deps.adminClientFor(shopDomain), orderId);
  if (!fetched) throw new PermanentError("order_not_found", "The order of this document no longer exists in Shopify.");
  return { order: orderFromAdminApi(fetched, settings.currencyMode), settings };
}

async function lifecycleProvider(deps: SyncOrderDeps, shopDomain: string, document: Document) {
  const connection = await deps.providerFor(shopDomain);
  if (!connection || connection.type !== document.providerType) {
    throw new PermanentError("provider_not_connected", `This document is in ${document.providerType}, which is no longer connected. Change it there by hand.`);
  }
  return { connection, provider: connection.provider };
}

/** Every unit shipped so far, per order line (the order's successful fulfilments added up). */
async function shippedUnits(deps: SyncOrderDeps, shopDomain: string, order: NormalizedOrder): Promise<ShippedUnits[]> {
  const admin = await deps.adminClientFor(shopDomain);
  const fulfillments = fulfillmentsFromAdminApi(await admin.request(ORDER_FULFILLMENTS, { id: `gid://shopify/Order/${order.id}` }));
  const byLine = new Map<string, number>();
  for (const f of fulfillments) for (const l of f.lines) byLine.set(l.lineId, (byLine.get(l.lineId) ?? 0) + l.quantity);
  return order.lines
    .filter((l) => (byLine.get(l.id) ?? 0) > 0)
    .map((l) => ({ lineId: l.id, sku: l.sku, description: l.title, quantity: Math.min(l.quantity, byLine.get(l.id) ?? 0) }));
}

/** Whether a part-activation changed anything (a provider hands the same reference back when there was nothing new). */
function unitsActivated(before: Document, after: DocumentRef): boolean {
  return after.providerRef !== before.providerRef || (after.state === "booked") !== (before.state === "finalized");
}

function refOf(document: Document): DocumentRef {
  return {
    providerRef: document.providerRef ?? "",
    number: document.number,
    state: document.state === "finalized" ? "booked" : "draft",
    totalMinor: document.totalMinor,
    dueDate: document.dueDate?.toISOString().slice(0, 10) ?? null,
  };
}
