// One order event, from the worker: read the order fresh from Shopify (the notification's copy when
// Shopify cannot be reached), apply the merchant's rules, plan the document and check its totals, then
// make it in the shop's accounting system, exactly once (issue-document.use-case.ts). Without a
// connected accounting system it stops after the plan and says, in words, what it would make.
import type { Db } from "../db.server";
import type { Logger } from "../lib/logger.server";
import { AppError, PermanentError, RetryableError } from "../lib/errors";
import type { AccountingProvider, MissingProductPolicy } from "../providers/provider";
import { issueDocument, pausingConnectionOnAuth } from "./issue-document.use-case";
import { formatMinor } from "../lib/money";
import type { ShopifyAdminClient } from "../shopify/admin-client.server";
import { ORDER_FOR_INVOICE, ORDER_LINE_ITEMS_PAGE, ORDER_PAYMENT_TERMS } from "../shopify/graphql";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { orderFromAdminApi, orderFromWebhook, paymentTermsFromAdminApi, type NormalizedOrder, type PaymentTerms } from "./order";
import { decide } from "./rules";
import { planDocument } from "./plan";
import { planOptionsFor, readShopSettings } from "./settings";
import { cancelOrder } from "./cancel-order.use-case";
import { invoiceFulfillments } from "./invoice-fulfillments.use-case";
import { partActivate } from "./document-actions.use-case";
import { readMailSettings } from "../mail/mail-settings";
import { orderGroupKey, type JobSpec } from "../jobs/queue";

export type SyncOrderDeps = {
  db: Db;
  logger: Logger;
  adminClientFor: (shop: string) => Promise<ShopifyAdminClient>;
  /** The shop's accounting system, from its active connection; null when none is connected. */
  providerFor: (
    shop: string,
    /** The shop's settings, when the caller has just read them (one statement fewer). */
    known?: { shopSettings: string },
  ) => Promise<{ provider: AccountingProvider; type: string; name: string; missingProducts: MissingProductPolicy; connectionId: string; settings: Record<string, unknown> } | null>;
  dataDir: string;
  now?: () => Date;
  /** Enqueues a follow-up job (the buyer's e-mail after booking); absent, nothing is enqueued. */
  enqueue?: (spec: JobSpec) => Promise<unknown>;
};

type ShopRow = NonNullable<Awaited<ReturnType<Db["shop"]["findUnique"]>>>;

type OrderPage = { order: { lineItems: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null };

/** The order as the Admin API has it now, with every line (50 per request; see graphql.ts). */
export async function fetchOrder(admin: ShopifyAdminClient, orderId: string): Promise<Record<string, unknown> | null> {
  const id = `gid://shopify/Order/${orderId}`;
  const first = await admin.request<{ order: (Record<string, unknown> & OrderPage["order"]) | null }>(ORDER_FOR_INVOICE, { id });
  if (!first.order) return null;
  const nodes = [...first.order.lineItems.nodes];
  let pageInfo = first.order.lineItems.pageInfo;
  while (pageInfo.hasNextPage && pageInfo.endCursor) {
    const next = await admin.request<OrderPage>(ORDER_LINE_ITEMS_PAGE, { id, after: pageInfo.endCursor });
    if (!next.order) break;
    nodes.push(...next.order.lineItems.nodes);
    pageInfo = next.order.lineItems.pageInfo;
  }
  return { ...first.order, lineItems: { nodes, pageInfo } };
}

/**
 * What an order event came to: a document made (or a draft booked), one that already existed, nothing
 * (the rules, a cancellation), or nothing because no accounting system is connected.
 */
export type SyncOrderOutcome = "made" | "existing" | "skipped" | "no_connection";

export type StaffRequest = { by: "staff"; kind: "draft" | "invoice"; invoiceDate?: string; dueDate?: string };

export async function syncOrder(
  input: {
    shopDomain: string;
    orderId: string;
    topic: string;
    payload: Record<string, unknown>;
    jobId: string;
    /** The webhook delivery behind the event; null for the historical import and staff requests, which have none. */
    deliveryId: string | null;
    /** A staff member's "Generate invoice" (the admin order action): the kind and the dates they chose. */
    request?: StaffRequest;
    /** The shop's row, when the caller has just read it; read here otherwise. */
    shop?: ShopRow | null;
  },
  deps: SyncOrderDeps,
): Promise<SyncOrderOutcome> {
  const { db } = deps;
  const shop = input.shop !== undefined ? input.shop : await db.shop.findUnique({ where: { shopDomain: input.shopDomain } });
  const settings = readShopSettings(shop?.settings);
  const log = (status: "done" | "skipped" | "info" | "failed", message: string, order?: NormalizedOrder, detail?: Record<string, unknown>) =>
    writeSyncLog(db, {
      shopDomain: input.shopDomain,
      orderId: input.orderId,
      orderName: order?.name ?? (typeof input.payload.name === "string" ? input.payload.name : null),
      jobId: input.jobId,
      deliveryId: input.deliveryId,
      status,
      message,
      detail,
    });

  // Fresh from Shopify; the notification's copy only when Shopify cannot be reached and the notification
  // carries an order (refunds/create and orders/edited do not).
  let order: NormalizedOrder;
  try {
    const fetched = await fetchOrder(await deps.adminClientFor(input.shopDomain), input.orderId);
    if (!fetched) {
      throw new PermanentError("order_not_found", `Order ${input.orderId} no longer exists in Shopify; nothing was made.`);
    }
    order = orderFromAdminApi(fetched, settings.currencyMode);
  } catch (error) {
    // Only an unreachable Shopify warrants the older copy: a refusal or a throttle is retried as it is.
    const unreachable = error instanceof RetryableError && error.code !== "shopify_throttled";
    if (!unreachable || !isOrderPayload(input.topic)) throw error;
    order = orderFromWebhook(input.payload, settings.currencyMode);
    await log("info", "Shopify could not be reached, so the copy of the order in Shopify's notification was used.", order, {
      reason: error instanceof AppError ? error.code : String(error),
    });
  }

  // cancelOrder and invoiceFulfillments only hand deliveryId to writeSyncLog, which takes null.
  const deliveryId = input.deliveryId as string;
  if (order.cancelledAt) {
    await cancelOrder({ shopDomain: input.shopDomain, order, settings, jobId: input.jobId, deliveryId }, deps);
    return "skipped";
  }
  if (settings.rules.perFulfillment) {
    const invoiced = () => db.document.count({ where: { shopDomain: input.shopDomain, orderId: order.id, kind: "invoice", source: { startsWith: "fulfillment:" }, state: { in: ["created", "finalized"] } } });
    const before = await invoiced();
    await invoiceFulfillments(
      { shopDomain: input.shopDomain, order, settings, verificationStartedAt: shop?.verificationStartedAt ?? new Date(), jobId: input.jobId, deliveryId },
      deps,
    );
    const after = await invoiced();
    return after > before ? "made" : after > 0 ? "existing" : "skipped";
  }

  const decision = decide({
    order,
    rules: settings.rules,
    request: input.request ?? { by: "automatic" },
    verificationStartedAt: shop?.verificationStartedAt ?? new Date(),
    now: deps.now?.() ?? new Date(),
  });
  if (decision.action === "skip") {
    await log("skipped", `Order ${order.name}: ${decision.reasons.join(" ")}`, order);
    return "skipped";
  }

  const connection = await deps.providerFor(input.shopDomain, shop ? { shopSettings: shop.settings } : undefined);
  const provider = connection?.provider;
  if (connection && provider?.capabilities.documentKinds.length === 0) {
    await log("skipped", `Order ${order.name} was not sent to ${connection.name}: sending orders there is turned off in the connection's settings (Settings → Connection). Its invoice is made in ${connection.name} itself.`, order);
    return "skipped";
  }
  const plan = planDocument(order, planOptionsFor(settings, provider, order));
  const money = (minor: bigint) => `${formatMinor(minor, plan.currency)} ${plan.currency}`;
  const kind = plan.check.outcome === "mismatch" ? "draft" : decision.kind;
  const reasons = plan.check.outcome === "mismatch" ? [plan.check.message] : [...decision.reasons];
  const what = kind === "draft" ? "an invoice draft" : "a booked invoice";
  // Visma's order workflow: the order becomes an invoice when it is fulfilled, whatever the trigger.
  const waitsForFulfilment = kind === "invoice" && provider?.finalizeOn === "fulfilment" && order.fulfillmentStatus !== "fulfilled";
  if (waitsForFulfilment) reasons.push(`It becomes an invoice in ${connection?.name} when the order is fulfilled.`);
  // Intact's sales orders: the system invoices them itself, so the app never books one.
  const invoicedThere = provider?.finalizeOn === "system";
  if (invoicedThere) {
    // Draft or booked is not the app's to decide there: only a total that cannot match is worth saying.
    if (plan.check.outcome !== "mismatch") reasons.length = 0;
    reasons.push(`${connection?.name} makes the invoice from it; the buyer then finds it on their Invoices page.`);
  }
  if (connection) {
    const outcome = await issueDocument(
        {
          shopDomain: input.shopDomain,
          order,
          plan,
          book: kind === "invoice" && !waitsForFulfilment && !invoicedThere,
          email: emailSettings(shop?.settings, order),
          providerType: connection.type,
          missingProducts: connection.missingProducts,
          issueDate: input.request?.invoiceDate ?? (deps.now?.() ?? new Date()).toISOString().slice(0, 10),
          dueDate: input.request?.dueDate,
        },
        { db, provider: connection.provider, admin: await deps.adminClientFor(input.shopDomain), dataDir: deps.dataDir },
    ).catch(pausingConnectionOnAuth(db, connection.connectionId));
    const { document } = outcome;
    // The app e-mails the booked invoice itself where the accounting system cannot (e-conomic, the shop's
    // own invoices), when the merchant turned that on; the e-mail is its own job, once per document.
    // (Enqueued again on a later event too: its unique key makes that a no-op, and a crash between booking
    // and enqueueing loses nothing.)
    const mailToBuyer = document.state === "booked" && !outcome.emailedTo && !connection.provider.sendDocument && readMailSettings(shop?.settings).sendOnBooking;
    if (mailToBuyer && !order.email) {
      if (!outcome.alreadyDone)
        await log("info", `Invoice ${document.number} of order ${order.name} was not e-mailed: the order has no e-mail address. Send it to the buyer another way, or resend it after adding one.`, order);
    } else if (mailToBuyer) {
      await deps.enqueue?.({
        type: "document.email",
        shopDomain: input.shopDomain,
        uniqueKey: `document.email:${outcome.documentId}:booking`,
        groupKey: orderGroupKey(input.shopDomain, input.orderId),
        payload: { documentId: outcome.documentId, reason: "booking" },
      });
    }
    // Partly fulfilled, on a system that activates per article (Walley): what has shipped is activated now.
    const { lifecycle } = connection.provider.capabilities;
    const partShipped = waitsForFulfilment && order.fulfillmentStatus === "partial" && document.state === "draft" && lifecycle.partActivate && connection.provider.partActivateDocument;
    const total = document.totalMinor === null ? money(plan.totals.gross) : money(document.totalMinor);
    const message = outcome.alreadyDone
      ? `Order ${order.name} already has ${document.state === "booked" ? `invoice ${document.number}` : invoicedThere ? `sales order ${document.number}` : "an invoice draft"} in ${connection.name}; nothing new was made.`
      : document.state === "booked"
        ? `Invoice ${document.number} booked in ${connection.name} for order ${order.name} (total ${total}).${outcome.emailedTo ? ` ${connection.name} e-mailed it to ${outcome.emailedTo}.` : ""}`
        : `${invoicedThere ? `Sales order ${document.number}` : document.providerRef.startsWith("order:") ? "Order" : lifecycle.partActivate ? `Preliminary invoice ${document.number}` : "Invoice draft"} made in ${connection.name} for order ${order.name} (total ${total}). ${reasons.join(" ")}`;
    await writeSyncLog(db, {
      shopDomain: input.shopDomain,
      orderId: input.orderId,
      orderName: order.name,
      jobId: input.jobId,
      deliveryId: input.deliveryId,
      documentId: outcome.documentId,
      status: "done",
      message,
      detail: { providerRef: document.providerRef, totalsCheck: plan.check.outcome },
    });
    if (partShipped) {
      await partActivate({ shopDomain: input.shopDomain, documentId: outcome.documentId, jobId: input.jobId, because: `Order ${order.name} is partly fulfilled` }, deps);
    }
    return outcome.alreadyDone ? "existing" : "made";
  }
  await log(
    "info",
    `Order ${order.name}: ready for ${what} of ${plan.lines.length} line(s), total ${money(plan.totals.gross)} ` +
      `(VAT ${money(plan.totals.vat)}). ${reasons.join(" ")} No accounting system is connected yet, so nothing was sent.`,
    order,
    {
      source: order.source,
      kind,
      totalsCheck: plan.check.outcome,
      difference: plan.check.difference.toString(),
      vat: plan.vatBreakdown.map((r) => ({ rate: r.rate, net: r.net.toString(), vat: r.vat.toString() })),
    },
  );
  return "no_connection";
}

/**
 * Whether the accounting system e-mails the invoice when it is booked (InvoicExpress, Visma), and with
 * which words: the shop's e-mail settings (`mail`: send on booking, the template), the same that the app
 * uses when it sends the e-mail itself.
 */
function emailSettings(shopSettings: string | null | undefined, order: NormalizedOrder) {
  const mail = readMailSettings(shopSettings);
  if (!mail.sendOnBooking || !order.email) return null;
  return { to: order.email, template: mail.template };
}

function isOrderPayload(topic: string) {
  return topic.startsWith("ORDERS_") && topic !== "ORDERS_EDITED";
}

/**
 * The order's payment terms, where staff choose a due date; null when it has none, or when the shop has not
 * approved the read_payment_terms scope yet (Shopify answers ACCESS_DENIED): a suggestion, never a reason to fail.
 */
export async function fetchPaymentTerms(admin: ShopifyAdminClient, orderId: string): Promise<PaymentTerms | null> {
  try {
    const answer = await admin.request<{ order: { paymentTerms: unknown } | null }>(ORDER_PAYMENT_TERMS, { id: `gid://shopify/Order/${orderId}` });
    return paymentTermsFromAdminApi(answer.order?.paymentTerms);
  } catch (error) {
    if (error instanceof AppError && error.kind === "permanent") return null;
    throw error;
  }
}
