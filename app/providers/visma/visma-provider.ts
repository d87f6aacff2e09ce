// The Visma eAccounting provider (API v2). Facts from Visma's Swagger file (../shared/contracts/visma,
// 2020) and the eAccounting API docs: customers need TermsOfPaymentId and IsPrivatePerson; articles need
// CodingId (which carries the VAT rate) and UnitId; drafts are converted to invoices with
// POST /customerinvoicedrafts/{id}/convert; orders with POST /orders/{id}/convert, which invoices the
// delivered quantities; the PDF comes as a JSON {Url}.
//
// The two workflows of Visma's own ConnectMyApps webshop integration, as a setting:
// - "drafts": an invoice draft per order, converted to an invoice when the rules allow booking;
// - "orders": an order per Shopify order, delivered and converted to an invoice on fulfilment.
import { createHash } from "node:crypto";
import { downloadPdf } from "../pdf-download";
import { z } from "zod";
import { PermanentError } from "../../lib/errors";
import { currencyExponent, formatMinor, ratePercent, ratioToString, toMinor } from "../../lib/money";
import {
  productKey,
  shortReference,
  type AccountingProvider,
  type CustomerRef,
  type DocumentRef,
  type PriceBasis,
  type ProductLine,
  type ProductMatches,
  type ProviderRuntime,
} from "../provider";
import { vismaError, vismaHttp, VISMA_API_URL } from "./visma-client";
import { tokenSource, VISMA_IDENTITY_URL, type VismaCredentials } from "./visma-oauth";

export const vismaSettingsSchema = z.object({
  baseUrl: z.url().default(VISMA_API_URL),
  identityUrl: z.url().default(VISMA_IDENTITY_URL),
  workflow: z.enum(["drafts", "orders"]).default("drafts"),
  /** New customers' terms of payment (GET /v2/termsofpayments). */
  termsOfPaymentId: z.uuid({ error: "choose the terms of payment for new customers" }),
  /** New articles' unit (GET /v2/units). */
  unitId: z.uuid({ error: "choose the unit for new articles" }),
  /** The article account coding per VAT rate ("0.25": id), from GET /v2/articleaccountcodings: Visma takes a row's VAT from its article's coding. */
  codings: z.record(z.string(), z.uuid()),
  defaultArticleNumber: z.string().min(1).max(40).default("SHOPIFY"),
  /** Guests without an e-mail are invoiced to this customer when set. */
  collectiveCustomerId: z.uuid().optional(),
  /**
   * Visma shows private persons prices including VAT unless the company setting "Show prices excl. VAT
   * for private individuals" (ShowPricesExclVatPC) is on; the connection check compares the two.
   */
  pricesIncludeVatForPrivatePersons: z.boolean().default(true),
});
export type VismaSettings = z.infer<typeof vismaSettingsSchema>;

/** Visma keeps article numbers to 40 characters; a longer SKU gets a stable, readable stand-in. */
export function articleNumberFor(sku: string): string {
  if (sku.length <= 40) return sku;
  return `${sku.slice(0, 31)}~${createHash("sha256").update(sku).digest("hex").slice(0, 8)}`;
}

/** OData string literal: single quotes, with a quote written twice. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const page = <T extends z.ZodTypeAny>(item: T) => z.object({ Data: z.array(item) });
const customerRow = z.object({ Id: z.string(), EmailAddress: z.string().nullish(), CurrencyCode: z.string().nullish(), IsPrivatePerson: z.boolean().nullish() });
const articleRow = z.object({ Id: z.string(), Number: z.string() });
const draftRow = z.object({ Id: z.string(), TotalAmount: z.number().nullish(), YourReference: z.string().nullish() });
const orderRow = z.object({
  Id: z.string(),
  Number: z.number().nullish(),
  Status: z.number().nullish(),
  Amount: z.number().nullish(),
  VatAmount: z.number().nullish(),
  RoundingsAmount: z.number().nullish(),
  Rows: z.array(z.record(z.string(), z.unknown())).default([]),
});
const invoiceRow = z.object({ Id: z.string(), InvoiceNumber: z.number(), TotalAmountInvoiceCurrency: z.number(), CurrencyCode: z.string(), DueDate: z.string().nullish() });
const listedInvoiceRow = invoiceRow.extend({ InvoiceDate: z.string(), IsCreditInvoice: z.boolean().nullish(), RemainingAmountInvoiceCurrency: z.number().nullish() });

export function createVismaProvider(input: { credentials: VismaCredentials; settings: VismaSettings; runtime?: ProviderRuntime }): AccountingProvider {
  const { settings, runtime } = input;
  if (!runtime?.oauthClient) {
    throw new PermanentError("visma_not_configured", "This installation of the app has no Visma eAccounting client (VISMA_CLIENT_ID and VISMA_CLIENT_SECRET); contact the app's support.");
  }
  const tokens = tokenSource({ identityUrl: settings.identityUrl, client: runtime.oauthClient, initial: input.credentials, store: runtime.credentialStore });
  const http = vismaHttp({ baseUrl: settings.baseUrl, tokens, pace: runtime.pace });
  // A credit invoice's totals are negative in Visma; our refs carry the positive amount credited.
  const minor = (amount: number | null | undefined, currency: string) =>
    amount === null || amount === undefined ? null : toMinor(Math.abs(amount).toFixed(currencyExponent(currency)), currency);
  const money = (value: bigint, currency: string) => Number(formatMinor(value, currency));

  const codingFor = (vatRate: string) => {
    const coding = settings.codings[vatRate];
    if (!coding) {
      throw new PermanentError(
        "visma_coding_missing",
        `No Visma article coding is set for VAT ${ratePercent(vatRate)}%, so an article with that VAT cannot be created. Choose one in the app's Visma settings, then press Retry.`,
      );
    }
    return coding;
  };

  async function findArticle(number: string): Promise<string | null> {
    const found = await http.call(
      `looking up article ${number}`,
      { method: "GET", url: "/v2/articles", params: { $filter: `Number eq ${odataString(number)}` } },
      page(articleRow),
    );
    return found.Data.find((a) => a.Number.toLowerCase() === number.toLowerCase())?.Id ?? null;
  }

  async function createArticle(number: string, name: string, vatRate: string): Promise<{ id: string; created: boolean }> {
    const CodingId = codingFor(vatRate);
    try {
      const created = await http.call(
        `creating article ${number}`,
        { method: "POST", url: "/v2/articles", data: { IsActive: true, Number: number, Name: name.slice(0, 50), CodingId, UnitId: settings.unitId } },
        articleRow,
      );
      return { id: created.Id, created: true };
    } catch (error) {
      // Another order may have created it a moment ago (orders run in parallel): if it exists now, use it.
      if (error instanceof PermanentError) {
        const id = await findArticle(number);
        if (id) return { id, created: false };
      }
      throw error;
    }
  }

  const toDraftRef = (row: z.infer<typeof draftRow>, currency: string): DocumentRef => ({
    providerRef: `draft:${row.Id}`,
    number: null,
    state: "draft",
    totalMinor: minor(row.TotalAmount, currency),
  });
  // An order's Amount is read as its total including VAT, as an invoice's TotalAmount is (the Swagger file
  // does not say; if Visma meant net, the totals check stops the booking and says so: nothing wrong is booked).
  const toOrderRef = (row: z.infer<typeof orderRow>, currency: string): DocumentRef => ({
    providerRef: `order:${row.Id}`,
    number: null,
    state: "draft",
    totalMinor: minor(row.Amount, currency),
  });
  const toInvoiceRef = (row: z.infer<typeof invoiceRow>): DocumentRef => ({
    providerRef: `invoice:${row.Id}`,
    number: String(row.InvoiceNumber),
    state: "booked",
    totalMinor: minor(row.TotalAmountInvoiceCurrency, row.CurrencyCode),
    dueDate: row.DueDate?.slice(0, 10) ?? null,
  });
  const refId = (document: DocumentRef) => document.providerRef.slice(document.providerRef.indexOf(":") + 1);

  return {
    type: "visma",
    capabilities: {
      documentKinds: settings.workflow === "orders" ? ["order", "invoice"] : ["draft", "invoice"],
      priceBasis: "net",
      maxAmountDecimals: 2,
      productCatalog: true,
      negativeLines: true,
      lifecycle: { send: true, extendDueDate: false, cancel: false, partActivate: false, replace: false, cancelPreliminary: false },
      // A customer invoice draft has no due date (Swagger: CustomerInvoiceDraftApi); the customer's terms of payment set it.
      staffDueDate: false,
      listCustomerInvoices: true,
    },
    finalizeOn: settings.workflow === "orders" ? "fulfilment" : "booking",
    priceBasisFor({ isB2B }): PriceBasis {
      return !isB2B && settings.pricesIncludeVatForPrivatePersons ? "gross" : "net";
    },

    async verifyConnection() {
      const company = await http.call("checking the connection", { method: "GET", url: "/v2/companysettings" }, z.object({ ShowPricesExclVatPC: z.boolean().nullish() }));
      const gross = !company.ShowPricesExclVatPC;
      if (gross !== settings.pricesIncludeVatForPrivatePersons) {
        throw new PermanentError(
          "visma_price_setting",
          `Visma eAccounting shows private persons prices ${gross ? "including" : "excluding"} VAT, but the app's Visma settings say the opposite. Change one of the two so that they agree.`,
        );
      }
    },

    async findOrCreateCustomer({ customer, linkedExternalId, guests = "collective" }): Promise<CustomerRef> {
      const sameCurrency = (row: z.infer<typeof customerRow>) => {
        if (row.CurrencyCode && row.CurrencyCode !== customer.currency) {
          throw new PermanentError(
            "visma_customer_currency",
            `The Visma customer with e-mail ${customer.email ?? "(none)"} invoices in ${row.CurrencyCode}, but the order is in ${customer.currency}. Change the customer's currency in Visma or the app's currency setting, then press Retry.`,
          );
        }
      };
      if (customer.email) {
        const found = await http.call(
          "looking up the customer by e-mail",
          { method: "GET", url: "/v2/customers", params: { $filter: `EmailAddress eq ${odataString(customer.email)}` } },
          page(customerRow),
        );
        const match = found.Data.find((c) => (c.EmailAddress ?? "").toLowerCase() === customer.email!.toLowerCase());
        if (match) {
          sameCurrency(match);
          return { externalId: match.Id, matchedBy: "email" };
        }
      } else if (settings.collectiveCustomerId && !linkedExternalId && guests === "collective") {
        return { externalId: settings.collectiveCustomerId, matchedBy: "collective" };
      }
      if (linkedExternalId && (await http.exists("looking up the linked customer", `/v2/customers/${encodeURIComponent(linkedExternalId)}`))) {
        return { externalId: linkedExternalId, matchedBy: "link" };
      }
      const address = customer.address;
      const created = await http.call(
        `creating the customer ${customer.name}`,
        {
          method: "POST",
          url: "/v2/customers",
          data: {
            Name: (customer.companyName ?? customer.name).slice(0, 50),
            EmailAddress: customer.email ?? undefined,
            IsPrivatePerson: !customer.isB2B,
            IsActive: true,
            TermsOfPaymentId: settings.termsOfPaymentId,
            CurrencyCode: customer.currency,
            InvoiceAddress1: address?.address1?.slice(0, 50) ?? undefined,
            // Both are required by Visma; an order without a billing address (digital goods) gets a dash.
            InvoiceCity: address?.city?.slice(0, 50) || "-",
            InvoicePostalCode: address?.zip?.slice(0, 10) || "-",
            InvoiceCountryCode: address?.countryCode ?? undefined,
          },
        },
        customerRow,
      );
      return { externalId: created.Id, matchedBy: "created" };
    },

    async findOrCreateProducts({ lines, policy }: { lines: ProductLine[]; policy: "halt" | "default" | "create" }): Promise<ProductMatches> {
      // A match's productNumber is the Visma ArticleId: rows refer to articles by id.
      const matches: ProductMatches = new Map();
      for (const line of lines) {
        const key = productKey(line);
        if (matches.has(key)) continue;
        if (line.kind === "service" && line.sku) {
          // Services are ours to name, and one per VAT rate, since the coding carries the VAT.
          const number = articleNumberFor(`${line.sku}-${ratePercent(line.vatRate)}`);
          const id = (await findArticle(number)) ?? (await createArticle(number, `${line.description} (VAT ${ratePercent(line.vatRate)}%)`, line.vatRate)).id;
          matches.set(key, { productNumber: id, created: false });
          continue;
        }
        if (line.sku) {
          const number = articleNumberFor(line.sku);
          const id = await findArticle(number);
          if (id) {
            matches.set(key, { productNumber: id, created: false });
            continue;
          }
          if (policy === "create") {
            matches.set(key, await createArticle(number, line.description, line.vatRate).then((a) => ({ productNumber: a.id, created: a.created })));
            continue;
          }
          if (policy === "halt") {
            throw new PermanentError(
              "product_missing",
              `SKU '${line.sku}' does not exist as an article in Visma eAccounting and 'Create missing products' is off. Create the article in Visma or turn the setting on, then press Retry.`,
            );
          }
        } else if (policy === "halt") {
          throw new PermanentError(
            "sku_missing",
            `The line '${line.description}' has no SKU, and your settings stop on lines without one. Add a SKU in Shopify or choose a default article, then press Retry.`,
          );
        }
        const fallback = await findArticle(settings.defaultArticleNumber);
        if (!fallback) {
          throw new PermanentError(
            "default_product_missing",
            `The default article '${settings.defaultArticleNumber}' does not exist in Visma eAccounting. Create it there or change the default article in the settings, then press Retry.`,
          );
        }
        matches.set(key, { productNumber: fallback, created: false });
      }
      return matches;
    },

    async createDocument({ kind, plan, customer, products, idempotencyKey, dates, credits }) {
      // A credit invoice: IsCreditInvoice with negative quantities (its total is negative, as Visma's
      // convert validation says), opened by a text row naming the invoice it credits.
      const credit = kind === "creditNote";
      if (currencyExponent(plan.currency) > 2) {
        throw new PermanentError(
          "currency_decimals",
          `Visma eAccounting keeps amounts to 2 decimals, so an invoice in ${plan.currency} (3 decimals) cannot be exact there. Invoice in the shop's currency instead (settings).`,
        );
      }
      const rows = plan.lines.map((line, i) => {
        const key =
          line.kind === "product" || line.kind === "discount"
            ? productKey({ kind: "goods", sku: line.sku, vatRate: "" })
            : productKey({ kind: "service", sku: line.productNumber, vatRate: ratioToString(line.vatRate) });
        const articleId = products.get(key)?.productNumber;
        if (!articleId) throw new Error(`no article matched for plan line ${i + 1} (${line.description})`);
        return { ArticleId: articleId, IsTextRow: false, Text: line.description.slice(0, 2000), UnitPrice: money(line.unitPrice, plan.currency), Quantity: credit ? -line.quantity : line.quantity };
      });
      if (credit) rows.unshift({ IsTextRow: true, Text: `Credit note for invoice ${credits?.number ?? ""}`.trim() } as (typeof rows)[number]);
      rows.forEach((row, i) => Object.assign(row, { LineNumber: i + 1 }));
      // The reference carries the idempotency key: a retry after a crash or a lost answer finds this document first.
      const reference = shortReference(idempotencyKey);
      if (settings.workflow === "orders" && !credit) {
        const order = await http.call(
          "creating the order",
          {
            method: "POST",
            url: "/v2/orders",
            data: {
              CustomerId: customer.externalId,
              CurrencyCode: plan.currency,
              EuThirdParty: false,
              OrderDate: dates.issueDate,
              Status: 2,
              RotReducedInvoicingType: 0,
              ReverseChargeOnConstructionServices: false,
              YourReference: reference,
              Rows: rows.map((r) => ({ ...r, DeliveredQuantity: 0, IsWorkCost: false, EligibleForReverseChargeOnVat: false })),
            },
          },
          orderRow,
        );
        return toOrderRef(order, plan.currency);
      }
      const draft = await http.call(
        "creating the invoice draft",
        {
          method: "POST",
          url: "/v2/customerinvoicedrafts",
          data: {
            CustomerId: customer.externalId,
            RotReducedInvoicingType: 0,
            EuThirdParty: false,
            InvoiceDate: dates.issueDate,
            YourReference: reference,
            IsCreditInvoice: credit,
            Rows: rows.map((r) => ({ ...r, ReversedConstructionServicesVatFree: false })),
          },
        },
        draftRow,
      );
      return toDraftRef(draft, plan.currency);
    },

    async finalizeDocument({ document }) {
      if (document.state === "booked") return document;
      const id = refId(document);
      if (document.providerRef.startsWith("order:")) {
        // Visma invoices an order's delivered quantities: deliver every row, then convert.
        const order = await http.call("reading the order", { method: "GET", url: `/v2/orders/${id}` }, orderRow.passthrough());
        const { Id: _id, ...rest } = order;
        await http.call(
          "marking the order delivered",
          { method: "PUT", url: `/v2/orders/${id}`, data: { ...rest, Status: 3, Rows: order.Rows.map((row) => ({ ...row, DeliveredQuantity: row.Quantity })) } },
          orderRow,
        );
        const invoice = await http.call("converting the order to an invoice", { method: "POST", url: `/v2/orders/${id}/convert`, data: {} }, invoiceRow);
        return toInvoiceRef(invoice);
      }
      // Keep the draft's invoice date (the one the rules or the staff member chose), whatever the company
      // setting KeepOriginalDraftDate says (Swagger: convert's query parameters).
      const invoice = await http.call(
        "converting the draft to an invoice",
        {
          method: "POST",
          url: `/v2/customerinvoicedrafts/${id}/convert`,
          params: { keepOriginalDraftDate: true, overrideCompanyKeepOriginalDraftDate: true },
          data: {},
        },
        invoiceRow,
      );
      return toInvoiceRef(invoice);
    },

    async listCustomerInvoices({ customerExternalId, limit }) {
      const params = { $filter: `CustomerId eq ${odataString(customerExternalId)}`, $orderby: "InvoiceDate desc", $pagesize: Math.min(limit, 200) };
      const invoices = await http.call("listing the customer's invoices", { method: "GET", url: "/v2/customerinvoices", params }, page(listedInvoiceRow));
      return invoices.Data.map((row) => ({
        document: toInvoiceRef(row),
        issueDate: row.InvoiceDate.slice(0, 10),
        dueDate: row.DueDate?.slice(0, 10) ?? null,
        currency: row.CurrencyCode,
        outstandingMinor: minor(row.RemainingAmountInvoiceCurrency, row.CurrencyCode),
        isCreditNote: Boolean(row.IsCreditInvoice) || row.TotalAmountInvoiceCurrency < 0,
      }));
    },

    async findDocumentByReference({ idempotencyKey }) {
      const $filter = `YourReference eq ${odataString(shortReference(idempotencyKey))}`;
      const invoices = await http.call("looking for an earlier invoice", { method: "GET", url: "/v2/customerinvoices", params: { $filter } }, page(invoiceRow));
      if (invoices.Data[0]) return toInvoiceRef(invoices.Data[0]);
      if (settings.workflow === "orders" && !idempotencyKey.includes(":creditNote:")) {
        const orders = await http.call("looking for an earlier order", { method: "GET", url: "/v2/orders", params: { $filter } }, page(orderRow.extend({ CurrencyCode: z.string() })));
        if (orders.Data[0]) return toOrderRef(orders.Data[0], orders.Data[0].CurrencyCode);
        return null;
      }
      const drafts = await http.call(
        "looking for an earlier draft",
        { method: "GET", url: "/v2/customerinvoicedrafts", params: { $filter } },
        page(draftRow.extend({ InvoiceCurrencyCode: z.string() })),
      );
      if (drafts.Data[0]) return toDraftRef(drafts.Data[0], drafts.Data[0].InvoiceCurrencyCode);
      return null;
    },

    async getPdf({ document }) {
      if (document.state !== "booked") throw new PermanentError("pdf_draft", "A draft has no PDF in Visma eAccounting; convert it to an invoice first.");
      // Visma makes the PDF on request and "sometimes has higher than average response time" (Swagger).
      const { Url } = await http.call(`fetching the PDF link of invoice ${document.number}`, { method: "GET", url: `/v2/customerinvoices/${refId(document)}/pdf`, timeout: 60_000 }, z.object({ Url: z.url() }));
      try {
        return await downloadPdf(Url, { provider: "Visma eAccounting", code: "visma_pdf_garbled" });
      } catch (error) {
        throw vismaError(error, `downloading the PDF of invoice ${document.number}`);
      }
    },

    async sendDocument({ document, to, subject, body }) {
      await http.call(
        `e-mailing invoice ${document.number}`,
        { method: "POST", url: `/v2/customerinvoices/${refId(document)}/email`, data: { Email: to, Subject: subject, Message: body } },
        z.unknown(),
      );
    },
  };
}
