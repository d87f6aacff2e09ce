// Making the document in the accounting system, exactly once.
//
// 1. A unique Document row (shop, order, kind, source) is claimed before the provider is called.
// 2. The provider-side reference carries the idempotency key, so a retry after a crash or a lost answer
//    first asks the provider whether the document already exists (findDocumentByReference), and goes on
//    from whatever state it finds. Jobs of one order never overlap (the worker's order lock), so an
//    unfinished claim always belongs to an attempt that is over.
//    A system that cannot be asked (Collector has no lookup by order) is handled by a mark instead: the
//    claim is "submitting" while the document is being made there. A refusal takes the mark back; an
//    answer that never came leaves it, and the next attempt stops and asks the merchant to look, rather
//    than make the document a second time. The merchant's Retry (app/jobs/retry.server.ts) takes the
//    mark back once they have looked.
// 3. Then booking (when allowed), the PDF (stored once, with its hash), and the status written back to
//    the Shopify order as an app-owned metafield.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/errors";
import { formatMinor, ratioToString } from "../lib/money";
import { AppError, AuthError, PermanentError, RetryableError } from "../lib/errors";
import { productKey, type AccountingProvider, type CustomerInput, type DocumentRef, type MissingProductPolicy, type ProductLine, type ProductMatches } from "../providers/provider";
import type { ShopifyAdminClient } from "../shopify/admin-client.server";
import { orderAccountSubject } from "../shopify/account-subject.server";
import { SET_ORDER_METAFIELDS } from "../shopify/graphql";
import type { NormalizedOrder } from "./order";
import type { DocumentPlan } from "./plan";
import { renderTemplate } from "../mail/template";
import { storedPdfOrNull } from "../mail/document-pdf";
import { readShopSettings } from "./settings";
import { assertLeaseHeld, currentRun } from "../jobs/lease";
import { writeSyncLog } from "../sync-log/sync-log.server";

export type IssueInput = {
  shopDomain: string;
  order: NormalizedOrder;
  plan: DocumentPlan;
  /** Draft only, or booked. */
  book: boolean;
  providerType: string;
  missingProducts: MissingProductPolicy;
  issueDate: string;
  /** YYYY-MM-DD, where a staff member chose it; absent: the accounting system's payment terms. */
  dueDate?: string;
  /** What the invoice is for: the order (the default) or one of its fulfilments ("fulfillment:<id>"). */
  source?: string;
  /** An invoice for the order (the default), or a credit note for one of its refunds, crediting the invoice. */
  credit?: { source: string; invoice: DocumentRef };
  /** Have the accounting system e-mail the booked invoice to the buyer (where it can), once. */
  email?: { to: string; template: { subject: string; body: string } } | null;
};

export type IssueDeps = { db: Db; provider: AccountingProvider; admin: ShopifyAdminClient; dataDir: string };

export type IssueOutcome = { documentId: string; document: DocumentRef; alreadyDone: boolean; emailedTo: string | null };

export function idempotencyKey(shopDomain: string, orderId: string, source = "order", kind: "invoice" | "creditNote" = "invoice") {
  return `ib:${shopDomain}:${orderId}:${kind}:${source}`;
}

export async function issueDocument(input: IssueInput, deps: IssueDeps): Promise<IssueOutcome> {
  const { db, provider } = deps;
  const kind = input.credit ? "creditNote" : "invoice";
  const key = idempotencyKey(input.shopDomain, input.order.id, input.credit?.source ?? input.source ?? "order", kind);
  const { row, fresh } = await claim(db, input, key);

  // Where did an earlier attempt get to? Ask the provider, by the key, whenever an earlier claim is not
  // final. A claim made just now needs no question: the key is used only after it is claimed.
  let document: DocumentRef | null = row.state === "finalized" || (row.state === "created" && !input.book) ? refOf(row) : null;
  const alreadyDone = document !== null;
  // A system that cannot be asked: our own record of it is all there is.
  if (!document && !fresh) document = provider.findDocumentByReference ? await provider.findDocumentByReference({ idempotencyKey: key }) : refOf(row);
  if (!document && row.state === SUBMITTING) throw outcomeUnknown(input, deps);

  if (!document) {
    const customer = await customerFor(input, deps);
    const products = await productsFor(input, deps);
    const marked = !provider.findDocumentByReference;
    // The step that cannot be undone: only while this run still holds the order (app/jobs/lease.ts).
    await assertLeaseHeld();
    if (marked) await db.document.update({ where: { id: row.id }, data: { state: SUBMITTING } });
    document = await provider
      .createDocument({
        kind: input.credit ? "creditNote" : input.book ? "invoice" : "draft",
        credits: input.credit?.invoice,
        earlierCredits: input.credit ? await earlierCredits(db, row) : undefined,
        language: input.order.locale ?? undefined,
        plan: input.plan,
        customer: { ...customer, name: buyerName(input.order), countryCode: input.order.billingAddress?.countryCode ?? null, isB2B: input.order.company !== null },
        products,
        idempotencyKey: key,
        dates: { issueDate: input.issueDate, ...(input.dueDate ? { dueDate: input.dueDate } : {}) },
      })
      .catch(async (error: unknown) => {
        // Refused, or never arrived: nothing was made there, so the next attempt may make it.
        if (marked && error instanceof AppError && error.outcome === "not-applied") await db.document.update({ where: { id: row.id }, data: { state: "claimed" } });
        throw error;
      });
  }
  let recorded = await record(db, row.id, document);

  // The invariant: nothing is booked whose total differs from what Shopify charged (or refunded).
  if (document.state === "draft" && document.totalMinor !== null && document.totalMinor !== input.plan.totals.gross) {
    const f = (minor: bigint) => `${formatMinor(minor, input.plan.currency)} ${input.plan.currency}`;
    const what = input.credit ? ["credit note", "refund's"] : ["draft", "order's"];
    throw new PermanentError(
      "document_total_differs",
      `The ${what[0]} in the accounting system totals ${f(document.totalMinor)}, but the ${what[1]} total is ${f(input.plan.totals.gross)}, so it was not booked. ` +
        "Check the VAT of the products on the draft (and the VAT settings of the connection), correct the draft or the settings, then press Retry.",
    );
  }

  if (input.book && document.state !== "booked") {
    await assertLeaseHeld();
    document = await provider.finalizeDocument({ document });
    recorded = await record(db, row.id, document);
  }

  if (document.state === "booked") await storePdf(input, deps, recorded, document);
  const emailedTo = document.state === "booked" && !input.credit ? await emailOnce(input, deps, row.id, document) : null;
  // The order's metafield shows its invoice; credit notes are listed in the app and the customer account.
  if (!input.credit) await writeBack(input, deps, row.id, document);
  return { documentId: row.id, document, alreadyDone, emailedTo };
}

/**
 * The accounting system e-mails the booked invoice to the buyer, once: the e-mail is claimed on the row
 * first (a conditional update), and released again only when sending failed, so that a retry sends it.
 */
async function emailOnce(input: IssueInput, deps: IssueDeps, documentId: string, document: DocumentRef): Promise<string | null> {
  const { provider } = deps;
  if (!input.email) return null;
  const delivered = provider.deliversOnFinalize === true;
  if (!delivered && (!provider.sendDocument || !provider.capabilities.lifecycle.send)) return null;
  const { count } = await deps.db.document.updateMany({ where: { id: documentId, emailedAt: null }, data: { emailedAt: new Date(), emailedTo: input.email.to } });
  if (count === 0) return null;
  // The system sent it itself when it finalized it (Walley, on activation): recorded, not sent again.
  if (delivered || !provider.sendDocument) return input.email.to;
  const values = {
    invoice_number: document.number ?? "",
    order_name: input.order.name,
    due_date: document.dueDate ?? "",
    customer_name: buyerName(input.order),
    shop_name: input.shopDomain.replace(/\.myshopify\.com$/, ""),
  };
  try {
    await provider.sendDocument({
      document,
      to: input.email.to,
      subject: renderTemplate(input.email.template.subject, values),
      body: renderTemplate(input.email.template.body, values),
    });
  } catch (error) {
    await deps.db.document.update({ where: { id: documentId }, data: { emailedAt: null, emailedTo: null } });
    throw error;
  }
  return input.email.to;
}

async function claim(db: Db, input: IssueInput, key: string) {
  try {
    const row = await db.document.create({
      data: {
        shopDomain: input.shopDomain,
        orderId: input.order.id,
        orderName: input.order.name,
        kind: input.credit ? "creditNote" : "invoice",
        source: input.credit?.source ?? input.source ?? "order",
        idempotencyKey: key,
        providerType: input.providerType,
        state: "claimed",
        currency: input.plan.currency,
        totalMinor: input.plan.totals.gross,
        buyerEmail: input.order.email,
        buyerName: buyerName(input.order),
      },
    });
    return { row, fresh: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return { row: await db.document.findUniqueOrThrow({ where: { idempotencyKey: key } }), fresh: false };
  }
}

/**
 * Goods by their SKU; shipping, tip, duties and rounding by the product numbers in the settings. Products
 * already matched once (ProductLink) are not asked for again; the rest go to the provider.
 */
async function productsFor(input: IssueInput, deps: IssueDeps): Promise<ProductMatches> {
  const lines: ProductLine[] = input.plan.lines.map((l) =>
    isGoods(l.kind)
      ? { kind: "goods", sku: l.sku, description: l.description, vatRate: ratioToString(l.vatRate) }
      : { kind: "service", sku: l.productNumber, description: l.description, vatRate: ratioToString(l.vatRate) },
  );
  const where = { shopDomain: input.shopDomain, providerType: input.providerType };
  const keys = [...new Set(lines.map(productKey).filter((k): k is string => k !== null))];
  const known = await deps.db.productLink.findMany({ where: { ...where, sku: { in: keys } } });
  const matches: ProductMatches = new Map(known.map((link) => [link.sku, { productNumber: link.externalId, created: false }]));
  const unknown = lines.filter((l) => !matches.has(productKey(l)));
  if (unknown.length > 0) {
    const found = await deps.provider.findOrCreateProducts({ lines: unknown, policy: input.missingProducts });
    for (const [key, match] of found) {
      matches.set(key, match);
      // Lines without a SKU take the default product by policy; that is not a match to remember.
      if (key !== null) {
        await deps.db.productLink.upsert({
          where: { shopDomain_providerType_sku: { ...where, sku: key } },
          update: { externalId: match.productNumber },
          create: { ...where, sku: key, externalId: match.productNumber },
        });
      }
    }
  }
  return matches;
}

/** The provider's answer on our row; the row as it now is. */
function record(db: Db, id: string, document: DocumentRef) {
  return db.document.update({
    where: { id },
    data: {
      providerRef: document.providerRef,
      number: document.number,
      state: document.state === "booked" ? "finalized" : "created",
      ...(document.totalMinor !== null ? { totalMinor: document.totalMinor } : {}),
      ...(document.dueDate ? { dueDate: new Date(`${document.dueDate}T00:00:00Z`) } : {}),
    },
  });
}

function refOf(row: { providerRef: string | null; number: string | null; state: string; totalMinor: bigint | null; dueDate: Date | null }): DocumentRef | null {
  if (!row.providerRef) return null;
  return {
    providerRef: row.providerRef,
    number: row.number,
    state: row.state === "finalized" ? "booked" : "draft",
    totalMinor: row.totalMinor,
    dueDate: row.dueDate?.toISOString().slice(0, 10) ?? null,
  };
}

async function customerFor(input: IssueInput, deps: IssueDeps) {
  const o = input.order;
  const buyer: CustomerInput = {
    shopifyCustomerId: o.customer?.id ?? null,
    email: o.email,
    name: buyerName(o),
    companyName: o.company?.name || o.billingAddress?.company || null,
    address: o.billingAddress ? { address1: o.billingAddress.address1, city: o.billingAddress.city, zip: o.billingAddress.zip, countryCode: o.billingAddress.countryCode } : null,
    currency: input.plan.currency,
    isB2B: o.company !== null,
    vatNumber: o.company?.vatId ?? null,
  };
  // Accounts named by the shop's data (Intact's mapping): read that data now, since staff change it in
  // Shopify; no e-mail match is kept.
  if (deps.provider.accounts) {
    const account = await orderAccountSubject(deps.admin, o, deps.provider.accounts.metafield);
    return deps.provider.findOrCreateCustomer({ customer: { ...buyer, account }, linkedExternalId: null });
  }
  const linkKey = o.customer?.id ? `shopify:${o.customer.id}` : null;
  const emailKey = o.email ? `email:${o.email.toLowerCase()}` : null;
  const linkOf = (matchKey: string | null) =>
    matchKey
      ? deps.db.customerLink.findUnique({ where: { shopDomain_providerType_matchKey: { shopDomain: input.shopDomain, providerType: input.providerType, matchKey } } })
      : null;
  // Matched by this e-mail before: no need to ask the accounting system again.
  const byEmail = await linkOf(emailKey);
  if (byEmail && byEmail.externalId !== PENDING) return { externalId: byEmail.externalId, matchedBy: "email" as const };
  // Claim the e-mail before asking (and maybe creating), so that two orders of a new customer at the same
  // moment make one customer: the second waits, then finds the first one's link. The claim names the job run
  // that made it. A claim whose run no longer holds its job (the worker died; the job was taken up again), or,
  // made outside a job, older than a minute, was left by an attempt that stopped midway: one job takes it over
  // (a conditional update), and since the provider looks the e-mail up first, a customer that attempt created
  // is found, not made twice.
  const run = currentRun();
  const claim = { claimJobId: run?.jobId ?? null, claimAttempt: run?.attempt ?? null };
  if (emailKey) {
    const inProgress = () =>
      new RetryableError("customer_in_progress", "Another order of the same customer is being invoiced right now; this one follows shortly.");
    let held = byEmail;
    if (!held) {
      try {
        await deps.db.customerLink.create({
          data: { shopDomain: input.shopDomain, providerType: input.providerType, shopifyCustomerId: o.customer?.id ?? null, matchKey: emailKey, externalId: PENDING, ...claim },
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        held = await linkOf(emailKey);
        if (!held) throw inProgress();
        if (held.externalId !== PENDING) return { externalId: held.externalId, matchedBy: "email" as const };
      }
    }
    if (held) {
      if (!(await claimAbandoned(deps.db, held))) throw inProgress();
      const { count } = await deps.db.customerLink.updateMany({
        where: { id: held.id, externalId: PENDING, createdAt: held.createdAt, claimJobId: held.claimJobId, claimAttempt: held.claimAttempt },
        data: { createdAt: new Date(), ...claim },
      });
      if (count === 0) throw inProgress();
    }
  }
  const link = await linkOf(linkKey);
  // A failed attempt gives its claim back at once, so that the retry need not wait for it to go stale.
  const release = async () => {
    if (emailKey) {
      await deps.db.customerLink.deleteMany({ where: { shopDomain: input.shopDomain, providerType: input.providerType, matchKey: emailKey, externalId: PENDING, ...claim } });
    }
  };
  const customer = await deps.provider.findOrCreateCustomer({
    customer: buyer,
    linkedExternalId: link?.externalId ?? null,
    guests: o.email ? undefined : await guestPolicy(deps.db, input.shopDomain),
  }).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  // A collective or per-document buyer (guests; the shop's own invoices) is not a match to remember.
  if (customer.matchedBy === "collective") await release();
  if (customer.matchedBy !== "collective") {
    for (const matchKey of [linkKey, emailKey]) {
      if (!matchKey) continue;
      await deps.db.customerLink.upsert({
        where: { shopDomain_providerType_matchKey: { shopDomain: input.shopDomain, providerType: input.providerType, matchKey } },
        update: { externalId: customer.externalId },
        create: { shopDomain: input.shopDomain, providerType: input.providerType, shopifyCustomerId: o.customer?.id ?? null, matchKey, externalId: customer.externalId },
      });
    }
  }
  return customer;
}

/**
 * For a provider call's `.catch`: an AuthError (the accounting system refused the credentials) pauses the
 * connection with the provider's words before it goes on up, so that later orders wait for a reconnect.
 */
export function pausingConnectionOnAuth(db: Db, connectionId: string) {
  return async (error: unknown): Promise<never> => {
    if (error instanceof AuthError) {
      await db.connection.update({ where: { id: connectionId }, data: { status: "paused", statusMessage: error.merchantMessage } });
    }
    throw error;
  };
}

/** A document's PDF fetched again from the accounting system (the stored copy was missing or damaged). */
export async function refetchPdf(deps: Pick<IssueDeps, "db" | "provider" | "dataDir">, documentId: string): Promise<void> {
  const row = await deps.db.document.findUniqueOrThrow({ where: { id: documentId } });
  const document = refOf(row);
  if (!document || document.state !== "booked") throw new PermanentError("pdf_not_booked", "Only a booked document has a PDF to fetch.");
  const cleared = await deps.db.document.update({ where: { id: documentId }, data: { pdfPath: null, pdfSha256: null } });
  await storePdf({ shopDomain: row.shopDomain }, deps, cleared, document);
}

/**
 * The PDF, fetched once and kept under the data folder with its hash; a missing or broken copy is fetched
 * again. Where the provider makes e-invoices (the shop's own invoices), the PDF kept is the Factur-X one,
 * and the UBL file is kept beside it when the merchant asks for it. A document that cannot be an e-invoice
 * keeps its plain PDF, and the sync log says why and what to set; nothing half-made is kept.
 */
async function storePdf(
  input: Pick<IssueInput, "shopDomain"> & { order?: Pick<NormalizedOrder, "id" | "name"> },
  deps: Pick<IssueDeps, "db" | "provider" | "dataDir">,
  row: { id: string; number: string | null; pdfPath: string | null; pdfSha256: string | null },
  document: DocumentRef,
) {
  const documentId = row.id;
  if (await storedPdfOrNull({ dataDir: deps.dataDir, documentId, invoiceNumber: row.number ?? documentId, pdfPath: row.pdfPath, pdfSha256: row.pdfSha256 })) return;
  const pdf = await deps.provider.getPdf({ document });
  const einvoice = await eInvoiceOf(input, deps, row, document, pdf);
  const bytes = einvoice?.pdf ?? pdf;
  const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");
  const folder = path.join("documents", input.shopDomain);
  await fs.mkdir(path.join(deps.dataDir, folder), { recursive: true });
  const xml = einvoice?.ubl ? { path: path.join(folder, `${documentId}.xml`), text: einvoice.ubl } : null;
  if (xml) await fs.writeFile(path.join(deps.dataDir, xml.path), xml.text);
  const relative = path.join(folder, `${documentId}.pdf`);
  await fs.writeFile(path.join(deps.dataDir, relative), bytes);
  await deps.db.document.update({
    where: { id: documentId },
    data: { pdfPath: relative, pdfSha256: sha256(bytes), einvoicePath: xml?.path ?? null, einvoiceSha256: xml ? sha256(xml.text) : null },
  });
}

/** The provider's e-invoice of the document, or null (none made: off, refused in the log, or failed in the log). */
async function eInvoiceOf(
  input: Pick<IssueInput, "shopDomain"> & { order?: Pick<NormalizedOrder, "id" | "name"> },
  deps: Pick<IssueDeps, "db" | "provider">,
  row: { id: string; number: string | null },
  document: DocumentRef,
  pdf: Uint8Array,
): Promise<{ pdf: Uint8Array; ubl: string | null } | null> {
  if (!deps.provider.getEInvoice) return null;
  const log = (message: string, detail: Record<string, unknown>) =>
    writeSyncLog(deps.db, { shopDomain: input.shopDomain, status: "skipped", message, orderId: input.order?.id ?? null, orderName: input.order?.name ?? null, documentId: row.id, detail });
  try {
    const outcome = await deps.provider.getEInvoice({ document, pdf });
    if (outcome.made) return { pdf: outcome.pdf, ubl: outcome.ubl };
    if (outcome.reason === "refused") await log(outcome.message, { code: outcome.code, field: outcome.field });
    return null;
  } catch (error) {
    if (error instanceof RetryableError) throw error;
    const number = row.number ?? document.number ?? row.id;
    await log(`E-invoice not made for ${number}: it could not be made (${error instanceof Error ? error.message : String(error)}). The PDF invoice was issued as usual.`, { code: "einvoice_failed" });
    return null;
  }
}

/** The status on the order, for the admin block and the customer account (an app-owned metafield). */
async function writeBack(input: IssueInput, deps: IssueDeps, documentId: string, document: DocumentRef) {
  const value = {
    provider: input.providerType,
    number: document.number,
    status: document.state,
    documentId,
    total: document.totalMinor === null ? null : formatMinor(document.totalMinor, input.plan.currency),
    currency: input.plan.currency,
  };
  const answer = await deps.admin.request<{ metafieldsSet: { userErrors: Array<{ message: string }> } }>(SET_ORDER_METAFIELDS, {
    metafields: [{ ownerId: `gid://shopify/Order/${input.order.id}`, namespace: "$app", key: "invoice", type: "json", value: JSON.stringify(value) }],
  });
  if (answer.metafieldsSet.userErrors.length > 0) {
    throw new Error(`metafieldsSet: ${answer.metafieldsSet.userErrors.map((e) => e.message).join("; ")}`);
  }
}

/** A claim made outside a job run, older than this, was left by an attempt that stopped midway. */
const CLAIM_STALE_MS = 60_000;

/**
 * Whether a customer claim was left behind: the job run that made it no longer holds its job (a worker that
 * died loses its lease; the job's next attempt is another run), or, made outside a job, it is a minute old.
 */
async function claimAbandoned(db: Db, claim: { createdAt: Date; claimJobId: string | null; claimAttempt: number | null }): Promise<boolean> {
  if (claim.claimJobId === null || claim.claimAttempt === null) return claim.createdAt.getTime() < Date.now() - CLAIM_STALE_MS;
  const live = await db.job.count({ where: { id: claim.claimJobId, attempts: claim.claimAttempt, status: "running", leaseUntil: { gt: new Date() } } });
  return live === 0;
}

/** A claim whose document is being made in a system that cannot be asked afterwards (see the header). */
export const SUBMITTING = "submitting";

/** The answer to making the document was lost, and the system cannot be asked: the merchant looks. */
function outcomeUnknown(input: IssueInput, deps: IssueDeps): PermanentError {
  const what = input.credit ? `the credit note for order ${input.order.name}` : `the invoice for order ${input.order.name}`;
  const hand = deps.provider.lookUpByHand;
  const system = hand?.system ?? "the accounting system";
  const where = hand ? ` (${hand.where(input.order.id)})` : "";
  return new PermanentError(
    "outcome_unknown",
    `An earlier attempt to make ${what} got no answer from ${system}, which cannot be asked afterwards whether it has it. ` +
      `Look for it there${where}. If it is there, cancel it there first: Retry then makes it again, and the app follows it from then on.`,
  );
}

/** The credit notes already made for the order, oldest first (what a provider crediting by article needs). */
async function earlierCredits(db: Db, row: { id: string; shopDomain: string; orderId: string }): Promise<DocumentRef[]> {
  const rows = await db.document.findMany({
    where: { shopDomain: row.shopDomain, orderId: row.orderId, kind: "creditNote", state: "finalized", id: { not: row.id } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map(refOf).filter((r): r is DocumentRef => r !== null);
}

/** The externalId of a customer claim whose match is not known yet. */
export const PENDING = "(pending)";

export function isGoods(kind: string) {
  return kind === "product" || kind === "discount";
}

/** Where the shop's guests (orders without an e-mail) are invoiced: its rules' guest policy. */
async function guestPolicy(db: Db, shopDomain: string): Promise<"collective" | "individual"> {
  const shop = await db.shop.findUnique({ where: { shopDomain }, select: { settings: true } });
  return readShopSettings(shop?.settings).rules.guests === "individual" ? "individual" : "collective";
}

function buyerName(order: NormalizedOrder): string {
  return (
    order.company?.name ||
    [order.customer?.firstName, order.customer?.lastName].filter(Boolean).join(" ") ||
    order.billingAddress?.name ||
    order.email ||
    "Shopify customer"
  );
}
