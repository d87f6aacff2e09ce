// The invoices a signed-in buyer sees in customer accounts (extensions/invoice-account): on one order (its
// invoices, and the credit notes under them), and on the Invoices page every invoice and credit note of the
// buyer and of the company locations they have a role in, newest first, in pages. Only booked documents are
// shown (never a draft); each with a short-lived signed download link and a status in words the extension
// translates: open, paid, overdue, credited.
import type { Db } from "../db.server";
import { signedPdfUrl } from "../documents/pdf-links.server";
import { formatMinor } from "../lib/money";
import type { ShopifyAdminClient } from "../shopify/admin-client.server";
import { visibleOrder, visibleOrders, type CompanyLocation } from "./access.server";
import { erpInvoices, type ErpInvoice, type ProviderFor } from "./erp-invoices.server";
import type { Buyer } from "./customer-token.server";
import type { AccountDocument, InvoicesPage, InvoiceStatus, OrderDocuments } from "./wire";

export type AccountDeps = { db: Db; adminClientFor: (shop: string) => Promise<ShopifyAdminClient>; providerFor: ProviderFor; now?: () => Date };

type Row = NonNullable<Awaited<ReturnType<Db["document"]["findFirst"]>>>;

/** Shopify's payment status in words the Invoices page uses: what the buyer still owes. */
const PAID = new Set(["PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

function status(row: Row, credits: Row[], financialStatus: string | null, today: string): InvoiceStatus {
  const credited = credits.reduce((sum, c) => sum + (c.totalMinor ?? 0n), 0n);
  if (row.state === "cancelled" || credits.some((c) => c.source === "cancellation") || (row.totalMinor !== null && credited >= row.totalMinor && credited > 0n)) return "credited";
  if (financialStatus && PAID.has(financialStatus)) return "paid";
  const due = row.dueDate?.toISOString().slice(0, 10);
  return due && due < today ? "overdue" : "open";
}

function toAccountDocument(row: Row, credits: Row[], financialStatus: string | null, now: Date): AccountDocument {
  const amount = row.totalMinor !== null && row.currency ? formatMinor(row.totalMinor, row.currency) : null;
  return {
    id: row.id,
    kind: row.kind === "creditNote" ? "creditNote" : "invoice",
    number: row.number,
    orderId: row.orderId,
    orderName: row.orderName,
    issuedOn: row.createdAt.toISOString().slice(0, 10),
    dueDate: row.kind === "creditNote" ? null : (row.dueDate?.toISOString().slice(0, 10) ?? null),
    amount,
    currency: row.currency,
    total: amount && row.currency ? `${amount} ${row.currency}` : null,
    outstanding: null,
    status: row.kind === "creditNote" ? null : status(row, credits, financialStatus, now.toISOString().slice(0, 10)),
    download: signedPdfUrl({ documentId: row.id, audience: "buyer", now }),
    einvoice: row.einvoicePath ? signedPdfUrl({ documentId: row.id, audience: "buyer", now, format: "xml" }) : null,
  };
}

/** What a buyer sees to download (booked documents only), for these orders. */
function shownDocuments(db: Db, shopDomain: string, orderIds: string[]) {
  return db.document.findMany({
    where: { shopDomain, orderId: { in: orderIds }, kind: { in: ["invoice", "creditNote"] }, state: { in: ["finalized", "cancelled"] }, providerRef: { not: null } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

/** One order's invoices, each with its credit notes; null when the buyer may not see the order (answered 404). */
export async function orderDocuments(deps: AccountDeps, buyer: Buyer, orderId: string): Promise<OrderDocuments | null> {
  const now = deps.now?.() ?? new Date();
  const order = await visibleOrder(await deps.adminClientFor(buyer.shopDomain), buyer, orderId, now.getTime());
  if (!order) return null;
  const rows = await shownDocuments(deps.db, buyer.shopDomain, [orderId]);
  const credits = rows.filter((r) => r.kind === "creditNote");
  return {
    order: { id: orderId, name: order.name },
    invoices: rows.filter((r) => r.kind === "invoice").map((r) => toAccountDocument(r, credits, order.financialStatus, now)),
    creditNotes: credits.map((r) => toAccountDocument(r, [], order.financialStatus, now)),
  };
}

export const PAGE_SIZE = 20;

/** The Invoices page: the buyer's and their company locations' documents, and the invoices the accounting system
 * holds for the same customers (issued there directly), newest first, a page at a time. */
export async function buyerDocuments(deps: AccountDeps, buyer: Buyer, input: { page: number }): Promise<InvoicesPage> {
  const now = deps.now?.() ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const { orders, locations } = await visibleOrders(await deps.adminClientFor(buyer.shopDomain), buyer, now.getTime());
  const paid = new Map(orders.map((o) => [o.orderId, o.financialStatus]));
  const rows = orders.length ? await shownDocuments(deps.db, buyer.shopDomain, orders.map((o) => o.orderId)) : [];
  const creditsOf = new Map<string, Row[]>();
  for (const r of rows) if (r.kind === "creditNote") creditsOf.set(r.orderId, [...(creditsOf.get(r.orderId) ?? []), r]);
  const customers = [...new Set([buyer.customerId, ...orders.map((o) => o.customerId).filter((id): id is string => id !== null)])];
  const erp = await erpInvoices(deps, { shopDomain: buyer.shopDomain, buyerCustomerId: buyer.customerId, shopifyCustomerIds: customers, companyIds: locations.map((l) => l.companyId) });
  const inSystem = new Map(erp.map((e) => [`${e.providerType}:${e.document.number}`, e]));
  const ours = rows.map((r) => {
    const document = toAccountDocument(r, creditsOf.get(r.orderId) ?? [], paid.get(r.orderId) ?? null, now);
    // Paid in Shopify is paid. An invoice Shopify has not seen paid (payment terms, a bank transfer) is paid when
    // the accounting system says nothing is owed any more; the system's word decides between open, overdue and paid.
    const listed = inSystem.get(`${r.providerType}:${r.number}`);
    if (listed && (document.status === "open" || document.status === "overdue") && listed.outstandingMinor !== null) {
      document.status = erpStatus(listed, today);
      document.outstanding = formatMinor(listed.outstandingMinor, listed.currency);
    }
    return document;
  });
  const known = new Set(rows.map((r) => `${r.providerType}:${r.number}`));
  const issuedThere = erp.filter((e) => !known.has(`${e.providerType}:${e.document.number}`)).map((e) => fromErp(e, today));
  const all = [...ours, ...issuedThere].sort((a, b) => (a.issuedOn === b.issuedOn ? 0 : a.issuedOn < b.issuedOn ? 1 : -1));
  const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(input.page) || 1), pages);
  return { company: companyOf(locations), total: all.length, page, pages, documents: all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE) };
}

function erpStatus(invoice: ErpInvoice, today: string): InvoiceStatus {
  if (invoice.cancelled) return "credited";
  if (invoice.outstandingMinor === 0n) return "paid";
  return invoice.dueDate && invoice.dueDate < today ? "overdue" : "open";
}

function fromErp(invoice: ErpInvoice, today: string): AccountDocument {
  const amount = invoice.document.totalMinor !== null ? formatMinor(invoice.document.totalMinor, invoice.currency) : null;
  return {
    id: `erp:${invoice.providerType}:${invoice.document.providerRef}`,
    kind: invoice.isCreditNote ? "creditNote" : "invoice",
    number: invoice.document.number,
    orderId: null,
    orderName: null,
    issuedOn: invoice.issueDate,
    dueDate: invoice.isCreditNote ? null : invoice.dueDate,
    amount,
    currency: invoice.currency,
    total: amount ? `${amount} ${invoice.currency}` : null,
    outstanding: invoice.outstandingMinor !== null && !invoice.isCreditNote ? formatMinor(invoice.outstandingMinor, invoice.currency) : null,
    status: invoice.isCreditNote ? null : erpStatus(invoice, today),
    download: invoice.download,
    einvoice: null,
  };
}

function companyOf(locations: CompanyLocation[]) {
  if (locations.length === 0) return null;
  return { name: locations[0].companyName, locations: locations.map((l) => l.name) };
}
