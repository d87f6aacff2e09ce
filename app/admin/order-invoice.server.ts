// What the admin order page's extensions show and do (extensions/invoice-admin): the order's documents with
// the last sync-log line and the actions its accounting system allows, a preview of the plan before anything
// is posted, and "Generate invoice", which runs the same order sync as the automatic path, once per click.
import type { Db } from "../db.server";
import { signedPdfUrl } from "../documents/pdf-links.server";
import { enqueueJob } from "../jobs/enqueue.server";
import { orderGroupKey } from "../jobs/queue";
import { PermanentError } from "../lib/errors";
import { formatMinor, ratioToString } from "../lib/money";
import { retryJob } from "../jobs/retry.server";
import { orderFromAdminApi } from "../invoicing/order";
import { planDocument } from "../invoicing/plan";
import { decide } from "../invoicing/rules";
import { planOptionsFor, readShopSettings } from "../invoicing/settings";
import { fetchOrder, fetchPaymentTerms, type SyncOrderDeps } from "../invoicing/sync-order.use-case";
import type { DocumentKind, ProviderType } from "../providers/provider";
import { NAMES } from "../providers/registry";
import { orderAccountSubject } from "../shopify/account-subject.server";

export type OrderInvoiceDeps = Pick<SyncOrderDeps, "db" | "adminClientFor" | "providerFor"> & { now?: () => Date };

/** The kinds staff may choose on the order page: the ones the accounting system makes that are invoices. */
export function staffKinds(kinds: DocumentKind[] | undefined): Array<"draft" | "invoice"> {
  // A system that invoices what it is sent (Intact's sales orders): "Generate invoice" sends it the order.
  if (kinds?.length === 1 && kinds[0] === "order") return ["invoice"];
  return (kinds ?? ["draft", "invoice"]).filter((k): k is "draft" | "invoice" => k === "draft" || k === "invoice");
}

/** The order block: every document of the order, the last sync-log line, and what staff can do. */
export async function orderInvoiceState(deps: Pick<OrderInvoiceDeps, "db" | "providerFor">, input: { shopDomain: string; orderId: string }) {
  const { db } = deps;
  const [documents, lastLog, pending, connection] = await Promise.all([
    db.document.findMany({ where: { shopDomain: input.shopDomain, orderId: input.orderId }, orderBy: { createdAt: "asc" } }),
    db.syncLogEntry.findFirst({ where: { shopDomain: input.shopDomain, orderId: input.orderId }, orderBy: { createdAt: "desc" } }),
    db.job.findMany({ where: { shopDomain: input.shopDomain, groupKey: orderGroupKey(input.shopDomain, input.orderId), status: { in: ["queued", "running"] } }, select: { type: true, payload: true } }),
    deps.providerFor(input.shopDomain).catch(() => null),
  ]);
  const provider = connection?.provider;
  const lifecycle = provider?.capabilities.lifecycle;
  const hasInvoice = documents.some((d) => d.kind === "invoice" && d.source === "order" && ["created", "finalized"].includes(d.state));
  const hasCredit = documents.some((d) => d.kind === "creditNote" && d.state !== "failed");
  const working = new Set(pending.filter((j) => j.type.startsWith("document.")).map((j) => String((JSON.parse(j.payload) as { documentId?: unknown }).documentId)));
  return {
    provider:
      connection && provider
        ? {
            type: connection.type,
            name: connection.name,
            kinds: staffKinds(provider.capabilities.documentKinds),
            // Where the system sets due dates itself (Walley), an extension is its own agreed period: no date to pick.
            staffDueDate: provider.capabilities.staffDueDate,
          }
        : null,
    hasInvoice,
    generating: pending.some((j) => j.type === "order.generate"),
    documents: documents.map((d) => {
      const here = connection?.type === d.providerType;
      const booked = d.state === "finalized" && d.providerRef !== null;
      return {
        id: d.id,
        kind: d.kind,
        source: d.source,
        number: d.number,
        state: d.state,
        total: d.totalMinor === null || !d.currency ? null : `${formatMinor(d.totalMinor, d.currency)} ${d.currency}`,
        dueDate: d.dueDate?.toISOString().slice(0, 10) ?? null,
        provider: NAMES[d.providerType as ProviderType] ?? d.providerType,
        pdf: d.state === "finalized" && d.pdfPath ? signedPdfUrl({ documentId: d.id, audience: "admin" }) : null,
        einvoice: d.state === "finalized" && d.einvoicePath ? signedPdfUrl({ documentId: d.id, audience: "admin", format: "xml" }) : null,
        working: working.has(d.id),
        actions: {
          // Where the system delivers its own invoices (Walley), it sends it again; elsewhere the app e-mails it.
          send: here && booked && d.kind === "invoice" && Boolean(provider?.deliversOnFinalize && provider.sendDocument && lifecycle?.send),
          resend: booked && d.kind === "invoice" && !(here && provider?.deliversOnFinalize),
          // The whole invoice taken back: the system's own cancel where it has one, else a credit note in full;
          // not once refunds have credited part of it (that would credit them twice).
          takeBack: here && booked && d.kind === "invoice" && d.source === "order" && !hasCredit ? (provider?.cancelDocument && lifecycle?.cancel ? "cancel" : "credit") : null,
          extendDueDate: here && booked && Boolean(provider?.extendDueDate && lifecycle?.extendDueDate),
          partActivate: here && d.state === "created" && d.providerRef !== null && Boolean(provider?.partActivateDocument && lifecycle?.partActivate),
        },
      };
    }),
    lastLog: lastLog ? { status: lastLog.status, message: lastLog.message, at: lastLog.createdAt.toISOString(), retry: lastLog.status === "failed" && lastLog.jobId !== null } : null,
  };
}

/**
 * The plan of the document "Generate invoice" would make, computed the way the order sync computes it, with
 * nothing posted: each line, VAT per rate, the totals check against Shopify's total, the customer it would
 * match or create, and why it would be a draft or not be made at all.
 */
export async function previewOrderInvoice(deps: OrderInvoiceDeps, input: { shopDomain: string; orderId: string; kind?: "draft" | "invoice" }) {
  const { db } = deps;
  const shop = await db.shop.findUnique({ where: { shopDomain: input.shopDomain } });
  const settings = readShopSettings(shop?.settings);
  const admin = await deps.adminClientFor(input.shopDomain);
  const fetched = await fetchOrder(admin, input.orderId);
  // Another shop's order is answered like a missing one.
  if (!fetched) throw new PermanentError("order_not_found", "This order does not exist in this shop.");
  const order = orderFromAdminApi(fetched, settings.currencyMode);
  const connection = await deps.providerFor(input.shopDomain);
  const kinds = staffKinds(connection?.provider.capabilities.documentKinds);
  const kind = input.kind && kinds.includes(input.kind) ? input.kind : kinds.includes("invoice") ? "invoice" : kinds[0];
  const decision = decide({ order, rules: settings.rules, request: { by: "staff", kind }, verificationStartedAt: shop?.verificationStartedAt ?? new Date(), now: deps.now?.() ?? new Date() });
  const plan = planDocument(order, planOptionsFor(settings, connection?.provider, order));
  const money = (minor: bigint) => formatMinor(minor, plan.currency);
  const link = connection
    ? await db.customerLink.findFirst({
        where: { shopDomain: input.shopDomain, providerType: connection.type, matchKey: { in: [order.email ? `email:${order.email.toLowerCase()}` : "", order.customer ? `shopify:${order.customer.id}` : ""] } },
      })
    : null;
  // Accounts named by the shop's data (Intact): the account the mapping gives, or what to set.
  const accounts = connection?.provider.accounts;
  const mapped = accounts ? accounts.accountFor(await orderAccountSubject(admin, order, accounts.metafield)) : null;
  const reasons = [...decision.reasons];
  if (mapped && "missing" in mapped) reasons.push(mapped.missing);
  if (plan.check.outcome === "mismatch") reasons.push(plan.check.message);
  if (!connection) reasons.push("No accounting system is connected, so nothing can be made yet.");
  return {
    order: { id: order.id, name: order.name, currency: plan.currency },
    kinds,
    kind: decision.action === "skip" ? null : plan.check.outcome === "mismatch" ? "draft" : decision.kind,
    willMake: decision.action !== "skip" && connection !== null,
    reasons,
    customer: {
      name: order.company?.name || [order.customer?.firstName, order.customer?.lastName].filter(Boolean).join(" ") || order.email || "Guest",
      email: order.email,
      match: mapped ? ("account" in mapped ? `account ${mapped.account} (by the account-code mapping)` : "no account: see the reasons") : link ? `matched before (${link.externalId})` : order.email ? "matched by e-mail, or created" : "no e-mail: the guest policy applies",
    },
    lines: plan.lines.map((l) => ({
      kind: l.kind,
      productNumber: l.productNumber,
      description: l.description,
      quantity: l.quantity,
      unitPrice: money(l.unitPrice),
      vatRate: ratioToString(l.vatRate),
      net: money(l.net),
      vat: money(l.vat),
      gross: money(l.gross),
    })),
    vat: plan.vatBreakdown.map((v) => ({ rate: v.rate, net: money(v.net), vat: money(v.vat) })),
    totals: { net: money(plan.totals.net), vat: money(plan.totals.vat), gross: money(plan.totals.gross) },
    check: { outcome: plan.check.outcome, shopifyTotal: money(plan.check.shopifyTotal), documentTotal: money(plan.check.documentTotal), difference: money(plan.check.difference) },
    dueDate: dueDateChoice(connection, await fetchPaymentTerms(admin, input.orderId)),
  };
}

/**
 * The due date staff start from: the order's payment terms where it has them; else empty, and the accounting
 * system's terms apply. Where the system takes no due date on a new document (Visma), the field says so.
 */
function dueDateChoice(connection: { name: string; provider: { capabilities: { staffDueDate: boolean } } } | null, terms: { name: string | null; dueDate: string | null } | null) {
  const system = connection?.name ?? "the accounting system";
  if (connection && !connection.provider.capabilities.staffDueDate) {
    return { settable: false, suggested: null, note: `${system} sets the due date from the customer's terms of payment.` };
  }
  if (terms?.dueDate) return { settable: true, suggested: terms.dueDate, note: `From the order's payment terms${terms.name ? ` (${terms.name})` : ""}.` };
  return { settable: true, suggested: null, note: `Empty: the payment terms set in ${system}.` };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * "Generate invoice": one click (its request id) is one job, however often the request arrives; the job is
 * the order sync of the automatic path with the staff member's kind and dates.
 */
export async function requestGenerateInvoice(
  db: Db,
  input: { shopDomain: string; orderId: string; kind: string; invoiceDate: string; dueDate?: string | null; requestId: string },
): Promise<{ jobId: string; created: boolean }> {
  if (!/^[\w-]{8,64}$/.test(input.requestId)) throw new PermanentError("generate_request_id", "The request carries no valid request id.");
  if (input.kind !== "draft" && input.kind !== "invoice") throw new PermanentError("generate_kind", "Choose an invoice or an invoice draft.");
  if (!DATE.test(input.invoiceDate) || Number.isNaN(Date.parse(input.invoiceDate))) throw new PermanentError("generate_date", "The invoice date is not a date.");
  if (input.dueDate && (!DATE.test(input.dueDate) || Number.isNaN(Date.parse(input.dueDate)))) throw new PermanentError("generate_date", "The due date is not a date.");
  if (input.dueDate && input.dueDate < input.invoiceDate) throw new PermanentError("generate_date", "The due date cannot be before the invoice date.");
  if (!/^\d{1,20}$/.test(input.orderId)) throw new PermanentError("order_not_found", "This order does not exist in this shop.");
  const { id, created } = await enqueueJob(db, {
    type: "order.generate",
    shopDomain: input.shopDomain,
    uniqueKey: `order.generate:${input.shopDomain}:${input.orderId}:${input.requestId}`,
    groupKey: orderGroupKey(input.shopDomain, input.orderId),
    payload: { orderId: input.orderId, kind: input.kind, invoiceDate: input.invoiceDate, ...(input.dueDate ? { dueDate: input.dueDate } : {}) },
  });
  return { jobId: id, created };
}

/** Retry: the order's failed tasks run again. */
export async function retryOrder(db: Db, input: { shopDomain: string; orderId: string }): Promise<{ queued: number }> {
  const failed = await db.job.findMany({ where: { shopDomain: input.shopDomain, groupKey: orderGroupKey(input.shopDomain, input.orderId), status: "failed" }, select: { id: true } });
  let queued = 0;
  for (const job of failed) if ((await retryJob(db, { shopDomain: input.shopDomain, jobId: job.id })) === "queued") queued += 1;
  return { queued };
}

export type DocumentAction = { action: "credit" } | { action: "extendDueDate"; dueDate?: string | null } | { action: "partActivate" } | { action: "send" };

/**
 * A staff action on one document of the order, queued as a job of the order. Credit or cancel is once per
 * document, however often it is asked for; a due-date change or a part-activation once per click.
 */
export async function requestDocumentAction(db: Db, input: { shopDomain: string; orderId: string; documentId: string; requestId: string } & DocumentAction) {
  if (!/^[\w-]{8,64}$/.test(input.requestId)) throw new PermanentError("generate_request_id", "The request carries no valid request id.");
  const document = await db.document.findFirst({ where: { id: input.documentId, shopDomain: input.shopDomain, orderId: input.orderId } });
  // Another shop's document, or another order's, is answered like a missing one.
  if (!document) throw new PermanentError("document_not_found", "This document does not exist on this order.");
  const base = { shopDomain: input.shopDomain, groupKey: orderGroupKey(input.shopDomain, input.orderId) };
  const payload = { orderId: input.orderId, documentId: document.id };
  if (input.action === "credit") {
    return enqueueJob(db, { ...base, type: "document.credit", uniqueKey: `document.credit:${input.shopDomain}:${document.id}`, payload });
  }
  if (input.action === "extendDueDate") {
    // No date: the accounting system moves it by its own period (Walley); the job checks that it does.
    if (input.dueDate) {
      if (!DATE.test(input.dueDate) || Number.isNaN(Date.parse(input.dueDate))) throw new PermanentError("generate_date", "The new due date is not a date.");
      const current = document.dueDate?.toISOString().slice(0, 10);
      if (current && input.dueDate <= current) throw new PermanentError("due_date_not_later", `The new due date must be after the current one (${current}).`);
    }
    return enqueueJob(db, { ...base, type: "document.extend-due-date", uniqueKey: `document.extend-due-date:${input.shopDomain}:${document.id}:${input.requestId}`, payload: { ...payload, dueDate: input.dueDate ?? "" } });
  }
  if (input.action === "send") {
    return enqueueJob(db, { ...base, type: "document.send", uniqueKey: `document.send:${input.shopDomain}:${document.id}:${input.requestId}`, payload });
  }
  return enqueueJob(db, { ...base, type: "document.part-activate", uniqueKey: `document.part-activate:${input.shopDomain}:${document.id}:${input.requestId}`, payload });
}
