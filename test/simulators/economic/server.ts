// The e-conomic simulator: a stateful REST server on loopback that answers like restapi.e-conomic.com.
// It checks the two auth headers, validates request bodies against e-conomic's own schemas, supports the
// filter syntax and paging, keeps customers, products, drafts and booked invoices (booked numbers are
// sequential), serves real PDFs, answers errors in e-conomic's body shape, and injects faults.
//
// The settings lists (GET /customer-groups, /payment-terms, /layouts, /vat-zones, /product-groups) answer in the
// shapes of e-conomic's published schemas (../shared/contracts/economic/schema/*.get.schema.json), with the
// names a new Danish agreement has. Vendor facts: deleted layouts "will not appear in the collection of layouts"
// (layouts.get schema); a real vat-zones answer (elasticio/e-conomic spec/data/all_vat_zones_in.json.js) names
// zone 4 "Domestic exempt VAT" and marks each zone enabledForCustomer/enabledForSupplier.
//
// Control API: POST /_control/agreements {appSecretToken, agreementGrantToken, dailyCallLimit?},
// POST /_control/faults {kind, match?, times?, …} (see ../faults.ts), GET /_control/state?agreement=…,
// POST /_control/payments {agreement, bookedInvoiceNumber, amount} (a payment the customer made: the invoice's
// remainder goes down), POST /_control/reset.
import type http from "node:http";
import { randomUUID } from "node:crypto";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { FaultInjector, listenOnLoopback, readBody, sendJson, type LoopbackServer } from "../faults";
import { compileFilter, FilterError } from "./filter";
import { validationErrors, validatorFor } from "./schemas";

type Row = Record<string, unknown>;

/** payment-terms.get schema, `paymentTermsType`. */
export type PaymentTermsType =
  | "net"
  | "invoiceMonth"
  | "paidInCash"
  | "prepaid"
  | "dueDate"
  | "factoring"
  | "invoiceWeekStartingSunday"
  | "invoiceWeekStartingMonday"
  | "creditcard";
export type PaymentTermsDetails = { name: string; paymentTermsType: PaymentTermsType; daysOfCredit?: number };
export type VatZoneDetails = { name: string; enabledForCustomer: boolean; enabledForSupplier: boolean };

export type Agreement = {
  appSecretToken: string;
  agreementGrantToken: string;
  baseCurrency: string;
  customerGroups: number[];
  paymentTerms: number[];
  layouts: number[];
  /** 1 domestic, 2 EU, 3 abroad, 4 domestic exempt (e-conomic's standard VAT zones). */
  vatZones: number[];
  /** Product group → the VAT rate its sales account carries (domestic sales). */
  productGroups: Record<number, number>;
  /** What the list endpoints show for the numbers above; a number without an entry gets a plain name. */
  customerGroupNames?: Record<number, string>;
  paymentTermsDetails?: Record<number, PaymentTermsDetails>;
  layoutNames?: Record<number, string>;
  vatZoneDetails?: Record<number, VatZoneDetails>;
  productGroupNames?: Record<number, string>;
  dailyCallLimit: number;
  calls: number;
  customers: Map<number, Row>;
  products: Map<string, Row>;
  drafts: Map<number, Row>;
  booked: Map<number, Row>;
  nextDraft: number;
  nextBooked: number;
};

const FILTERABLE = {
  customers: ["customerNumber", "name", "email", "corporateIdentificationNumber", "currency", "telephoneAndFaxNumber"],
  products: ["productNumber", "name", "barCode", "salesPrice"],
  drafts: ["draftInvoiceNumber", "date", "currency", "references.other", "customer.customerNumber"],
  booked: ["bookedInvoiceNumber", "date", "currency", "references.other", "customer.customerNumber"],
  // The schemas mark these filterable; the other settings lists have no filterable property.
  customerGroups: ["customerGroupNumber", "name"],
} as const;

/**
 * A Danish agreement's lists. Names are ours, in Danish; a captured English answer (elasticio/e-conomic
 * spec/data) has "Domestic customers", "Overseas customers", "Net 8 days". VAT zones keep e-conomic's names.
 */
const DEFAULT_NAMES = {
  customerGroups: { 1: "Indenlandske kunder", 2: "Udenlandske kunder" } as Record<number, string>,
  paymentTerms: {
    1: { name: "Netto 8 dage", paymentTermsType: "net", daysOfCredit: 8 },
    2: { name: "Løbende måned + 30 dage", paymentTermsType: "invoiceMonth", daysOfCredit: 30 },
  } as Record<number, PaymentTermsDetails>,
  layouts: { 19: "Standard", 21: "Standard uden logo" } as Record<number, string>,
  vatZones: {
    1: { name: "Domestic", enabledForCustomer: true, enabledForSupplier: true },
    2: { name: "EU", enabledForCustomer: true, enabledForSupplier: true },
    3: { name: "Abroad", enabledForCustomer: true, enabledForSupplier: true },
    4: { name: "Domestic exempt VAT", enabledForCustomer: true, enabledForSupplier: false },
  } as Record<number, VatZoneDetails>,
  productGroups: { 1: "Varer med moms", 2: "Varer uden moms" } as Record<number, string>,
};

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode: string,
    readonly developerHint: string,
    readonly errors?: Row,
  ) {
    super(message);
  }
}

export class EconomicSimulator {
  readonly faults = new FaultInjector();
  readonly agreements = new Map<string, Agreement>();
  private server: LoopbackServer | undefined;
  url = "";

  constructor(private readonly options: { port?: number } = {}) {}

  async start() {
    this.server = await listenOnLoopback((req, res) => this.handle(req, res), {
      port: this.options.port,
      failureBody: (error) => errorBody(500, String(error), "E00500", "Simulator failure."),
    });
    this.url = this.server.url;
    return this.url;
  }

  async close() {
    await this.server?.close();
  }

  addAgreement(input: Partial<Agreement> & { appSecretToken: string; agreementGrantToken: string }): Agreement {
    const agreement: Agreement = {
      baseCurrency: "DKK",
      customerGroups: [1, 2],
      paymentTerms: [1, 2],
      layouts: [19, 21],
      vatZones: [1, 2, 3, 4],
      productGroups: { 1: 0.25, 2: 0 },
      dailyCallLimit: 50_000,
      calls: 0,
      customers: new Map(),
      products: new Map(),
      drafts: new Map(),
      booked: new Map(),
      nextDraft: 1,
      nextBooked: 10_001,
      ...input,
    };
    this.agreements.set(agreement.agreementGrantToken, agreement);
    return agreement;
  }

  /** Apps registered with e-conomic: App Public Token → App Secret Token (developer agreement → Apps). */
  readonly apps = new Map<string, string>();

  registerApp(input: { appPublicToken: string; appSecretToken: string }) {
    this.apps.set(input.appPublicToken, input.appSecretToken);
  }

  /**
   * The installation URL (e-conomic, "Connecting to the API"): the agreement's administrator approves the
   * app, and e-conomic sends the browser to the app's redirectUrl with the Agreement Grant Token as
   * `token`. The simulator approves at once, for the first agreement that uses the app's secret token.
   */
  private requestAccess(res: http.ServerResponse, url: URL) {
    const secret = this.apps.get(url.searchParams.get("appPublicToken") ?? "");
    const redirectUrl = url.searchParams.get("redirectUrl");
    if (!secret || !redirectUrl) {
      res.writeHead(400, { "Content-Type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>e-conomic</title><p>The app could not be identified (appPublicToken), or it named no redirectUrl.</p>");
      return;
    }
    const agreement = [...this.agreements.values()].find((a) => a.appSecretToken === secret);
    if (!agreement) {
      res.writeHead(403, { "Content-Type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>e-conomic</title><p>No agreement to grant access to.</p>");
      return;
    }
    const back = new URL(redirectUrl);
    back.searchParams.set("token", agreement.agreementGrantToken);
    res.writeHead(302, { Location: back.toString() });
    res.end();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    if (url.pathname.startsWith("/_control/")) return this.control(req, res, url);
    if (url.pathname === "/secure/api1/requestaccess.aspx" && req.method === "GET") return this.requestAccess(res, url);
    const fault = this.faults.take(`${req.method} ${url.pathname}`);
    await this.faults.apply(fault, res, async () => {
      try {
        const agreement = this.authenticate(req);
        agreement.calls += 1;
        if (agreement.calls > agreement.dailyCallLimit) {
          throw new ApiError(429, "The daily limit of API calls for this agreement has been reached.", "E04290", "Fair use: at most 50,000 calls a day.");
        }
        const body = req.method === "POST" || req.method === "PUT" ? parseJson(await readBody(req)) : undefined;
        const { status, payload, pdf } = await this.route(agreement, req.method ?? "GET", url, body);
        if (pdf) {
          res.writeHead(200, { "Content-Type": "application/pdf", "Content-Length": pdf.length });
          res.end(Buffer.from(pdf));
          return;
        }
        sendJson(res, status, payload);
      } catch (error) {
        if (error instanceof ApiError) {
          const headers: Record<string, string> = error.status === 429 ? { "Retry-After": "60" } : {};
          return sendJson(res, error.status, errorBody(error.status, error.message, error.errorCode, error.developerHint, error.errors), headers);
        }
        throw error;
      }
    });
  }

  private authenticate(req: http.IncomingMessage): Agreement {
    const secret = req.headers["x-appsecrettoken"];
    const grant = req.headers["x-agreementgranttoken"];
    const agreement = typeof grant === "string" ? this.agreements.get(grant) : undefined;
    if (!secret || !grant || !agreement || agreement.appSecretToken !== secret) {
      throw new ApiError(401, "You are not authorized to access this resource.", "E04010", "Supply valid X-AppSecretToken and X-AgreementGrantToken headers.");
    }
    return agreement;
  }

  private async route(a: Agreement, method: string, url: URL, body: unknown): Promise<{ status: number; payload?: unknown; pdf?: Uint8Array }> {
    const path = url.pathname.replace(/\/$/, "");
    const self = (p: string) => `${this.url}${p}`;
    let m: RegExpExecArray | null;

    if (method === "GET") {
      const list = this.settingsList(a, path, url);
      if (list) return { status: 200, payload: list };
    }

    if (path === "/customers" && method === "GET") return { status: 200, payload: this.collection(url, [...a.customers.values()], FILTERABLE.customers) };
    if (path === "/customers" && method === "POST") {
      const input = validated("customers.post", body);
      check(a.customerGroups.includes(num(input, "customerGroup.customerGroupNumber")), "customerGroup", "Customer group not found.");
      check(a.paymentTerms.includes(num(input, "paymentTerms.paymentTermsNumber")), "paymentTerms", "Payment terms not found.");
      check(a.vatZones.includes(num(input, "vatZone.vatZoneNumber")), "vatZone", "VAT zone not found.");
      check(vatZoneOf(a, num(input, "vatZone.vatZoneNumber")).enabledForCustomer, "vatZone", "The VAT zone cannot be used for customers.");
      const number = typeof input.customerNumber === "number" ? input.customerNumber : Math.max(0, ...a.customers.keys()) + 1;
      check(!a.customers.has(number), "customerNumber", "Customer number already exists.");
      const customer = { ...input, customerNumber: number, self: self(`/customers/${number}`) };
      a.customers.set(number, customer);
      return { status: 201, payload: customer };
    }
    if ((m = /^\/customers\/(\d+)$/.exec(path)) && method === "GET") return { status: 200, payload: found(a.customers.get(Number(m[1])), "Customer") };

    if (path === "/products" && method === "GET") return { status: 200, payload: this.collection(url, [...a.products.values()], FILTERABLE.products) };
    if (path === "/products" && method === "POST") {
      const input = validated("products.post", body);
      check(num(input, "productGroup.productGroupNumber") in a.productGroups, "productGroup", "Product group not found.");
      const number = String(input.productNumber);
      check(!a.products.has(number), "productNumber", "Product number already exists.");
      const product = { ...input, self: self(`/products/${encodeProductNumber(number)}`) };
      a.products.set(number, product);
      return { status: 201, payload: product };
    }
    if ((m = /^\/products\/(.+)$/.exec(path)) && method === "GET") {
      return { status: 200, payload: found(a.products.get(decodeProductNumber(decodeURIComponent(m[1]))), "Product") };
    }

    if (path === "/invoices/drafts" && method === "GET") return { status: 200, payload: this.collection(url, [...a.drafts.values()], FILTERABLE.drafts) };
    if (path === "/invoices/drafts" && method === "POST") {
      const input = validated("invoices.drafts.post", body);
      const customer = a.customers.get(num(input, "customer.customerNumber"));
      check(Boolean(customer), "customer", "Customer not found.");
      check(a.layouts.includes(num(input, "layout.layoutNumber")), "layout", "Layout not found.");
      check(a.paymentTerms.includes(num(input, "paymentTerms.paymentTermsNumber")), "paymentTerms", "Payment terms not found.");
      const vatZone = num(input, "recipient.vatZone.vatZoneNumber");
      const lines = ((input.lines as Row[] | undefined) ?? []).map((line, i) => {
        const productNumber = (line.product as Row | undefined)?.productNumber;
        const product = productNumber === undefined ? undefined : a.products.get(String(productNumber));
        if (productNumber !== undefined) check(Boolean(product), `lines.${i}.product`, `Product '${String(productNumber)}' not found.`);
        const cents = roundHalfAway(Number(line.quantity ?? 1) * roundHalfAway(Number(line.unitNetPrice ?? 0) * 100) * (1 - Number(line.discountPercentage ?? 0) / 100));
        const rate = product && vatZone === 1 ? (a.productGroups[num(product, "productGroup.productGroupNumber")] ?? 0) : 0;
        return { ...line, lineNumber: i + 1, totalNetAmount: cents / 100, vatRate: rate, _cents: cents };
      });
      // VAT per rate, rounded once per rate, as the invoice states it.
      const byRate = new Map<number, number>();
      for (const l of lines) byRate.set(l.vatRate, (byRate.get(l.vatRate) ?? 0) + l._cents);
      const netCents = lines.reduce((s, l) => s + l._cents, 0);
      const vatCents = [...byRate.entries()].reduce((s, [rate, cents]) => s + roundHalfAway(cents * rate), 0);
      const number = a.nextDraft++;
      const draft: Row = {
        ...input,
        draftInvoiceNumber: number,
        lines: lines.map(({ _cents: _c, ...l }) => l),
        netAmount: netCents / 100,
        vatAmount: vatCents / 100,
        grossAmount: (netCents + vatCents) / 100,
        self: self(`/invoices/drafts/${number}`),
      };
      a.drafts.set(number, draft);
      return { status: 201, payload: draft };
    }
    if ((m = /^\/invoices\/drafts\/(\d+)$/.exec(path)) && method === "GET") return { status: 200, payload: found(a.drafts.get(Number(m[1])), "Draft invoice") };

    if (path === "/invoices/booked" && method === "GET") return { status: 200, payload: this.collection(url, [...a.booked.values()], FILTERABLE.booked) };
    if (path === "/invoices/booked" && method === "POST") {
      const input = validated("invoices.booked.post", body);
      const draftNumber = num(input, "draftInvoice.draftInvoiceNumber");
      const draft = a.drafts.get(draftNumber);
      if (!draft) throw new ApiError(404, `Draft invoice ${draftNumber} not found.`, "E04040", "The draft may have been booked or deleted already.");
      const number = typeof input.bookWithNumber === "number" ? input.bookWithNumber : a.nextBooked++;
      a.drafts.delete(draftNumber);
      const { draftInvoiceNumber: _d, ...rest } = draft;
      const booked = {
        ...rest,
        bookedInvoiceNumber: number,
        // Unpaid in full when booked; a payment (control API) lowers it. A credit note's remainder is negative.
        remainder: rest.grossAmount,
        pdf: { download: self(`/invoices/booked/${number}/pdf`) },
        self: self(`/invoices/booked/${number}`),
      };
      a.booked.set(number, booked);
      return { status: 201, payload: booked };
    }
    if ((m = /^\/invoices\/booked\/(\d+)$/.exec(path)) && method === "GET") return { status: 200, payload: found(a.booked.get(Number(m[1])), "Booked invoice") };
    if ((m = /^\/invoices\/booked\/(\d+)\/pdf$/.exec(path)) && method === "GET") {
      return { status: 200, pdf: await invoicePdf(found(a.booked.get(Number(m[1])), "Booked invoice"), a) };
    }
    throw new ApiError(404, "The requested resource was not found.", "E04040", `No route ${method} ${path} in the simulator.`);
  }

  /** The settings lists, in the shapes of their *.get schemas; undefined for any other path. */
  private settingsList(a: Agreement, path: string, url: URL) {
    const self = (p: string) => `${this.url}${p}`;
    const byNumber = (numbers: number[]) => [...new Set(numbers)].sort((x, y) => x - y);
    switch (path) {
      case "/customer-groups":
        return this.collection(
          url,
          byNumber(a.customerGroups).map((n) => ({
            customerGroupNumber: n,
            name: a.customerGroupNames?.[n] ?? DEFAULT_NAMES.customerGroups[n] ?? `Kundegruppe ${n}`,
            account: { accountNumber: 5600, self: self("/accounts/5600") },
            customers: self(`/customer-groups/${n}/customers`),
            self: self(`/customer-groups/${n}`),
          })),
          FILTERABLE.customerGroups,
        );
      case "/payment-terms":
        return this.collection(
          url,
          byNumber(a.paymentTerms).map((n) => {
            const terms = a.paymentTermsDetails?.[n] ?? DEFAULT_NAMES.paymentTerms[n] ?? { name: `Betalingsbetingelse ${n}`, paymentTermsType: "net" as const };
            return { paymentTermsNumber: n, ...terms, self: self(`/payment-terms/${n}`) };
          }),
          [],
        );
      case "/layouts":
        return this.collection(
          url,
          byNumber(a.layouts).map((n) => ({
            layoutNumber: n,
            name: a.layoutNames?.[n] ?? DEFAULT_NAMES.layouts[n] ?? `Layout ${n}`,
            deleted: false,
            self: self(`/layouts/${n}`),
          })),
          [],
        );
      case "/vat-zones":
        return this.collection(
          url,
          byNumber(a.vatZones).map((n) => ({ vatZoneNumber: n, ...vatZoneOf(a, n), self: self(`/vat-zones/${n}`) })),
          [],
        );
      case "/product-groups":
        return this.collection(
          url,
          byNumber(Object.keys(a.productGroups).map(Number)).map((n) => ({
            productGroupNumber: n,
            name: a.productGroupNames?.[n] ?? DEFAULT_NAMES.productGroups[n] ?? `Varegruppe ${n}`,
            salesAccounts: self(`/product-groups/${n}/sales-accounts`),
            products: self(`/product-groups/${n}/products`),
            inventoryEnabled: false,
            self: self(`/product-groups/${n}`),
          })),
          [],
        );
      default:
        return undefined;
    }
  }

  /** e-conomic's collection shape, with filter and paging (default page 20, at most 1000). */
  private collection(url: URL, rows: Row[], filterable: readonly string[]) {
    let predicate: (row: Row) => boolean;
    try {
      predicate = compileFilter(url.searchParams.get("filter"), filterable);
    } catch (error) {
      if (error instanceof FilterError) throw new ApiError(400, error.message, "E04300", "Check the filter syntax and the filterable properties.");
      throw error;
    }
    const pageSize = Number(url.searchParams.get("pagesize") ?? 20);
    const skipPages = Number(url.searchParams.get("skippages") ?? 0);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000 || !Number.isInteger(skipPages) || skipPages < 0) {
      throw new ApiError(400, "Invalid paging.", "E04300", "pagesize must be 1–1000 and skippages 0 or more.");
    }
    const matching = sorted(rows.filter(predicate), url.searchParams.get("sort"));
    const page = matching.slice(skipPages * pageSize, (skipPages + 1) * pageSize);
    const link = (skip: number) => {
      const next = new URL(url);
      next.searchParams.set("skippages", String(skip));
      next.searchParams.set("pagesize", String(pageSize));
      return next.toString();
    };
    const lastPage = Math.max(0, Math.ceil(matching.length / pageSize) - 1);
    return {
      collection: page,
      pagination: {
        maxPageSizeAllowed: 1000,
        skipPages,
        pageSize,
        results: matching.length,
        resultsWithoutFilter: rows.length,
        firstPage: link(0),
        ...(skipPages < lastPage ? { nextPage: link(skipPages + 1) } : {}),
        lastPage: link(lastPage),
      },
      self: url.toString(),
    };
  }

  private async control(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const body = req.method === "POST" ? (parseJson(await readBody(req)) as Row) : {};
    switch (`${req.method} ${url.pathname}`) {
      case "POST /_control/agreements":
        this.addAgreement(body as Partial<Agreement> & { appSecretToken: string; agreementGrantToken: string });
        return sendJson(res, 201, { ok: true });
      case "POST /_control/faults":
        this.faults.add(body as never);
        return sendJson(res, 201, { ok: true });
      case "GET /_control/state": {
        const a = this.agreements.get(url.searchParams.get("agreement") ?? "");
        if (!a) return sendJson(res, 404, { error: "unknown agreement" });
        return sendJson(res, 200, {
          calls: a.calls,
          customers: [...a.customers.values()],
          products: [...a.products.values()],
          drafts: [...a.drafts.values()],
          booked: [...a.booked.values()],
        });
      }
      case "POST /_control/payments": {
        const invoice = this.agreements.get(String(body.agreement))?.booked.get(Number(body.bookedInvoiceNumber));
        if (!invoice) return sendJson(res, 404, { error: "unknown agreement or booked invoice" });
        invoice.remainder = Math.round((Number(invoice.remainder) - Number(body.amount)) * 100) / 100;
        return sendJson(res, 200, invoice);
      }
      case "POST /_control/reset":
        this.agreements.clear();
        this.faults.clear();
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: "no such control route" });
    }
  }
}

function vatZoneOf(a: Agreement, n: number): VatZoneDetails {
  return a.vatZoneDetails?.[n] ?? DEFAULT_NAMES.vatZones[n] ?? { name: `Momszone ${n}`, enabledForCustomer: true, enabledForSupplier: true };
}

function errorBody(status: number, message: string, errorCode: string, developerHint: string, errors?: Row) {
  return { message, errorCode, developerHint, logId: randomUUID(), httpStatusCode: status, ...(errors ? { errors } : {}), logTime: new Date().toISOString() };
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(400, "The request body is not valid JSON.", "E04000", "Send a JSON body with Content-Type: application/json.");
  }
}

function validated(schema: Parameters<typeof validatorFor>[0], body: unknown): Row {
  const validate = validatorFor(schema);
  if (!validate(body)) {
    throw new ApiError(400, "Validation exception.", "E04300", "Inspect the validation errors and correct your request.", validationErrors(validate.errors));
  }
  return body as Row;
}

function check(ok: boolean, field: string, message: string) {
  if (!ok) {
    throw new ApiError(400, "Validation exception.", "E04300", "Inspect the validation errors and correct your request.", {
      [field]: { errors: [{ errorCode: "E06000", message, propertyName: field }] },
    });
  }
}

function found<T>(row: T | undefined, what: string): T {
  if (!row) throw new ApiError(404, `${what} not found.`, "E04040", "Check the number in the URL.");
  return row;
}

function num(row: Row, dotted: string): number {
  return Number(dotted.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Row)[k] : undefined), row));
}

/** Product numbers in URLs: e-conomic writes special characters as _N_ codes (space _9_, slash _6_). */
const CODES: Record<string, string> = { " ": "_9_", "/": "_6_", "\\": "_7_", "?": "_8_", "&": "_5_", "%": "_4_", ":": "_10_" };
export function encodeProductNumber(value: string): string {
  return [...value].map((c) => CODES[c] ?? c).join("");
}
function decodeProductNumber(value: string): string {
  return Object.entries(CODES).reduce((text, [c, code]) => text.replaceAll(code, c), value);
}

async function invoicePdf(invoice: Row, agreement: Agreement): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Invoice ${String(invoice.bookedInvoiceNumber)}`);
  pdf.setProducer("e-conomic simulator");
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const customer = agreement.customers.get(num(invoice, "customer.customerNumber"));
  const ascii = (text: unknown) => String(text ?? "").replace(/[^\x20-\x7e\u00a0-\u00ff]/g, "?");
  let y = 790;
  const write = (text: string, size = 11) => {
    page.drawText(ascii(text), { x: 50, y, size, font });
    y -= size + 8;
  };
  write(`Invoice ${String(invoice.bookedInvoiceNumber)}`, 20);
  write(`Date ${String(invoice.date)}   Currency ${String(invoice.currency)}`);
  write(`Customer ${String(customer?.name ?? "")}`);
  for (const line of (invoice.lines as Row[]) ?? []) {
    write(`${String(line.quantity)} x ${String(line.description ?? "")}  ${String(line.unitNetPrice)}  = ${String(line.totalNetAmount)}`, 10);
  }
  write(`Net ${String(invoice.netAmount)}   VAT ${String(invoice.vatAmount)}   Total ${String(invoice.grossAmount)}`, 12);
  return pdf.save();
}

/**
 * Rounding as an invoice rounds: half away from zero, so that a credit note (negative quantities) states the
 * same amounts as the invoice it mirrors. (Math.round rounds -0.5 up, to 0, and would make the two differ.)
 */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/** e-conomic's `sort`: comma-separated properties (dotted paths), each ascending, or descending with a leading "-". */
function sorted(rows: Row[], sort: string | null): Row[] {
  if (!sort) return rows;
  const keys = sort.split(",").map((k) => ({ desc: k.startsWith("-"), path: k.replace(/^-/, "").split(".") }));
  const value = (row: Row, path: string[]) => path.reduce<unknown>((node, part) => (node as Row | undefined)?.[part], row) as string | number | undefined;
  return [...rows].sort((a, b) => {
    for (const { desc, path } of keys) {
      const [x, y] = [value(a, path), value(b, path)];
      if (x === y) continue;
      const order = x === undefined ? -1 : y === undefined ? 1 : x < y ? -1 : 1;
      return desc ? -order : order;
    }
    return 0;
  });
}
