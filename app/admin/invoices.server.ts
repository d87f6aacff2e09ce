// The Invoices page's data: the shop's documents with their order, kind, number, state, total, provider and
// a short-lived PDF link; filtered by state, provider and date, searched by order name, in pages of 50
// (keyset by creation, so thousands of documents page as fast as ten). Bulk actions: Retry (the order's
// failed tasks) and Send e-mail (one request per click).
import type { Db } from "../db.server";
import { signPdfLink } from "../documents/pdf-links.server";
import { orderGroupKey } from "../jobs/queue";
import { retryJob } from "../jobs/retry.server";
import { formatMinor } from "../lib/money";
import { requestResend } from "../mail/request-resend.server";
import { NAMES } from "../providers/registry";
import type { ProviderType } from "../providers/provider";
import { DOCUMENT_STATES } from "./document-states";

const PAGE_SIZE = 50;

export type InvoiceFilters = { state?: string | null; provider?: string | null; from?: string | null; to?: string | null; q?: string | null; after?: string | null };

export async function listDocuments(db: Db, shopDomain: string, filters: InvoiceFilters = {}) {
  const day = (value: string | null | undefined, end = false) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T${end ? "23:59:59.999" : "00:00:00.000"}Z`) : undefined);
  const where = {
    shopDomain,
    ...(filters.state && filters.state in DOCUMENT_STATES ? { state: filters.state } : {}),
    ...(filters.provider ? { providerType: filters.provider } : {}),
    ...(day(filters.from) || day(filters.to) ? { createdAt: { ...(day(filters.from) ? { gte: day(filters.from) } : {}), ...(day(filters.to, true) ? { lte: day(filters.to, true) } : {}) } } : {}),
    ...(filters.q?.trim() ? { orderName: { contains: filters.q.trim().replace(/^#?/, "#") } } : {}),
  };
  // Keyset paging: "after" is the last row of the previous page (createdAt, id), newest first.
  const after = filters.after ? await db.document.findFirst({ where: { id: filters.after, shopDomain } }) : null;
  const page = await db.document.findMany({
    where: after ? { AND: [where, { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }] } : where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE_SIZE + 1,
  });
  const [total, providers] = await Promise.all([
    db.document.count({ where }),
    db.document.findMany({ where: { shopDomain }, distinct: ["providerType"], select: { providerType: true } }),
  ]);
  const rows = page.slice(0, PAGE_SIZE).map((d) => ({
    id: d.id,
    orderName: d.orderName ?? d.orderId,
    kind: d.kind === "creditNote" ? "Credit note" : "Invoice",
    number: d.number,
    state: DOCUMENT_STATES[d.state as keyof typeof DOCUMENT_STATES] ?? d.state,
    total: d.totalMinor !== null && d.currency ? `${formatMinor(d.totalMinor, d.currency)} ${d.currency}` : "—",
    provider: NAMES[d.providerType as ProviderType] ?? d.providerType,
    createdAt: d.createdAt.toISOString(),
    emailedTo: d.emailedTo,
    pdf: d.state === "finalized" && d.pdfPath ? signPdfLink({ documentId: d.id, audience: "admin" }) : null,
  }));
  return {
    rows,
    total,
    nextAfter: page.length > PAGE_SIZE ? rows.at(-1)!.id : null,
    providers: providers.map((p) => ({ value: p.providerType, label: NAMES[p.providerType as ProviderType] ?? p.providerType })),
  };
}

/** Retry: the failed tasks of the selected documents' orders run again. */
export async function retryDocuments(db: Db, shopDomain: string, documentIds: string[]) {
  const documents = await db.document.findMany({ where: { shopDomain, id: { in: documentIds } }, select: { orderId: true } });
  const jobs = await db.job.findMany({
    where: { shopDomain, status: "failed", groupKey: { in: [...new Set(documents.map((d) => orderGroupKey(shopDomain, d.orderId)))] } },
    select: { id: true },
  });
  let queued = 0;
  for (const job of jobs) if ((await retryJob(db, { shopDomain, jobId: job.id })) === "queued") queued += 1;
  return { queued };
}

/** Send e-mail: each selected booked document once for this click; drafts and other shops' documents are left out. */
export async function emailDocuments(db: Db, shopDomain: string, documentIds: string[], clickId: string) {
  const booked = await db.document.findMany({ where: { shopDomain, id: { in: documentIds }, state: "finalized" }, select: { id: true } });
  let queued = 0;
  for (const d of booked) if ((await requestResend(db, { shopDomain, documentId: d.id, requestId: clickId })).created) queued += 1;
  return { queued, skipped: documentIds.length - booked.length };
}
