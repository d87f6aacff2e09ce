// "Generate invoices" for the orders selected on the admin's order list (extensions/invoice-admin, the
// order-index selection action): first a summary of what it would do (queued, already invoiced, not eligible
// and why), then one order.generate job per eligible order, the same job as "Generate invoice" on one order.
// The run is kept (BulkRun) so that the app's Invoices page can show its progress, counted from its jobs.
import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/errors";
import { PermanentError } from "../lib/errors";
import { orderFromAdminApi } from "../invoicing/order";
import { decide } from "../invoicing/rules";
import { readShopSettings } from "../invoicing/settings";
import { fetchOrder, fetchPaymentTerms } from "../invoicing/sync-order.use-case";
import { requestGenerateInvoice, staffKinds, type OrderInvoiceDeps } from "./order-invoice.server";

/** The most orders one click takes: the admin's order list selects at most 250 at a time. */
export const BULK_LIMIT = 250;
/** Orders read from Shopify side by side while summarising. */
const READ_CONCURRENCY = 4;

export type BulkRow = { orderId: string; orderName: string; outcome: "queued" | "invoiced" | "not-eligible"; reason?: string };

/** What "Generate invoices" would do with these orders, nothing posted. */
export async function summarizeBulk(deps: OrderInvoiceDeps, input: { shopDomain: string; orderIds: string[]; kind?: string }) {
  const orderIds = [...new Set(input.orderIds.map((id) => id.replace(/^gid:\/\/shopify\/Order\//, "")))];
  if (orderIds.length === 0) throw new PermanentError("bulk_empty", "Select at least one order.");
  if (orderIds.length > BULK_LIMIT) throw new PermanentError("bulk_too_many", `Select at most ${BULK_LIMIT} orders at a time (${orderIds.length} selected).`);
  if (orderIds.some((id) => !/^\d{1,20}$/.test(id))) throw new PermanentError("bulk_order_id", "The selection holds something that is not an order.");
  const { db } = deps;
  const [shop, connection, documents, pending] = await Promise.all([
    db.shop.findUnique({ where: { shopDomain: input.shopDomain } }),
    deps.providerFor(input.shopDomain),
    db.document.findMany({ where: { shopDomain: input.shopDomain, orderId: { in: orderIds }, kind: "invoice", state: { in: ["created", "finalized"] } } }),
    db.job.findMany({ where: { shopDomain: input.shopDomain, type: "order.generate", status: { in: ["queued", "running"] }, groupKey: { in: orderIds.map((id) => `${input.shopDomain}:order:${id}`) } }, select: { groupKey: true } }),
  ]);
  const kinds = staffKinds(connection?.provider.capabilities.documentKinds);
  const kind = input.kind === "draft" || input.kind === "invoice" ? (kinds.includes(input.kind) ? input.kind : null) : kinds.includes("invoice") ? "invoice" : (kinds[0] ?? null);
  const settings = readShopSettings(shop?.settings);
  const admin = await deps.adminClientFor(input.shopDomain);
  const now = deps.now?.() ?? new Date();
  const invoiced = new Map(documents.map((d) => [d.orderId, d]));
  const generating = new Set(pending.map((j) => j.groupKey?.split(":").pop()));

  const summarize = async (orderId: string): Promise<BulkRow & { dueDate?: string | null }> => {
    const document = invoiced.get(orderId);
    if (document) {
      const what = document.state === "finalized" ? `invoice ${document.number ?? ""}`.trim() : "an invoice draft";
      return { orderId, orderName: document.orderName ?? orderId, outcome: "invoiced", reason: `Already has ${what}.` };
    }
    if (generating.has(orderId)) return { orderId, orderName: orderId, outcome: "invoiced", reason: "Its invoice is being made right now." };
    const fetched = await fetchOrder(admin, orderId);
    if (!fetched) return { orderId, orderName: orderId, outcome: "not-eligible", reason: "This order does not exist in this shop." };
    const order = orderFromAdminApi(fetched, settings.currencyMode);
    if (!connection) return { orderId, orderName: order.name, outcome: "not-eligible", reason: "No accounting system is connected." };
    if (!kind) return { orderId, orderName: order.name, outcome: "not-eligible", reason: `${connection.name} does not make that kind of document.` };
    const decision = decide({ order, rules: settings.rules, request: { by: "staff", kind }, verificationStartedAt: shop?.verificationStartedAt ?? now, now });
    if (decision.action === "skip") return { orderId, orderName: order.name, outcome: "not-eligible", reason: decision.reasons.join(" ") || "The rules do not invoice it." };
    // The order's payment terms give its due date, where the system takes one (else its own terms apply).
    const terms = connection.provider.capabilities.staffDueDate ? await fetchPaymentTerms(admin, orderId) : null;
    return { orderId, orderName: order.name, outcome: "queued", dueDate: terms?.dueDate ?? null };
  };

  const rows: Array<BulkRow & { dueDate?: string | null }> = [];
  for (let i = 0; i < orderIds.length; i += READ_CONCURRENCY) rows.push(...(await Promise.all(orderIds.slice(i, i + READ_CONCURRENCY).map(summarize))));
  return { kind, kinds, rows, counts: countsOf(rows) };
}

function countsOf(rows: BulkRow[]) {
  const count = (outcome: BulkRow["outcome"]) => rows.filter((r) => r.outcome === outcome).length;
  return { selected: rows.length, queued: count("queued"), invoiced: count("invoiced"), notEligible: count("not-eligible") };
}

/**
 * The click: the summary made again here (never taken from the browser), one job per eligible order under the
 * click's request id, and the run recorded. The same click twice is the same run, with the same jobs.
 */
export async function requestBulkGenerate(deps: OrderInvoiceDeps, input: { shopDomain: string; orderIds: string[]; kind?: string; requestId: string; invoiceDate: string }) {
  const { db } = deps;
  if (!/^[\w-]{8,64}$/.test(input.requestId)) throw new PermanentError("generate_request_id", "The request carries no valid request id.");
  const earlier = await db.bulkRun.findUnique({ where: { shopDomain_requestId: { shopDomain: input.shopDomain, requestId: input.requestId } } });
  if (earlier) return { runId: earlier.id, ...countsOf(JSON.parse(earlier.summary) as BulkRow[]) };
  const summary = await summarizeBulk(deps, input);
  if (!summary.kind) throw new PermanentError("generate_kind", "No accounting system that makes invoices is connected.");
  for (const row of summary.rows.filter((r) => r.outcome === "queued")) {
    await requestGenerateInvoice(db, { shopDomain: input.shopDomain, orderId: row.orderId, kind: summary.kind, invoiceDate: input.invoiceDate, dueDate: row.dueDate ?? null, requestId: input.requestId });
  }
  const rows: BulkRow[] = summary.rows.map(({ orderId, orderName, outcome, reason }) => ({ orderId, orderName, outcome, ...(reason ? { reason } : {}) }));
  try {
    const run = await db.bulkRun.create({
      data: { shopDomain: input.shopDomain, requestId: input.requestId, kind: summary.kind, selected: rows.length, queued: summary.counts.queued, summary: JSON.stringify(rows) },
    });
    return { runId: run.id, ...summary.counts };
  } catch (error) {
    // The same click, arrived twice at once: the other one recorded the run (its jobs are these jobs).
    if (!isUniqueViolation(error)) throw error;
    const run = await db.bulkRun.findUniqueOrThrow({ where: { shopDomain_requestId: { shopDomain: input.shopDomain, requestId: input.requestId } } });
    return { runId: run.id, ...summary.counts };
  }
}

/** The shop's recent runs with their progress, counted from their jobs, for the Invoices page. */
export async function recentBulkRuns(db: Db, shopDomain: string, limit = 3) {
  const runs = await db.bulkRun.findMany({ where: { shopDomain }, orderBy: { createdAt: "desc" }, take: limit });
  return Promise.all(
    runs.map(async (run) => {
      const jobs = await db.job.findMany({ where: { shopDomain, type: "order.generate", uniqueKey: { endsWith: `:${run.requestId}` } }, select: { status: true } });
      const by = (status: string) => jobs.filter((j) => j.status === status).length;
      const rows = JSON.parse(run.summary) as BulkRow[];
      const finished = by("done");
      const failed = by("failed") + by("cancelled");
      return {
        id: run.id,
        createdAt: run.createdAt.toISOString(),
        kind: run.kind,
        selected: run.selected,
        queued: run.queued,
        finished,
        failed,
        waiting: Math.max(0, run.queued - finished - failed),
        percent: run.queued === 0 ? 100 : Math.round(((finished + failed) / run.queued) * 100),
        invoiced: rows.filter((r) => r.outcome === "invoiced").length,
        notEligible: rows.filter((r) => r.outcome === "not-eligible").map((r) => ({ orderName: r.orderName, reason: r.reason ?? "" })),
      };
    }),
  );
}
