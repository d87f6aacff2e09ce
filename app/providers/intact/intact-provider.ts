// Intact iQ as an accounting provider. Intact is the merchant's ERP: invoices are issued there, by the
// bookkeeper or from sales orders, so the app
// - lists a customer account's invoices (number, dates, totals, status, outstanding) for the buyer's
//   Invoices page in customer accounts, and fetches each as a PDF;
// - pushes the Shopify order as a sales order, where the tenant allows it (settings.salesOrders): Intact
//   invoices it itself (finalizeOn "system"), and the invoice then shows on the buyer's Invoices page;
// - names customer accounts by the shop's own data (the account-code mapping), never by e-mail: a
//   company's external id, a metafield of the company (or the customer), or a table kept in the settings.
// Every call goes through the operations mapping (intact-client.ts), so a tenant's own operation and field
// names are settings, not code.
import { createHash } from "node:crypto";
import { z } from "zod";
import { PermanentError } from "../../lib/errors";
import { currencyExponent, formatMinor, ratePercent, ratioToString, toMinor } from "../../lib/money";
import { shortReference, type AccountingProvider, type AccountMatch, type AccountSubject, type DocumentRef, type ListedInvoice, type PlanLine } from "../provider";
import { createIntactClient, intactOperations, read, type IntactClient, type IntactOperations } from "./intact-client";

export const intactCredentialsSchema = z.object({
  username: z.string().trim().min(1, { error: "the WebShop user Intact set up for the shop" }).max(100),
  password: z.string().min(1, { error: "the WebShop user's password" }).max(200),
});
export type IntactCredentials = z.infer<typeof intactCredentialsSchema>;

/** An account code as Intact keeps it (the WSDL's Code20). */
const ACCOUNT_CODE_MAX = 20;

const tableRow = z.object({
  /** A Shopify company id (the number in the company's admin address) or a customer's e-mail. */
  shopify: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(\d{1,20}|[^\s@]+@[^\s@]+)$/, { error: "a Shopify company id (the number at the end of the company's admin address) or a customer's e-mail" }),
  account: z.string().trim().min(1, { error: "the Intact account code" }).max(ACCOUNT_CODE_MAX, { error: `an Intact account code has at most ${ACCOUNT_CODE_MAX} characters` }),
});

export const intactSettingsSchema = z
  .object({
    /** The tenant's WebShop WSDL, as their Intact partner gives it. */
    wsdlUrl: z.url({ error: "the address of your Intact server's WebShop WSDL, such as https://iq.example.com/IntactWebShop.svc?wsdl" }),
    /** The service's address, where it is not the one the WSDL names (a proxy, the sandbox). */
    endpoint: z.url({ error: "the service address, or leave it empty to use the WSDL's" }).optional(),
    accounts: z
      .object({
        /** Where a buyer's account code comes from; rows of the table always win, for exceptions. */
        from: z.enum(["externalId", "metafield", "table"]).default("externalId"),
        metafield: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9_-]{2,64}\.[A-Za-z0-9_-]{2,64}$/, { error: "the metafield as namespace.key, such as custom.intact_account" })
          .default("custom.intact_account"),
        table: z.array(tableRow).max(5_000).default([]),
      })
      .default({ from: "externalId", metafield: "custom.intact_account", table: [] }),
    /** Push Shopify orders as sales orders (only where the tenant has the operation and allows it). */
    salesOrders: z.boolean().default(false),
    /** How long a fetched invoice PDF is served from the app's copy before Intact is asked again. */
    pdfFreshMinutes: z.number().int().min(0).max(10_080).default(60),
    /** The tenant's operation and field names, where they differ from ours (intact-operations.json). */
    operations: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((settings, ctx) => {
    const seen = new Set<string>();
    for (const [i, row] of settings.accounts.table.entries()) {
      if (seen.has(row.shopify)) ctx.addIssue({ code: "custom", path: ["accounts", "table", i, "shopify"], message: `${row.shopify} is in the table twice; keep one row` });
      seen.add(row.shopify);
    }
    try {
      intactOperations(settings.operations);
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["operations"], message: error instanceof Error && "merchantMessage" in error ? String(error.merchantMessage) : "the operations mapping is not valid" });
    }
  });
export type IntactSettings = z.infer<typeof intactSettingsSchema>;

/** Our reference of an invoice issued in Intact: its account and number (what GetInvoicePdf takes). */
export function intactInvoiceRef(account: string, number: string) {
  return `invoice:${account}/${number}`;
}
const SALES_ORDER = "order:";

/** Reading a WSDL and building its client costs a request and some parsing: one per tenant, for a while. */
const CLIENT_TTL_MS = 10 * 60_000;
const clients = new Map<string, { at: number; client: Promise<IntactClient> }>();

function clientFor(credentials: IntactCredentials, settings: IntactSettings, operations: IntactOperations): Promise<IntactClient> {
  const key = createHash("sha256")
    .update(JSON.stringify([settings.wsdlUrl, settings.endpoint ?? "", credentials.username, credentials.password, operations]))
    .digest("hex");
  const kept = clients.get(key);
  if (kept && Date.now() - kept.at < CLIENT_TTL_MS) return kept.client;
  const client = createIntactClient({ wsdl: settings.wsdlUrl, endpoint: settings.endpoint, credentials, operations });
  // A WSDL that could not be read is asked for again next time.
  client.catch(() => clients.delete(key));
  if (clients.size > 100) clients.clear();
  clients.set(key, { at: Date.now(), client });
  return client;
}

const isoDay = (value: unknown): string | null => {
  if (value === undefined || value === null || value === "") return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
};
/** soap reads xs:decimal as a JS number; its shortest decimal text is the amount Intact wrote. */
const minor = (value: unknown, currency: string): bigint => {
  try {
    return toMinor(String(value), currency);
  } catch {
    throw new PermanentError("intact_unexpected_answer", `Intact answered an amount ("${String(value)}") that is not one in ${currency}. Check the document in Intact.`, { outcome: "unknown" });
  }
};
const asList = (value: unknown): Array<Record<string, unknown>> => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]) as Array<Record<string, unknown>>;

/** At most `max` characters, cut at a code point. */
const clip = (text: string, max: number) => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
};

/** The account a buyer's data names, by the mapping; where it names none, what to set and where. */
export function accountFromMapping(mapping: IntactSettings["accounts"], subject: AccountSubject): AccountMatch {
  const table = new Map(mapping.table.map((row) => [row.shopify, row.account]));
  const companyId = subject.company?.id.replace(/^gid:\/\/shopify\/Company\//, "") ?? null;
  const email = subject.customer?.email?.trim().toLowerCase() ?? null;
  const listed = (companyId && table.get(companyId)) || (email && table.get(email));
  if (listed) return { account: listed };
  const who = subject.company ? `company ${subject.company.name}` : email ? `the buyer ${email}` : "a buyer without an e-mail";
  const orTable = "or add it to the account table under Settings → Connection";
  const found = mapping.from === "externalId" ? subject.company?.externalId : mapping.from === "metafield" ? (subject.company?.metafield ?? subject.customer?.metafield) : null;
  const code = found?.trim();
  if (code && [...code].length <= ACCOUNT_CODE_MAX) return { account: code };
  if (code) return { missing: `The Intact account code of ${who} ("${clip(code, 30)}") is longer than Intact's ${ACCOUNT_CODE_MAX} characters. Correct it in Shopify, ${orTable}.` };
  if (mapping.from === "externalId") {
    return {
      missing: subject.company
        ? `No Intact account is set for ${who}: its external ID in Shopify is empty. Set it to the company's Intact account code (Customers → Companies → ${subject.company.name} → Edit), ${orTable}.`
        : `No Intact account is set for ${who}: Intact accounts are taken from the B2B company's external ID, and this buyer orders as a private person. Add the buyer's e-mail to the account table under Settings → Connection.`,
    };
  }
  if (mapping.from === "metafield") {
    return { missing: `No Intact account is set for ${who}: the metafield ${mapping.metafield} is empty on the ${subject.company ? "company and the customer" : "customer"}. Set it to the Intact account code, ${orTable}.` };
  }
  return { missing: `No Intact account is set for ${who}. Add ${subject.company ? `the company's id (${companyId})` : "the buyer's e-mail"} to the account table under Settings → Connection.` };
}

/** A sales order's lines from the plan: net prices (Intact prices are net), the VAT rate in percent. */
function salesOrderLines(lines: PlanLine[], currency: string) {
  return lines
    .filter((line) => line.quantity !== 0 && line.net !== 0n)
    .map((line) => ({
      description: clip(line.description || line.sku || "Item", 60),
      productCode: clip(line.productNumber ?? line.sku ?? "ITEM", 20),
      quantity: line.quantity,
      taxRate: ratePercent(ratioToString(line.vatRate)),
      unitPrice: formatMinor(line.unitPrice, currency),
    }));
}

export function createIntactProvider(input: { credentials: IntactCredentials; settings: IntactSettings }): AccountingProvider {
  const { credentials, settings } = input;
  const operations = intactOperations(settings.operations);
  const client = () => clientFor(credentials, settings, operations);
  const [namespace, key] = settings.accounts.metafield.split(".");
  const noSalesOrders = () =>
    new PermanentError(
      "intact_sales_orders_off",
      "Orders are not pushed to Intact as sales orders: that is turned off in the connection's settings. Turn it on there (where your Intact server takes sales orders), then press Retry.",
    );

  const salesOrderRef = (answer: Record<string, unknown>, names: Record<string, string>, currency: string): DocumentRef => {
    const number = String(read(answer, names.number));
    return { providerRef: `${SALES_ORDER}${number}`, number, state: "draft", totalMinor: minor(read(answer, names.gross), currency) };
  };

  return {
    type: "intact",
    capabilities: {
      documentKinds: settings.salesOrders ? ["order"] : [],
      priceBasis: "net",
      maxAmountDecimals: 2,
      productCatalog: false,
      negativeLines: true,
      lifecycle: { send: false, extendDueDate: false, cancel: false, partActivate: false, replace: false, cancelPreliminary: false },
      staffDueDate: false,
      listCustomerInvoices: true,
    },
    finalizeOn: "system",
    pdfFreshForMs: settings.pdfFreshMinutes * 60_000,
    accounts: {
      metafield: settings.accounts.from === "metafield" ? { namespace, key } : null,
      accountFor: (subject) => accountFromMapping(settings.accounts, subject),
    },

    async verifyConnection() {
      await (await client()).call("verify", {}, "checking the sign-in");
    },

    async findOrCreateCustomer({ customer }) {
      // The app resolves the account through `accounts` before it asks (issue-document.use-case.ts); a
      // customer is never created in Intact, and never matched by e-mail.
      const match = accountFromMapping(settings.accounts, customer.account ?? { customer: { id: customer.shopifyCustomerId, email: customer.email, metafield: null }, company: null });
      if ("missing" in match) throw new PermanentError("intact_no_account", match.missing);
      return { externalId: match.account, matchedBy: "mapping" };
    },

    async findOrCreateProducts({ lines }) {
      // Items travel on the sales order by their code; Intact matches its own stock items.
      return new Map(lines.map((line) => [line.kind === "service" ? `${line.sku}@${line.vatRate}` : line.sku, { productNumber: line.sku ?? "ITEM", created: false }]));
    },

    async createDocument({ kind, plan, customer, idempotencyKey, dates }) {
      if (kind === "creditNote") {
        throw new PermanentError("intact_credit_note", "Intact makes its own credit notes: credit the invoice in Intact. The app pushes sales orders only.");
      }
      if (!settings.salesOrders) throw noSalesOrders();
      if (currencyExponent(plan.currency) > 2) {
        throw new PermanentError("intact_currency", `Intact's sales orders take amounts with at most 2 decimals, so an order in ${plan.currency} cannot be pushed. Enter it in Intact by hand.`);
      }
      const lines = salesOrderLines(plan.lines, plan.currency);
      const what = `pushing the order as a sales order to account ${customer.externalId}`;
      const answer = await (await client()).call(
        "createSalesOrder",
        { accountCode: customer.externalId, currency: plan.currency, lines, orderDate: dates.issueDate, reference: shortReference(idempotencyKey) },
        what,
      );
      return salesOrderRef(answer, operations.createSalesOrder.response ?? {}, plan.currency);
    },

    async findDocumentByReference({ idempotencyKey }) {
      if (!settings.salesOrders) return null;
      const names = operations.findSalesOrder.response ?? {};
      const answer = await (await client()).call("findSalesOrder", { reference: shortReference(idempotencyKey) }, "looking for a sales order pushed earlier");
      const number = read(answer, names.number);
      if (number === undefined || number === null || number === "") return null;
      return salesOrderRef(answer, names, String(read(answer, names.currency) ?? "EUR"));
    },

    async finalizeDocument({ document }) {
      // Never asked (finalizeOn "system"): Intact invoices the sales order itself.
      return document;
    },

    async getPdf({ document }) {
      if (document.providerRef.startsWith(SALES_ORDER)) {
        throw new PermanentError(
          "intact_sales_order_pdf",
          `Sales order ${document.number} has no invoice PDF yet: Intact makes the invoice from it, and the buyer finds it on their Invoices page once it has.`,
        );
      }
      const match = /^invoice:([^/]+)\/(.+)$/.exec(document.providerRef);
      if (!match) throw new PermanentError("intact_ref", `The app does not know Intact document ${document.number ?? document.providerRef}.`);
      const [, accountCode, number] = match;
      const answer = await (await client()).call("invoicePdf", { accountCode, number }, `fetching invoice ${number} of account ${accountCode}`);
      const bytes = Buffer.from(String(read(answer, operations.invoicePdf.response?.pdf ?? "PdfData") ?? ""), "base64");
      if (bytes.subarray(0, 5).toString("latin1") !== "%PDF-") {
        throw new PermanentError("intact_pdf", `Intact's answer for invoice ${number} is not a PDF. Check that the invoice has a layout in Intact, then try again.`);
      }
      return new Uint8Array(bytes);
    },

    async listCustomerInvoices({ customerExternalId, limit }): Promise<ListedInvoice[]> {
      const spec = operations.listInvoices;
      const answer = await (await client()).call("listInvoices", { accountCode: customerExternalId, limit }, `listing the invoices of account ${customerExternalId}`);
      const names = spec.invoice;
      return asList(read(answer, spec.list)).map((raw) => {
        const currency = String(read(raw, names.currency));
        const number = String(read(raw, names.number));
        const status = String(read(raw, names.status) ?? "").toLowerCase();
        const isCreditNote = read(raw, names.isCreditNote) === true || String(read(raw, names.isCreditNote)) === "true";
        const outstanding = read(raw, names.outstanding);
        return {
          document: { providerRef: intactInvoiceRef(customerExternalId, number), number, state: "booked", totalMinor: minor(read(raw, names.gross), currency) },
          issueDate: isoDay(read(raw, names.issueDate)) ?? "",
          dueDate: isoDay(read(raw, names.dueDate)),
          currency,
          outstandingMinor: outstanding === undefined || outstanding === null ? null : minor(outstanding, currency),
          isCreditNote,
          cancelled: status === "cancelled" || status === "credited",
        };
      });
    },
  };
}

/**
 * "Test connection": the WSDL read and the sign-in checked (GetServerInfo), with what is being typed. The
 * answer names the Intact company, so that the merchant sees which server they reached, and whether its
 * WSDL has the sales-order operations.
 */
export async function intactChoices(input: { credentials: unknown; settings: Record<string, unknown> }) {
  const credentials = intactCredentialsSchema.safeParse(input.credentials);
  if (!credentials.success) throw new PermanentError("connection_settings", "Enter the Intact WebShop user and password.");
  const wsdlUrl = typeof input.settings.wsdlUrl === "string" ? input.settings.wsdlUrl : String((input.credentials as { wsdlUrl?: unknown }).wsdlUrl ?? "");
  const settings = intactSettingsSchema.safeParse({ ...input.settings, wsdlUrl });
  if (!settings.success) throw new PermanentError("connection_settings", "Enter the address of your Intact server's WebShop WSDL.");
  const operations = intactOperations(settings.data.operations);
  const client = await createIntactClient({ wsdl: settings.data.wsdlUrl, endpoint: settings.data.endpoint, credentials: credentials.data, operations });
  const info = await client.call("verify", {}, "checking the sign-in");
  const company = String(read(info, operations.verify.response?.company ?? "Company") ?? "Intact");
  return {
    server: [{ value: company, label: company }],
    salesOrders: client.has("createSalesOrder") && client.has("findSalesOrder") ? [{ value: "available", label: "This server takes sales orders" }] : [],
  };
}
