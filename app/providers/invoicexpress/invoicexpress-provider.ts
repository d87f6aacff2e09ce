// The InvoicExpress provider (API v2), as the ePages integration does it: "generate invoice" with an
// invoice date and a due date, clients matched by name or by code, items taxed by tax name, then
// finalized (change-state) and e-mailed by InvoicExpress itself (email-document).
// Facts from the InvoiceXpress API v2 docs (invoicexpress.com/api-v2, docs.invoicexpress.com):
// - requests wrap the document in "invoice" whatever its type; answers wrap it in the type's own key
//   ("invoice_receipt" for invoice_receipts), a quirk handled in `unwrap`;
// - dates are DD/MM/YYYY;
// - an unknown tax name silently falls back to the account's default tax, so we never send a name the
//   merchant did not map;
// - Portuguese accounts must give an exemption reason (M01…) for 0% lines;
// - the PDF is made on request: /api/pdf/{id}.json answers 202 until it is ready, then {output:{pdfUrl}}.
import { createHash } from "node:crypto";
import { downloadPdf } from "../pdf-download";
import { z } from "zod";
import { PermanentError, RetryableError } from "../../lib/errors";
import { formatMinor, ratioToString, toMinor } from "../../lib/money";
import { shortReference, type AccountingProvider, type CustomerRef, type DocumentRef, type ProductMatches } from "../provider";
import { invoicExpressBaseUrl, invoicExpressError, invoicExpressHttp, type InvoicExpressCredentials } from "./invoicexpress-client";

export const invoicExpressCredentialsSchema = z.object({
  accountName: z.string().regex(/^[a-z0-9-]+$/i, { error: "the account name is the first part of your InvoicExpress address (ACCOUNT.app.invoicexpress.com)" }),
  apiKey: z.string().min(10, { error: "the API key is under Settings → API in InvoicExpress" }),
});

export const invoicExpressSettingsSchema = z.object({
  /** Only for the simulator and tests; production derives it from the account name. */
  baseUrl: z.url().optional(),
  documentType: z.enum(["invoices", "invoice_receipts", "simplified_invoices"]).default("invoices"),
  /** The due date, when the staff member gives none: the invoice date plus this many days. */
  dueDays: z.number().int().min(0).max(365).default(30),
  /** How a buyer is found: by name (as the ePages integration does) or by code = the Shopify customer id. */
  clientMatch: z.enum(["name", "code"]).default("name"),
  /** Shopify's VAT rate → the InvoicExpress tax name ("0.23": "IVA23"). */
  taxNames: z.record(z.string(), z.string().min(1)).refine((m) => Object.keys(m).length > 0, { error: "map at least one VAT rate to an InvoicExpress tax name" }),
  /** The reason for 0% lines (Portuguese accounts), e.g. "M16". */
  exemptionReason: z.string().regex(/^M(0[1-9]|[1-9]\d)$/, { error: "an exemption reason is a code like M07 or M16" }).optional(),
});
export type InvoicExpressSettings = z.infer<typeof invoicExpressSettingsSchema>;

/** YYYY-MM-DD → DD/MM/YYYY, the only date form InvoicExpress accepts. */
export function ixDate(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

/** A client's code: the Shopify customer id, or for a guest a stable code from the e-mail or name. */
function clientCode(customer: { shopifyCustomerId: string | null; email: string | null; name: string }): string {
  return customer.shopifyCustomerId ?? `guest-${createHash("sha256").update((customer.email ?? customer.name).toLowerCase()).digest("hex").slice(0, 12)}`;
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const SINGULAR: Record<string, string> = {
  invoices: "invoice",
  invoice_receipts: "invoice_receipt",
  simplified_invoices: "simplified_invoice",
  credit_notes: "credit_note",
  debit_notes: "debit_note",
};

/** The list filter's name of each document type (api-v2 list-all, `type[]`). */
const LIST_TYPES: Record<string, string> = {
  invoices: "Invoice",
  invoice_receipts: "InvoiceReceipt",
  simplified_invoices: "SimplifiedInvoice",
  credit_notes: "CreditNote",
  debit_notes: "DebitNote",
};

const clientRow = z.object({ id: z.coerce.number(), name: z.string(), code: z.string().nullish(), email: z.string().nullish() });
const documentRow = z.object({
  id: z.coerce.number(),
  status: z.string(),
  sequence_number: z.string().nullish(),
  inverted_sequence_number: z.string().nullish(),
  reference: z.string().nullish(),
  due_date: z.string().nullish(),
  total: z.coerce.number().nullish(),
  currency: z.string().nullish(),
});
type DocumentRow = z.infer<typeof documentRow>;

/** The document in an answer, under whichever key InvoicExpress put it. */
function unwrap(data: unknown): DocumentRow {
  const record = (data && typeof data === "object" ? data : {}) as Record<string, unknown>;
  const inner = Object.values(SINGULAR).map((key) => record[key]).find((v) => v && typeof v === "object");
  return documentRow.parse(inner);
}

export function createInvoicExpressProvider(input: { credentials: InvoicExpressCredentials; settings: InvoicExpressSettings }): AccountingProvider {
  const { settings } = input;
  const http = invoicExpressHttp({ baseUrl: settings.baseUrl ?? invoicExpressBaseUrl(input.credentials.accountName), credentials: input.credentials });
  const type = settings.documentType;
  const call = async <T>(doing: string, run: () => Promise<{ data: unknown; status: number }>, parse: (data: unknown) => T): Promise<T> => {
    let data: unknown;
    try {
      data = (await run()).data;
    } catch (error) {
      throw invoicExpressError(error, doing);
    }
    try {
      return parse(data);
    } catch (error) {
      throw new RetryableError("invoicexpress_garbled", `InvoicExpress gave an answer the app could not read while ${doing}; it will be retried.`, {
        detail: error instanceof Error ? error.message.slice(0, 300) : String(error),
      });
    }
  };
  /** Clients met in this run, so that a document names its client exactly as InvoicExpress has it. */
  const clients = new Map<string, { name: string; code: string }>();

  const findClient = async (by: "name" | "code", value: string) => {
    try {
      const response = await http.get(`/clients/find-by-${by}.json`, { params: by === "name" ? { client_name: value } : { client_code: value } });
      return clientRow.parse((response.data as { client?: unknown }).client);
    } catch (error) {
      if ((error as { response?: { status?: number } }).response?.status === 404) return null;
      throw invoicExpressError(error, `looking up the client ${value}`);
    }
  };

  const toRef = (row: DocumentRow, path: string = type): DocumentRef => ({
    providerRef: `${path}:${row.id}`,
    number: row.status === "draft" ? null : (row.inverted_sequence_number ?? row.sequence_number ?? null),
    state: row.status === "draft" ? "draft" : "booked",
    // Documents are made in euros only (createDocument); answers name the currency in words ("Euro").
    totalMinor: row.total === null || row.total === undefined ? null : toMinor(row.total.toFixed(2), "EUR"),
    dueDate: row.due_date ? row.due_date.split("/").reverse().join("-") : null,
  });
  const idOf = (document: DocumentRef) => document.providerRef.slice(document.providerRef.indexOf(":") + 1);
  /** The document type's path ("invoices", "credit_notes"), from the reference. */
  const pathOf = (document: DocumentRef) => document.providerRef.slice(0, document.providerRef.indexOf(":"));
  const taxNameFor = (vatRate: string) => {
    const name = settings.taxNames[vatRate];
    if (!name) {
      throw new PermanentError(
        "invoicexpress_tax_unmapped",
        `VAT ${Number(vatRate) * 100}% has no InvoicExpress tax name in the app's settings, so the invoice was not made (InvoicExpress would apply its default tax instead). Map the rate to a tax name, then press Retry.`,
      );
    }
    return name;
  };

  return {
    type: "invoicexpress",
    capabilities: {
      documentKinds: ["draft", "invoice"],
      priceBasis: "net",
      maxAmountDecimals: 2,
      productCatalog: false,
      negativeLines: false,
      lifecycle: { send: true, extendDueDate: false, cancel: true, partActivate: false, replace: false, cancelPreliminary: false },
      staffDueDate: true,
      listCustomerInvoices: false,
    },

    async verifyConnection() {
      const taxes = await call("checking the connection", () => http.get("/taxes.json"), (data) => z.object({ taxes: z.array(z.object({ name: z.string() })) }).parse(data));
      const known = new Set(taxes.taxes.map((t) => t.name));
      const unknown = Object.values(settings.taxNames).filter((name) => !known.has(name));
      if (unknown.length > 0) {
        throw new PermanentError(
          "invoicexpress_tax_unknown",
          `InvoicExpress has no tax named ${unknown.map((n) => `'${n}'`).join(", ")}; it would apply its default tax instead. Correct the tax names in the app's settings.`,
        );
      }
    },

    async findOrCreateCustomer({ customer }): Promise<CustomerRef> {
      const byCode = settings.clientMatch === "code" && customer.shopifyCustomerId !== null;
      const name = (customer.companyName ?? customer.name).trim() || "Consumidor final";
      const existing = byCode ? await findClient("code", customer.shopifyCustomerId!) : await findClient("name", name);
      if (existing) {
        clients.set(String(existing.id), { name: existing.name, code: existing.code ?? String(existing.id) });
        return { externalId: String(existing.id), matchedBy: byCode ? "link" : "name" };
      }
      const address = customer.address;
      const body = (clientName: string) => ({
        client: {
          name: clientName,
          code: clientCode(customer),
          email: customer.email ?? undefined,
          address: address?.address1 ?? undefined,
          city: address?.city ?? undefined,
          postal_code: address?.zip ?? undefined,
          country: address?.countryCode ?? undefined,
        },
      });
      const create = (clientName: string) =>
        call(`creating the client ${clientName}`, () => http.post("/clients.json", body(clientName)), (data) => clientRow.parse((data as { client?: unknown }).client));
      let created;
      try {
        created = await create(name);
      } catch (error) {
        // Matching by code, another client may already carry this name: keep them apart by the code.
        if (!(byCode && error instanceof PermanentError)) throw error;
        created = await create(`${name} (${customer.shopifyCustomerId})`);
      }
      clients.set(String(created.id), { name: created.name, code: created.code ?? clientCode(customer) });
      return { externalId: String(created.id), matchedBy: "created" };
    },

    /** Items are created on the fly by InvoicExpress (by name), so there is nothing to look up. */
    async findOrCreateProducts({ lines }): Promise<ProductMatches> {
      return new Map(lines.map((line) => [line.kind === "service" ? `${line.sku}@${line.vatRate}` : line.sku, { productNumber: line.sku ?? "", created: false }]));
    },

    async createDocument({ kind, plan, customer, idempotencyKey, dates, credits }) {
      // A credit note is its own document type, naming the invoice it corrects (owner_invoice_id).
      const path = kind === "creditNote" ? "credit_notes" : type;
      // A document in another currency needs the exchange rate of the day, which the app does not know;
      // one in euros is exact.
      if (plan.currency !== "EUR") {
        throw new PermanentError(
          "invoicexpress_currency",
          `InvoicExpress invoices are made in euros here, and this order is in ${plan.currency}. Choose "the shop's currency" in the app's settings (with a shop in EUR), or make this invoice in InvoicExpress by hand.`,
        );
      }
      const items = plan.lines.map((line) => {
        const rate = ratioToString(line.vatRate);
        return {
          name: (line.sku ?? line.productNumber ?? line.description).slice(0, 100),
          description: line.description,
          unit_price: formatMinor(line.unitPrice, plan.currency),
          quantity: String(line.quantity),
          tax: { name: taxNameFor(rate) },
        };
      });
      const exempt = plan.lines.some((line) => line.vatRate.num === 0n);
      if (exempt && !settings.exemptionReason) {
        throw new PermanentError(
          "invoicexpress_exemption_missing",
          "The order has lines without VAT, and InvoicExpress needs an exemption reason for them. Choose the reason (e.g. M16) in the app's InvoicExpress settings, then press Retry.",
        );
      }
      let client = clients.get(customer.externalId);
      if (!client) {
        const found = await call("reading the client", () => http.get(`/clients/${customer.externalId}.json`), (data) => clientRow.parse((data as { client?: unknown }).client));
        client = { name: found.name, code: found.code ?? String(found.id) };
      }
      const issueDate = dates.issueDate;
      const dueDate = dates.dueDate ?? addDays(issueDate, settings.dueDays);
      const row = await call(
        "creating the invoice",
        () =>
          http.post(`/${path}.json`, {
            invoice: {
              ...(credits ? { owner_invoice_id: idOf(credits) } : {}),
              date: ixDate(issueDate),
              due_date: ixDate(dueDate),
              // The idempotency key: a retry after a crash or a lost answer finds this document first.
              reference: shortReference(idempotencyKey),
              // Both are required; the code finds the client, the name is how InvoicExpress has it.
              client: { name: client.name, code: client.code },
              items,
              ...(exempt ? { tax_exemption: settings.exemptionReason } : {}),
            },
          }),
        unwrap,
      );
      return toRef(row, path);
    },

    async finalizeDocument({ document }) {
      if (document.state === "booked") return document;
      const id = idOf(document);
      const type = pathOf(document);
      try {
        await http.put(`/${type}/${id}/change-state.json`, { invoice: { state: "finalized" } });
      } catch (error) {
        // 406 or 422: a wrong state; when an earlier attempt finalized it and its answer was lost, that is done.
        const mapped = invoicExpressError(error, "finalizing the invoice");
        if (!(mapped instanceof PermanentError)) throw mapped;
        const now = await call("reading the invoice", () => http.get(`/${type}/${id}.json`), unwrap);
        if (now.status === "draft") throw mapped;
      }
      const final = await call("reading the finalized invoice", () => http.get(`/${type}/${id}.json`), unwrap);
      return toRef(final, type);
    },

    async findDocumentByReference({ idempotencyKey }) {
      const reference = shortReference(idempotencyKey);
      const credit = idempotencyKey.includes(":creditNote:");
      const path = credit ? "credit_notes" : type;
      const list = await call(
        "looking for an earlier document",
        () => http.get("/invoices.json", { params: { text: reference, "type[]": LIST_TYPES[path], non_archived: true, per_page: 50 } }),
        (data) => z.object({ invoices: z.array(documentRow) }).parse(data),
      );
      const match = list.invoices.find((d) => d.reference === reference && d.status !== "deleted" && d.status !== "canceled");
      return match ? toRef(match, path) : null;
    },

    async getPdf({ document }) {
      if (document.state !== "booked") throw new PermanentError("pdf_draft", "A draft has no PDF in InvoicExpress; finalize it first.");
      // InvoicExpress makes the PDF on request: 202 while it works, then the link. Poll, with a bound.
      let pdfUrl: string | null = null;
      for (let attempt = 0; attempt < 10 && !pdfUrl; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 2000)));
        const response = await http.get(`/api/pdf/${idOf(document)}.json`).catch((error: unknown) => {
          throw invoicExpressError(error, `fetching the PDF of invoice ${document.number}`);
        });
        if (response.status === 200) pdfUrl = z.object({ output: z.object({ pdfUrl: z.url() }) }).parse(response.data).output.pdfUrl;
      }
      if (!pdfUrl) throw new RetryableError("invoicexpress_pdf_pending", `InvoicExpress is still preparing the PDF of invoice ${document.number}; it will be fetched again shortly.`);
      try {
        return await downloadPdf(pdfUrl, { provider: "InvoicExpress", code: "invoicexpress_pdf_garbled" });
      } catch (error) {
        throw invoicExpressError(error, `downloading the PDF of invoice ${document.number}`);
      }
    },

    async cancelDocument({ document, reason }) {
      // final → canceled needs a message (change-state docs); an earlier attempt's lost answer is not a failure.
      try {
        await http.put(`/${pathOf(document)}/${idOf(document)}/change-state.json`, { invoice: { state: "canceled", message: reason.slice(0, 200) } });
      } catch (error) {
        const mapped = invoicExpressError(error, `cancelling invoice ${document.number}`);
        if (!(mapped instanceof PermanentError)) throw mapped;
        const now = await call("reading the invoice", () => http.get(`/${pathOf(document)}/${idOf(document)}.json`), unwrap);
        if (now.status !== "canceled") throw mapped;
      }
    },

    async sendDocument({ document, to, subject, body }) {
      await call(
        `e-mailing invoice ${document.number}`,
        () => http.put(`/${pathOf(document)}/${idOf(document)}/email-document.json`, { message: { client: { email: to, save: "0" }, subject, body } }),
        () => undefined,
      );
    },
  };
}
