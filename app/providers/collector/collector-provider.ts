// The Collector (Walley) invoice service as an accounting provider. Collector is a payment provider that
// invoices the buyer itself, so its lifecycle follows the Shopify order:
// - order created → AddInvoice, preliminary (ActivationOption 0): nothing is sent to the buyer yet;
// - order fulfilled → ActivateInvoice (finalizeOn "fulfilment"); partly fulfilled → PartActivateInvoice
//   for the shipped units only (the rest stays preliminary under the NewInvoiceNo Collector gives it);
// - cancelled before activation → CancelInvoice; refunds after activation → CreditInvoice / PartCreditInvoice;
// - edited before activation → ReplaceInvoice; SendInvoice and ExtendDueDate as staff actions.
// The store (StoreId) is chosen by the buyer's country and whether the buyer is a business (a table in the
// connection settings). Collector keeps no customer register and no catalogue: the buyer and the articles
// travel on each invoice. Our providerRef keeps the invoice's rows and parts (collector-rows.ts), since the
// service cannot be asked for them afterwards.
import { createHash } from "node:crypto";
import { z } from "zod";
import { PermanentError } from "../../lib/errors";
import { currencyExponent, toMinor } from "../../lib/money";
import { downloadPdf } from "../pdf-download";
import { productKey, shortReference, type AccountingProvider, type CustomerInput, type DocumentRef } from "../provider";
import { COLLECTOR_WSDL_FILE, createCollectorClient, type CollectorClient, type CollectorOperation } from "./collector-client";
import { planCredit } from "./collector-credit";
import { articleList, clip, invoiceRows, rowsFromPlan, rowsTotal, takeRows, unitsByLine, type CollectorCreditRef, type CollectorInvoiceRef } from "./collector-rows";

/** The published service descriptions (V3.1, whose operations and fields our WSDL follows). */
export const COLLECTOR_WSDL_URLS = {
  production: "https://ecommerce.collector.se/v3.0/InvoiceServiceV31.svc?singleWsdl",
  test: "https://ecommercetest.collector.se/v3.0/InvoiceServiceV31.svc?singleWsdl",
} as const;

export const collectorCredentialsSchema = z.object({
  username: z.string().trim().min(1, { error: "the username Walley gave you for the invoice service" }).max(50),
  password: z.string().min(1, { error: "the password Walley gave you for the invoice service" }).max(50),
});
export type CollectorCredentials = z.infer<typeof collectorCredentialsSchema>;

const storeSchema = z.object({
  countryCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { error: "a country as a two-letter code, such as SE or NO" }),
  buyers: z.enum(["b2c", "b2b"], { error: "a store serves private buyers (b2c) or businesses (b2b)" }),
  storeId: z.number({ error: "the store id is a number Walley gives for each store" }).int().min(1).max(9999),
});

export const collectorSettingsSchema = z
  .object({
    environment: z.enum(["production", "test"]).default("production"),
    /** The service's address, where it is not the environment's (the sandbox, tests): our WSDL is used then. */
    endpoint: z.url().optional(),
    /** One store per country and kind of buyer (Walley's agreement). */
    stores: z.array(storeSchema).min(1, { error: "add at least one Walley store (country, private or business buyers, store id)" }),
    /** How Walley delivers the invoice when it is activated. */
    invoiceDelivery: z.enum(["email", "post"]).default("email"),
  })
  .refine((s) => new Set(s.stores.map((x) => `${x.countryCode}:${x.buyers}`)).size === s.stores.length, {
    path: ["stores"],
    error: "each country and kind of buyer takes one store; remove the duplicate",
  });
export type CollectorSettings = z.infer<typeof collectorSettingsSchema>;

/** What an invoice needs of the buyer, carried in CustomerRef.externalId (Collector keeps no customers). */
const buyerSchema = z.object({
  name: z.string(),
  company: z.string().nullable(),
  email: z.string().nullable(),
  address1: z.string(),
  city: z.string(),
  zip: z.string(),
  country: z.string(),
  regNo: z.string(),
});
type Buyer = z.infer<typeof buyerSchema>;

const NAME = "Walley";

/** The company's registration number from its VAT number, where the VAT number holds it (SE556677889901 → 5566778899). */
export function registrationNumber(vatNumber: string | null | undefined, countryCode: string): string {
  const digits = (vatNumber ?? "").replace(/^[A-Z]{2}/i, "").replace(/\D/g, "");
  if (countryCode === "SE" && digits.length === 12 && digits.endsWith("01")) return digits.slice(0, 10);
  if (countryCode === "NO" && digits.length >= 9) return digits.slice(0, 9);
  return digits.slice(0, 12);
}

const day = (value: unknown) => (typeof value === "string" || value instanceof Date ? new Date(value).toISOString().slice(0, 10) : null);
const correlation = (key: string) => `ib-${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;

export function createCollectorProvider(input: { credentials: CollectorCredentials; settings: CollectorSettings }): AccountingProvider {
  const { credentials, settings } = input;
  let connecting: Promise<CollectorClient> | undefined;
  const client = () => {
    connecting ??= createCollectorClient({
      wsdl: settings.endpoint ? COLLECTOR_WSDL_FILE : COLLECTOR_WSDL_URLS[settings.environment],
      endpoint: settings.endpoint,
      credentials,
    }).catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  };
  const call = async (operation: CollectorOperation, body: Record<string, unknown>, what: string) => (await client()).call(operation, body, what);

  const storeFor = (countryCode: string | null, isB2B: boolean) => {
    const buyers = isB2B ? "b2b" : "b2c";
    const store = settings.stores.find((s) => s.countryCode === countryCode && s.buyers === buyers);
    if (!store) {
      throw new PermanentError(
        "collector_no_store",
        `No Walley store is set for ${isB2B ? "business" : "private"} buyers in ${countryCode ?? "an unknown country"}. Add the store id Walley gave you for them under Connection → Walley stores, then press Retry.`,
      );
    }
    return store;
  };

  const invoiceRef = (document: DocumentRef): CollectorInvoiceRef => {
    const ref = JSON.parse(document.providerRef) as CollectorInvoiceRef | CollectorCreditRef;
    if ("credited" in ref) throw new Error(`not a Walley invoice: ${document.providerRef.slice(0, 80)}`);
    return ref;
  };
  const creditRef = (document: DocumentRef): CollectorCreditRef => {
    const ref = JSON.parse(document.providerRef) as CollectorCreditRef;
    if (!("credited" in ref)) throw new Error(`not a Walley credit note: ${document.providerRef.slice(0, 80)}`);
    return ref;
  };
  const toDocument = (ref: CollectorInvoiceRef, number: string | null): DocumentRef => ({
    providerRef: JSON.stringify(ref),
    number,
    state: ref.open === null ? "booked" : "draft",
    totalMinor: rowsTotal([...(ref.open?.rows ?? []), ...ref.parts.flatMap((p) => p.rows)]),
    dueDate: ref.parts.map((p) => p.due).filter((d): d is string => d !== null).sort().pop() ?? null,
  });

  const address = (buyer: Buyer) => ({
    Address1: clip(buyer.address1),
    City: clip(buyer.city),
    ...(buyer.company ? { CompanyName: clip(buyer.company) } : {}),
    CountryCode: buyer.country,
    ...(buyer.email ? { Email: buyer.email } : {}),
    ...(buyer.company ? {} : nameParts(buyer.name)),
    PostalCode: buyer.zip,
  });

  async function activate(ref: CollectorInvoiceRef, label: string): Promise<CollectorInvoiceRef> {
    if (!ref.open) return ref;
    const answer = await call("ActivateInvoice", { CountryCode: ref.country, InvoiceNo: ref.open.no, StoreId: ref.store }, `activating invoice ${ref.open.no} (${label})`);
    return { ...ref, open: null, parts: [...ref.parts, { no: ref.open.no, url: String(answer.InvoiceUrl), due: day(answer.DueDate), rows: ref.open.rows }] };
  }

  async function credit(doc: Parameters<AccountingProvider["createDocument"]>[0]): Promise<DocumentRef> {
    if (!doc.credits) throw new Error("a Walley credit note needs the invoice it credits");
    const invoice = invoiceRef(doc.credits);
    const earlier = (doc.earlierCredits ?? []).map(creditRef);
    const currency = doc.plan.currency;
    const what = `the refund of ${doc.credits.number ? `invoice ${doc.credits.number}` : "the invoice"}`;
    const plan = planCredit(invoice, doc.plan.lines, earlier, { what, currency });
    const total = rowsTotal(plan.flatMap((p) => p.rows));
    if (total !== doc.plan.totals.gross) {
      throw new PermanentError("collector_credit_inexact", `Walley cannot credit ${what} exactly (the articles come to a different amount than the refund). Credit it in Walley's Partner Portal instead; nothing was credited.`);
    }
    const creditDate = `${doc.dates.issueDate}T00:00:00`;
    const credited: CollectorCreditRef["credited"] = [];
    for (const part of plan) {
      const answer = part.whole
        ? await call("CreditInvoice", { CorrelationId: correlation(doc.idempotencyKey), CountryCode: invoice.country, CreditDate: creditDate, InvoiceNo: part.of, StoreId: invoice.store }, `crediting invoice ${part.of}`)
        : await call(
            "PartCreditInvoice",
            { ArticleList: articleList(part.rows), CorrelationId: correlation(doc.idempotencyKey), CountryCode: invoice.country, CreditDate: creditDate, InvoiceNo: part.of, StoreId: invoice.store },
            `crediting ${part.rows.reduce((n, r) => n + r.q, 0)} unit(s) of invoice ${part.of}`,
          );
      credited.push({ of: part.of, url: String(answer.CreditNoteUrl), rows: part.rows });
    }
    const ref: CollectorCreditRef = { v: 1, store: invoice.store, country: invoice.country, currency: invoice.currency, credited };
    return { providerRef: JSON.stringify(ref), number: `${plan[0]?.of ?? doc.credits.number}-C${earlier.length + 1}`, state: "booked", totalMinor: total, dueDate: null };
  }

  return {
    type: "collector",
    capabilities: {
      documentKinds: ["invoice", "creditNote"],
      priceBasis: "gross",
      maxAmountDecimals: 2,
      productCatalog: false,
      // Collector takes negative rows, but activates and credits by article and quantity: discounts folded
      // into the prices keep each unit's share exact (collector-rows.ts).
      negativeLines: false,
      lifecycle: { send: true, extendDueDate: true, cancel: false, partActivate: true, replace: true, cancelPreliminary: true },
      // Collector sets the due date when it activates the invoice, by the store's agreement.
      staffDueDate: false,
      listCustomerInvoices: false,
    },
    finalizeOn: "fulfilment",
    deliversOnFinalize: settings.invoiceDelivery === "email",
    // The invoice service has no lookup by order (findDocumentByReference); the Partner Portal searches by OrderNo.
    lookUpByHand: { system: NAME, where: (orderId) => `search for order number ${orderId.slice(0, 20)} in Walley's Partner Portal` },

    async verifyConnection() {
      // The service has no read-only call; extending the due date of invoice 0, which no store has, shows
      // whether each store accepts the credentials (AUTHORIZATION_FAILED) without touching anything.
      for (const store of settings.stores) {
        try {
          await call("ExtendDueDate", { CountryCode: store.countryCode, InvoiceNo: "0", StoreId: store.storeId }, `checking store ${store.storeId} (${store.countryCode}, ${store.buyers})`);
        } catch (error) {
          if ((error as { code?: string }).code !== "collector_invoice_not_found") throw error;
        }
      }
    },

    async findOrCreateCustomer({ customer }) {
      return { externalId: JSON.stringify(buyerOf(customer)), matchedBy: "collective" };
    },

    async findOrCreateProducts({ lines }) {
      // No catalogue: the article travels on the invoice row.
      return new Map(lines.map((line) => [productKey(line), { productNumber: line.sku ?? "ITEM", created: false }]));
    },

    async createDocument(doc) {
      if (doc.kind === "creditNote") return credit(doc);
      if (doc.plan.priceBasis !== "gross") throw new Error("Walley invoices take prices with VAT (plan priceBasis gross)");
      if (currencyExponent(doc.plan.currency) > 2) {
        throw new PermanentError("collector_currency", `Walley invoices amounts with at most two decimals, and ${doc.plan.currency} has ${currencyExponent(doc.plan.currency)}, so no invoice was added. Invoice this order another way.`);
      }
      const parsed = buyerSchema.safeParse(safeJson(doc.customer.externalId));
      if (!parsed.success) throw new Error("the Walley buyer is missing (findOrCreateCustomer gives it)");
      const buyer = parsed.data;
      const store = storeFor(buyer.country, doc.customer.isB2B);
      const rows = rowsFromPlan(doc.plan.lines);
      const orderId = doc.idempotencyKey.split(":")[2] ?? "";
      const answer = await call(
        "AddInvoice",
        {
          ActivationOption: 0,
          CorrelationId: correlation(doc.idempotencyKey),
          CountryCode: store.countryCode,
          Currency: doc.plan.currency,
          DeliveryAddress: address(buyer),
          InvoiceAddress: address(buyer),
          InvoiceDeliveryMethod: settings.invoiceDelivery === "email" ? 2 : 1,
          InvoiceRows: invoiceRows(rows, doc.plan.lines, doc.plan.currency),
          InvoiceType: 0,
          OrderDate: `${doc.dates.issueDate}T00:00:00`,
          OrderNo: orderId.slice(0, 20),
          PurchaseType: 0,
          Reference: shortReference(doc.idempotencyKey),
          RegNo: doc.customer.isB2B ? buyer.regNo : "",
          StoreId: store.storeId,
        },
        `adding the invoice of order ${orderId}`,
      );
      const ref: CollectorInvoiceRef = { v: 1, store: store.storeId, country: store.countryCode, currency: doc.plan.currency, open: { no: String(answer.InvoiceNo), rows }, parts: [] };
      // What Collector says the invoice comes to (the draft's total, checked against the plan by the caller).
      return { ...toDocument(ref, String(answer.InvoiceNo)), totalMinor: toMinor(String(answer.TotalAmount ?? "0"), doc.plan.currency) };
    },

    async finalizeDocument({ document }) {
      return toDocument(await activate(invoiceRef(document), "the order is fulfilled"), document.number);
    },

    async partActivateDocument({ document, shipped }) {
      const ref = invoiceRef(document);
      if (!ref.open) return document;
      const activated = unitsByLine(ref.parts.flatMap((p) => p.rows));
      const due = new Map(shipped.map((s) => [s.lineId, Math.max(0, s.quantity - (activated.get(s.lineId) ?? 0))]));
      // Shipping, tips and duties go with the first parcel.
      const { taken, left } = takeRows(ref.open.rows, due, ref.parts.length === 0);
      if (taken.length === 0) return document;
      if (left.length === 0) return toDocument(await activate(ref, "everything has shipped"), document.number);
      const answer = await call(
        "PartActivateInvoice",
        { ArticleList: articleList(taken), CountryCode: ref.country, InvoiceNo: ref.open.no, StoreId: ref.store },
        `activating the shipped part of invoice ${ref.open.no}`,
      );
      const next: CollectorInvoiceRef = {
        ...ref,
        open: answer.NewInvoiceNo ? { no: String(answer.NewInvoiceNo), rows: left } : null,
        parts: [...ref.parts, { no: ref.open.no, url: String(answer.InvoiceUrl), due: day(answer.DueDate), rows: taken }],
      };
      return toDocument(next, document.number);
    },

    async cancelPreliminaryDocument({ document }) {
      const ref = invoiceRef(document);
      if (!ref.open) return document;
      await call("CancelInvoice", { CountryCode: ref.country, InvoiceNo: ref.open.no, StoreId: ref.store }, `cancelling invoice ${ref.open.no}`);
      return toDocument({ ...ref, open: null }, document.number);
    },

    async replaceDocument({ document, plan }) {
      const ref = invoiceRef(document);
      if (!ref.open || ref.parts.length > 0) {
        throw new PermanentError(
          "collector_replace_activated",
          `Invoice ${document.number} is already ${ref.parts.length > 0 ? "partly " : ""}activated in Walley, so the order's edit cannot replace it. Adjust it in Walley's Partner Portal.`,
        );
      }
      const rows = rowsFromPlan(plan.lines);
      const answer = await call("ReplaceInvoice", { CountryCode: ref.country, InvoiceNo: ref.open.no, InvoiceRows: invoiceRows(rows, plan.lines, plan.currency), StoreId: ref.store }, `replacing the rows of invoice ${ref.open.no}`);
      return { ...toDocument({ ...ref, open: { no: ref.open.no, rows } }, document.number), totalMinor: toMinor(String(answer.TotalAmount), plan.currency) };
    },

    async sendDocument({ document, to }) {
      const ref = invoiceRef(document);
      for (const part of ref.parts) {
        await call("SendInvoice", { CountryCode: ref.country, Email: to, InvoiceDeliveryMethod: 2, InvoiceNo: part.no, StoreId: ref.store }, `sending invoice ${part.no} to ${to}`);
      }
    },

    async extendDueDate({ document }) {
      // Collector moves the due date by the period its agreement with the store sets; it takes no date.
      const ref = invoiceRef(document);
      const parts = [];
      for (const part of ref.parts) {
        const answer = await call("ExtendDueDate", { CountryCode: ref.country, InvoiceNo: part.no, StoreId: ref.store }, `extending the due date of invoice ${part.no}`);
        parts.push({ ...part, due: day(answer.DueDate) });
      }
      return toDocument({ ...ref, parts }, document.number);
    },

    async getPdf({ document }) {
      const ref = JSON.parse(document.providerRef) as CollectorInvoiceRef | CollectorCreditRef;
      const urls = "credited" in ref ? ref.credited.map((c) => c.url) : ref.parts.map((p) => p.url);
      if (urls.length === 0) throw new PermanentError("collector_no_pdf", `Invoice ${document.number} is not activated in Walley yet, so it has no PDF.`);
      const pdfs = [];
      for (const url of urls) pdfs.push(await downloadPdf(url, { provider: NAME, code: "collector_pdf" }));
      if (pdfs.length === 1) return pdfs[0];
      // Part-activated: one document of the order's invoices, in the order they were activated.
      const { PDFDocument } = await import("pdf-lib");
      const merged = await PDFDocument.create();
      for (const bytes of pdfs) {
        const source = await PDFDocument.load(bytes);
        for (const page of await merged.copyPages(source, source.getPageIndices())) merged.addPage(page);
      }
      return merged.save();
    },
  };
}

/** The buyer as Collector needs it on the invoice; a missing billing address is said before anything is sent. */
function buyerOf(customer: CustomerInput): Buyer {
  const a = customer.address;
  const missing = [!a?.address1 && "street", !a?.zip && "postcode", !a?.city && "city", !a?.countryCode && "country"].filter(Boolean);
  if (missing.length > 0 || !a) {
    throw new PermanentError(
      "collector_address_missing",
      `Walley invoices need the buyer's billing address; ${customer.name}'s order has no ${missing.join(", ")}. Add the billing address to the order in Shopify, then press Retry.`,
    );
  }
  const countryCode = a.countryCode!.toUpperCase();
  const regNo = customer.isB2B ? registrationNumber(customer.vatNumber, countryCode) : "";
  if (customer.isB2B && !regNo) {
    throw new PermanentError(
      "collector_regno_missing",
      `Walley invoices a business by its registration number, and ${customer.companyName ?? customer.name} has none in Shopify. Add the company location's tax registration number (VAT number) in Shopify, then press Retry.`,
    );
  }
  return {
    name: customer.name,
    company: customer.isB2B ? customer.companyName ?? customer.name : null,
    email: customer.email,
    address1: a.address1!,
    city: a.city!,
    zip: a.zip!,
    country: countryCode,
    regNo,
  };
}

function nameParts(name: string) {
  const [first, ...rest] = name.trim().split(/\s+/);
  return { Firstname: clip(first ?? name), ...(rest.length ? { Lastname: clip(rest.join(" ")) } : {}) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Where Walley invoices (its stores' countries), for the Connection page's store table. */
export const COLLECTOR_COUNTRIES = [
  { value: "SE", label: "Sweden" },
  { value: "NO", label: "Norway" },
  { value: "FI", label: "Finland" },
  { value: "DK", label: "Denmark" },
];

/**
 * "Test connection" before any store is set: the service is reached and its description read. The
 * username and password are checked per store (verifyConnection) when the stores are saved, since
 * Walley accepts or refuses them only together with a store id.
 */
export async function collectorChoices(input: { credentials: unknown; settings: Record<string, unknown> }) {
  const credentials = collectorCredentialsSchema.safeParse(input.credentials);
  if (!credentials.success) throw new PermanentError("connection_settings", "Enter the Walley username and password.");
  const endpoint = typeof input.settings.endpoint === "string" ? input.settings.endpoint : undefined;
  const environment = input.settings.environment === "test" ? "test" : "production";
  await createCollectorClient({ wsdl: endpoint ? COLLECTOR_WSDL_FILE : COLLECTOR_WSDL_URLS[environment], endpoint, credentials: credentials.data });
  return { countries: COLLECTOR_COUNTRIES };
}
