// Invoices issued directly in the accounting system, for the customer-account Invoices page: the system lists
// the invoices of each of its customers that the buyer stands for. Those are found one of two ways:
// - matched by the app (e-conomic): the customers its documents went to for the buyer's visible orders (the
//   buyer, and for a B2B buyer the colleagues whose orders their company locations hold), through the app's
//   customer links;
// - named by the shop's data (Intact's account-code mapping, the provider's `accounts`): the accounts of the
//   buyer and of each company they have a role in, read fresh from Shopify.
// Each invoice gets a short-lived signed download link that fetches its PDF from the system; the PDF is kept
// for the provider's freshness limit (ErpPdf), and a kept copy is served while the system cannot be reached.
import { createHash } from "node:crypto";
import type { Db } from "../db.server";
import { checkPdfLink, linkTextAnswer, pdfAnswer, signedPdfUrl } from "../documents/pdf-links.server";
import { PENDING } from "../invoicing/issue-document.use-case";
import { AppError } from "../lib/errors";
import { logger } from "../lib/logger.server";
import type { AccountingProvider, ListedInvoice } from "../providers/provider";
import type { ShopifyAdminClient } from "../shopify/admin-client.server";
import { companyForAccount, customerForAccount } from "../shopify/account-subject.server";

/** At most this many of the system's customers are listed per page view, and this many invoices of each. */
const MAX_CUSTOMERS = 10;
const MAX_INVOICES = 100;

export type ProviderFor = (shop: string) => Promise<{ provider: AccountingProvider; type: string } | null>;

export type ErpInvoice = ListedInvoice & { providerType: string; download: string };

/** What an ERP invoice's link names: the shop, the system and the document there. */
type ErpKey = { shop: string; type: string; ref: string; number: string | null };

const encode = (key: ErpKey) => Buffer.from(JSON.stringify(key)).toString("base64url");

/** Who the Invoices page is for: the buyer, the Shopify customers of their visible orders, their companies. */
export type ErpAudience = { shopDomain: string; buyerCustomerId: string; shopifyCustomerIds: string[]; companyIds: string[] };

/** The system's customers that the audience stands for, by the provider's way of naming them. */
async function customersOf(deps: { db: Db; adminClientFor: (shop: string) => Promise<ShopifyAdminClient> }, provider: AccountingProvider, type: string, input: ErpAudience): Promise<string[]> {
  const mapping = provider.accounts;
  if (mapping) {
    const admin = await deps.adminClientFor(input.shopDomain);
    const customer = await customerForAccount(admin, input.buyerCustomerId, mapping.metafield);
    const companies = await Promise.all([...new Set(input.companyIds)].map((id) => companyForAccount(admin, id, mapping.metafield)));
    const subjects = [{ customer, company: null }, ...companies.filter((c) => c !== null).map((company) => ({ customer, company }))];
    return subjects.map((subject) => mapping.accountFor(subject)).flatMap((match) => ("account" in match ? [match.account] : []));
  }
  if (input.shopifyCustomerIds.length === 0) return [];
  const links = await deps.db.customerLink.findMany({
    where: { shopDomain: input.shopDomain, providerType: type, shopifyCustomerId: { in: input.shopifyCustomerIds }, externalId: { not: PENDING } },
    select: { externalId: true },
  });
  return links.map((l) => l.externalId);
}

/** The invoices the accounting system holds for this audience; empty where it cannot list them. */
export async function erpInvoices(
  deps: { db: Db; providerFor: ProviderFor; adminClientFor: (shop: string) => Promise<ShopifyAdminClient>; now?: () => Date },
  input: ErpAudience,
): Promise<ErpInvoice[]> {
  const connection = await deps.providerFor(input.shopDomain).catch(() => null);
  const list = connection?.provider.listCustomerInvoices?.bind(connection.provider);
  if (!connection || !list || !connection.provider.capabilities.listCustomerInvoices) return [];
  const customers = await customersOf(deps, connection.provider, connection.type, input).catch((error: unknown) => {
    logger.warn({ shopDomain: input.shopDomain, code: error instanceof AppError ? error.code : "unexpected" }, "the buyer's accounts in the accounting system could not be worked out");
    return [];
  });
  const now = deps.now?.() ?? new Date();
  const lists = await Promise.all(
    [...new Set(customers)].slice(0, MAX_CUSTOMERS).map((customerExternalId) =>
      list({ customerExternalId, limit: MAX_INVOICES }).catch((error: unknown) => {
        // The page still shows the app's own documents; the system's list comes back on the next visit.
        logger.warn({ shopDomain: input.shopDomain, code: error instanceof AppError ? error.code : "unexpected" }, "accounting system's invoice list not available");
        return [];
      }),
    ),
  );
  return lists.flat().map((invoice) => ({
    ...invoice,
    providerType: connection.type,
    download: signedPdfUrl({
      documentId: encode({ shop: input.shopDomain, type: connection.type, ref: invoice.document.providerRef, number: invoice.document.number }),
      audience: "buyer",
      now,
      path: "/account/erp-invoices",
    }),
  }));
}

/** The signed link's PDF: the kept copy while it is fresh, else fetched from the accounting system and kept. */
export async function serveErpPdf(request: Request, key: string, deps: { db: Db; providerFor: ProviderFor; now?: () => Date }): Promise<Response> {
  const text = linkTextAnswer;
  const check = checkPdfLink({ documentId: key, params: new URL(request.url).searchParams });
  if (!check.ok) return text(check.status, check.reason);
  let erp: ErpKey;
  try {
    erp = JSON.parse(Buffer.from(key, "base64url").toString("utf8")) as ErpKey;
  } catch {
    return text(403, "This link to the invoice is not valid.");
  }
  const name = `Invoice-${(erp.number ?? "document").replace(/[^\w.-]+/g, "-")}.pdf`;
  const where = { shopDomain_providerType_providerRef: { shopDomain: erp.shop, providerType: erp.type, providerRef: erp.ref } };
  const kept = await deps.db.erpPdf.findUnique({ where });
  const unavailable = (why: string) => {
    if (kept) {
      logger.info({ shopDomain: erp.shop, why }, "ERP invoice PDF served from the kept copy");
      return pdfAnswer(new Uint8Array(kept.bytes), name);
    }
    return text(503, "The invoice's PDF is not available right now. Try again later.");
  };
  const connection = await deps.providerFor(erp.shop).catch(() => null);
  if (!connection || connection.type !== erp.type) return unavailable("not connected");
  const now = deps.now?.() ?? new Date();
  const freshFor = connection.provider.pdfFreshForMs ?? 0;
  if (kept && now.getTime() - kept.fetchedAt.getTime() < freshFor) return pdfAnswer(new Uint8Array(kept.bytes), name);
  let bytes: Uint8Array;
  try {
    bytes = await connection.provider.getPdf({ document: { providerRef: erp.ref, number: erp.number, state: "booked", totalMinor: null } });
  } catch (error) {
    logger.warn({ code: error instanceof AppError ? error.code : "unexpected" }, "ERP invoice PDF could not be fetched");
    return unavailable("fetch failed");
  }
  if (freshFor > 0) {
    const data = { bytes: Buffer.from(bytes), sha256: createHash("sha256").update(bytes).digest("hex"), fetchedAt: now };
    await deps.db.erpPdf.upsert({ where, update: data, create: { shopDomain: erp.shop, providerType: erp.type, providerRef: erp.ref, ...data } });
  }
  return pdfAnswer(bytes, name);
}
