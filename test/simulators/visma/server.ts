// The Visma eAccounting simulator: a stateful REST server on loopback that answers like
// eaccountingapi.vismaonline.com/v2 together with its identity server (./identity.ts). It checks bearer tokens,
// scopes and modules, enforces the per-client-and-endpoint quota, validates request bodies against Visma's own
// Swagger (./schemas.ts), supports OData `$filter`/`$orderby` (./odata.ts) and `$page`/`$pagesize`, keeps
// customers, articles, drafts, booked invoices (numbered in sequence) and orders (PUT records deliveries; convert
// invoices what was delivered) per company, computes VAT and totals (./pricing.ts), serves real PDFs behind
// short-lived URLs, answers errors in Visma's body shape, and injects faults. Operations the swagger has but the
// simulator does not answer 501.
//
// Vendor facts used here:
// - Error body `{ErrorCode, DeveloperErrorMessage, ErrorId}` and the codes 2000 DataModelValidationError,
//   3000 ResourceNotFound ("you refer to a specific object that does not exist, eg. customers… or articles in a
//   request"), 4000 Conflict ("create a object that cannot exist as a duplicate"), 4002 NoAccessToModule,
//   4005 NotAuthorized, 4006 NoAccessToScopes (developer.vismaonline.com/docs/error-codes). The table gives no
//   HTTP statuses; the ones chosen are said where they are used.
// - 401 body: `{"ErrorCode":4005,"DeveloperErrorMessage":"AuthorizationException - Authorization has been denied
//   for this request."}` (quoted in github.com/pwitab/visma/issues/13).
// - Rate limit: "600 requests per minute; limit is registered per client and endpoint/URL", answered with 429
//   and `{"ErrorCode":4010,"DeveloperErrorMessage":"API calls quota exceeded! maximum admitted 600 per Minute.
//   Try again in 55 seconds."}` (developer.vismaonline.com/docs/rate-limits).
// - A missing module: "ForbiddenRequestException - No access to module: api_standard" (Visma community
//   knowledge base); which operation needs which scope and module is read from the swagger
//   (orders need `order_standard`, which the Solo plan lacks).
//
// Control API (no auth): POST /_control/reset, POST /_control/faults {kind, match?, times?, …} (see ../faults.ts),
// POST /_control/companies (Partial<VismaCompany>, answers the company with its seeded ids),
// POST /_control/clients {clientId, clientSecret, redirectUris}, POST /_control/tokens {clientId, companyId, scope?},
// POST /_control/expire-access-tokens {companyId}, POST /_control/revoke-refresh-tokens {companyId},
// GET /_control/state?company=<id>.
import type http from "node:http";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { FaultInjector, listenOnLoopback, readBody, sendJson, type Fault, type LoopbackServer } from "../faults";
import { IdentityServer, type AccessGrant, type Reply } from "./identity";
import { invoicePdf } from "./invoice-pdf";
import { compileFilter, compileOrderBy, ODataError } from "./odata";
import { decimalsOf, money, priceLines, roundDiv, scaled, type PricedLine, type Totals } from "./pricing";
import { propertiesOf, requirementsOf, validationMessages, withoutReadOnly } from "./schemas";

type Row = Record<string, unknown>;

export type VismaCompany = {
  id: string;
  /** CompanySettingsApi. */
  settings: Record<string, unknown>;
  /** false = the Solo plan: no `order_standard` module, so /v2/orders answers 403. */
  orderModule: boolean;
  termsOfPayments: Row[];
  articleAccountCodings: Row[];
  units: Row[];
  customers: Map<string, Row>;
  articles: Map<string, Row>;
  drafts: Map<string, Row>;
  invoices: Map<string, Row>;
  orders: Map<string, Row>;
  /** Bodies of POST /v2/customerinvoices/{id}/email, with InvoiceId. */
  emails: Row[];
  nextInvoiceNumber: number;
  nextCustomerNumber: number;
};

const CODE = {
  validation: 2000,
  notFound: 3000,
  conflict: 4000,
  noModule: 4002,
  notAuthorized: 4005,
  noScope: 4006,
  rateLimit: 4010,
  // The published table starts at 2000 and names no code for an unexpected failure.
  unhandled: 1000,
} as const;

/** Visma's paging is `$page` (1-based) and `$pagesize`; the default and the maximum are not published. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const FILE_LIFETIME_MS = 10 * 60_000;
/** Converted invoices carry at most 50 characters of reference (CustomerInvoiceApi), drafts 100. */
const INVOICE_REFERENCE_MAX = 50;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(errorCode: number, message: string) {
  return { ErrorCode: errorCode, DeveloperErrorMessage: message, ErrorId: randomUUID() };
}

type Context = { company: VismaCompany; grant: AccessGrant; params: string[]; url: URL; body: unknown };
type Route = { method: string; template: string; pattern: RegExp; handle: (ctx: Context) => Promise<Reply> | Reply };

type Priced = {
  customer: Row;
  includesVat: boolean;
  rows: Row[];
  lines: PricedLine[];
  totals: Totals;
};

export class VismaSimulator {
  readonly faults = new FaultInjector();
  readonly companies = new Map<string, VismaCompany>();
  readonly stats = { requests: 0, rejected429: 0, byEndpoint: new Map<string, number>() };
  url = "";
  consentCompanyId: string | null = null;

  private server: LoopbackServer | undefined;
  private readonly identity: IdentityServer;
  private readonly quotaPerMinute: number;
  private readonly pdfDelayMs: number;
  /** Per client and endpoint, the times of the calls inside the sliding minute. */
  private readonly windows = new Map<string, number[]>();
  private readonly files = new Map<string, { companyId: string; invoiceId: string; expiresAt: number }>();
  private readonly routes: Route[];

  constructor(private readonly options: { port?: number; quotaPerMinute?: number; accessTokenTtlSeconds?: number; pdfDelayMs?: number } = {}) {
    this.identity = new IdentityServer(options.accessTokenTtlSeconds ?? 3600);
    this.quotaPerMinute = options.quotaPerMinute ?? 600;
    this.pdfDelayMs = options.pdfDelayMs ?? 0;
    this.routes = this.apiRoutes();
  }

  async start() {
    this.server = await listenOnLoopback((req, res) => this.handle(req, res), {
      port: this.options.port,
      failureBody: (error) => errorBody(CODE.unhandled, `Simulator failure: ${String(error)}`),
    });
    this.url = this.server.url;
    return this.url;
  }

  async close() {
    await this.server?.close();
  }

  addClient(input: { clientId: string; clientSecret: string; redirectUris: string[] }) {
    this.identity.clients.set(input.clientId, { clientId: input.clientId, clientSecret: input.clientSecret, redirectUris: [...input.redirectUris] });
  }

  addCompany(input: Partial<VismaCompany> = {}): VismaCompany {
    const id = input.id ?? randomUUID();
    const termsOfPayments = input.termsOfPayments ?? seedTerms(id);
    const company: VismaCompany = {
      id,
      orderModule: input.orderModule ?? true,
      termsOfPayments,
      articleAccountCodings: input.articleAccountCodings ?? seedCodings(id),
      units: input.units ?? seedUnits(id),
      customers: input.customers ?? new Map(),
      articles: input.articles ?? new Map(),
      drafts: input.drafts ?? new Map(),
      invoices: input.invoices ?? new Map(),
      orders: input.orders ?? new Map(),
      emails: input.emails ?? [],
      nextInvoiceNumber: input.nextInvoiceNumber ?? 1001,
      nextCustomerNumber: input.nextCustomerNumber ?? 1,
      settings: {
        Name: "Simulated Handel AB",
        Email: "info@simulated-handel.example",
        Address1: "Storgatan 1",
        PostalCode: "111 22",
        City: "Stockholm",
        CountryCode: "SE",
        CurrencyCode: "SEK",
        CorporateIdentityNumber: "556000-0000",
        VatCode: "SE556000000001",
        TermsOfPaymentId: termsOfPayments[0]?.Id,
        ShowPricesExclVatPC: false,
        UsesPaymentReferenceNumber: false,
        KeepOriginalDraftDate: false,
        // 0 = None: totals are not rounded to whole kronor, so TotalRoundings stays 0.
        DomesticCurrencyRounding: 0,
        ProductVariant: input.orderModule === false ? 4 : 1,
        TypeOfBusiness: 1,
        CompanyStatus: 1,
        ActivatedModules: ["api_standard"],
        ...input.settings,
      },
    };
    this.companies.set(id, company);
    return company;
  }

  /** For tests that skip the browser dance: tokens as if the user consented. */
  issueTokens(input: { clientId: string; companyId: string; scope?: string }): { access_token: string; refresh_token: string; expires_in: number } {
    if (!this.identity.clients.has(input.clientId)) throw new Error(`Unknown client ${input.clientId}: addClient first`);
    if (!this.companies.has(input.companyId)) throw new Error(`Unknown company ${input.companyId}: addCompany first`);
    const scopes = (input.scope ?? "ea:api offline_access ea:sales").split(" ").filter(Boolean);
    const set = this.identity.issue(input.clientId, input.companyId, scopes);
    // Without offline_access there is no refresh token; the empty string cannot be redeemed.
    return { access_token: set.access_token, refresh_token: set.refresh_token ?? "", expires_in: set.expires_in };
  }

  expireAccessTokens(companyId: string) {
    this.identity.expireAccessTokens(companyId);
  }

  revokeRefreshTokens(companyId: string) {
    this.identity.revokeRefreshTokens(companyId);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    if (url.pathname.startsWith("/_control/")) return this.control(req, res, url);
    const method = req.method ?? "GET";
    const template = this.templateOf(method, url.pathname);
    const endpoint = `${method} ${template ?? url.pathname}`;
    this.stats.requests += 1;
    this.stats.byEndpoint.set(endpoint, (this.stats.byEndpoint.get(endpoint) ?? 0) + 1);
    const fault = inVismaShape(this.faults.take(`${method} ${url.pathname}`), url.pathname);
    await this.faults.apply(fault, res, async () => {
      let reply: Reply;
      try {
        reply = await this.answer(req, url, method, endpoint);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        reply = { status: error.status, json: errorBody(error.errorCode, error.message), headers: error.headers };
      }
      send(res, reply);
    });
  }

  private async answer(req: http.IncomingMessage, url: URL, method: string, endpoint: string): Promise<Reply> {
    const path = url.pathname.replace(/(.)\/$/, "$1");
    if (method === "GET" && path === "/connect/authorize") return this.identity.authorize(url.searchParams, this.consentCompany()?.id);
    if (method === "POST" && path === "/connect/token") {
      const contentType = req.headers["content-type"];
      return this.identity.token({ authorization: req.headers.authorization, contentType }, await readBody(req));
    }
    const file = /^\/files\/([A-Za-z0-9_-]+)\.pdf$/.exec(path);
    if (method === "GET" && file) return this.file(file[1]);
    if (!path.startsWith("/v2/")) throw new ApiError(404, CODE.notFound, `No resource at ${method} ${path}.`);

    const grant = this.authenticate(req);
    const company = this.companies.get(grant.companyId)!;
    this.enforceQuota(grant.clientId, endpoint);
    const match = this.match(method, path);
    this.checkAccess(grant, company, method, match.route.template);
    const body = method === "POST" || method === "PUT" ? parseJson(req.headers["content-type"], await readBody(req)) : undefined;
    return match.route.handle({ company, grant, params: match.params, url, body });
  }

  private consentCompany(): VismaCompany | undefined {
    if (this.consentCompanyId) return this.companies.get(this.consentCompanyId);
    return this.companies.values().next().value;
  }

  private authenticate(req: http.IncomingMessage): AccessGrant {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const grant = m ? this.identity.accessGrant(m[1]) : undefined;
    if (!grant || !this.companies.has(grant.companyId)) {
      // RFC 6750 §3.1: no error code when the request carried no token at all.
      const challenge = m ? 'Bearer error="invalid_token"' : "Bearer";
      throw new ApiError(401, CODE.notAuthorized, "AuthorizationException - Authorization has been denied for this request.", { "WWW-Authenticate": challenge });
    }
    return grant;
  }

  /**
   * A sliding 60-second window per OAuth client and endpoint (method and route template), stricter than the
   * fixed minute a counter would give. Refused calls do not count; Retry-After is when the oldest call leaves.
   */
  private enforceQuota(clientId: string, endpoint: string) {
    const key = `${clientId} ${endpoint}`;
    const now = Date.now();
    const calls = (this.windows.get(key) ?? []).filter((t) => t > now - 60_000);
    if (calls.length >= this.quotaPerMinute) {
      this.windows.set(key, calls);
      this.stats.rejected429 += 1;
      const retry = Math.max(1, Math.ceil((calls[0] + 60_000 - now) / 1000));
      throw new ApiError(429, CODE.rateLimit, `API calls quota exceeded! maximum admitted ${this.quotaPerMinute} per Minute. Try again in ${retry} seconds.`, {
        "Retry-After": String(retry),
      });
    }
    calls.push(now);
    this.windows.set(key, calls);
  }

  private checkAccess(grant: AccessGrant, company: VismaCompany, method: string, template: string) {
    // 403 for scopes and modules: the request is authenticated but not allowed.
    if (!grant.scopes.has("ea:api")) throw new ApiError(403, CODE.noScope, "NoAccessToScopes - The access token lacks the scope ea:api.");
    const needs = requirementsOf(method, template);
    if (needs?.scopes.length && !needs.scopes.some((s) => grant.scopes.has(s))) {
      throw new ApiError(403, CODE.noScope, `NoAccessToScopes - ${method} ${template} requires any of the scopes: ${needs.scopes.join(", ")}.`);
    }
    const modules = activatedModules(company);
    const missing = needs?.modules.length && !needs.modules.some((m) => modules.includes(m)) ? needs.modules[0] : undefined;
    if (missing) throw new ApiError(403, CODE.noModule, `ForbiddenRequestException - No access to module: ${missing}`);
  }

  private templateOf(method: string, pathname: string): string | undefined {
    const path = pathname.replace(/(.)\/$/, "$1");
    if (path === "/connect/authorize" || path === "/connect/token") return path;
    if (/^\/files\/[^/]+$/.test(path)) return "/files/{token}";
    return this.routes.find((r) => r.method === method && r.pattern.test(path))?.template ?? this.routes.find((r) => r.pattern.test(path))?.template;
  }

  private match(method: string, path: string): { route: Route; params: string[] } {
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (m && route.method === method) return { route, params: m.slice(1).map(decodeURIComponent) };
    }
    const template = this.routes.find((r) => r.pattern.test(path))?.template;
    // An operation Visma has but the simulator does not: 501, rather than a misleading 404 or 405.
    if (template && requirementsOf(method, template)) {
      throw new ApiError(501, CODE.unhandled, `The simulator does not implement ${method} ${template}.`);
    }
    if (template) throw new ApiError(405, CODE.notFound, `The requested resource does not support http method '${method}'.`);
    throw new ApiError(404, CODE.notFound, `No resource at ${method} ${path}.`);
  }

  private apiRoutes(): Route[] {
    const route = (method: string, template: string, handle: Route["handle"]): Route => ({
      method,
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "([^/]+)")}$`),
      handle,
    });
    return [
      route("GET", "/v2/companysettings", ({ company }) => ok(companySettings(company))),
      route("GET", "/v2/termsofpayments", ({ company, url }) => this.list(url, "TermsOfPaymentApi", company.termsOfPayments)),
      route("GET", "/v2/articleaccountcodings", ({ company, url }) => this.list(url, "ArticleAccountCodingAPI", company.articleAccountCodings)),
      route("GET", "/v2/units", ({ company, url }) => this.list(url, "UnitApi", company.units)),

      route("GET", "/v2/customers", ({ company, url }) => this.list(url, "CustomerApi", [...company.customers.values()])),
      route("POST", "/v2/customers", ({ company, body }) => this.createCustomer(company, body)),
      route("GET", "/v2/customers/{id}", ({ company, params }) => ok(found(company.customers, params[0], "Customer"))),

      route("GET", "/v2/articles", ({ company, url }) => this.list(url, "ArticleApi", [...company.articles.values()])),
      route("POST", "/v2/articles", ({ company, body }) => this.createArticle(company, body)),
      route("GET", "/v2/articles/{id}", ({ company, params }) => ok(found(company.articles, params[0], "Article"))),

      route("GET", "/v2/customerinvoicedrafts", ({ company, url }) => this.list(url, "CustomerInvoiceDraftApi", [...company.drafts.values()])),
      route("POST", "/v2/customerinvoicedrafts", ({ company, body }) => this.createDraft(company, body)),
      route("GET", "/v2/customerinvoicedrafts/{id}", ({ company, params }) => ok(found(company.drafts, params[0], "Customer invoice draft"))),
      route("POST", "/v2/customerinvoicedrafts/{id}/convert", (ctx) => this.convertDraft(ctx)),

      route("GET", "/v2/customerinvoices", ({ company, url }) => this.list(url, "CustomerInvoiceApi", [...company.invoices.values()])),
      route("GET", "/v2/customerinvoices/{id}", ({ company, params }) => ok(found(company.invoices, params[0], "Customer invoice"))),
      route("POST", "/v2/customerinvoices/{id}/email", ({ company, params, body }) => this.email(company, params[0], body)),
      route("GET", "/v2/customerinvoices/{id}/pdf", ({ company, params }) => this.pdfUrl(company, params[0])),

      route("GET", "/v2/orders", ({ company, url }) => this.list(url, "OrderApi", [...company.orders.values()])),
      route("POST", "/v2/orders", ({ company, body }) => this.createOrder(company, body)),
      route("GET", "/v2/orders/{id}", ({ company, params }) => ok(found(company.orders, params[0], "Order"))),
      route("PUT", "/v2/orders/{id}", ({ company, params, body }) => this.updateOrder(company, params[0], body)),
      route("POST", "/v2/orders/{id}/convert", ({ company, params }) => this.convertOrder(company, params[0])),
    ];
  }

  /** Visma's list shape with OData `$filter`/`$orderby` and `$page`/`$pagesize`. */
  private list(url: URL, definition: string, rows: Row[]): Reply {
    for (const key of url.searchParams.keys()) {
      if (key.startsWith("$") && !["$filter", "$orderby", "$page", "$pagesize"].includes(key)) {
        throw new ApiError(400, CODE.validation, `The query option '${key}' is not supported by the simulator; page with $page and $pagesize.`);
      }
    }
    const properties = propertiesOf(definition);
    let predicate: (row: Row) => boolean;
    let order: ((a: Row, b: Row) => number) | undefined;
    try {
      predicate = compileFilter(url.searchParams.get("$filter"), properties, definition);
      order = compileOrderBy(url.searchParams.get("$orderby"), properties, definition);
    } catch (error) {
      if (error instanceof ODataError) throw new ApiError(400, CODE.validation, `The query specified in the URI is not valid. ${error.message}`);
      throw error;
    }
    const page = pagingNumber(url, "$page", 1, Number.MAX_SAFE_INTEGER);
    const pageSize = pagingNumber(url, "$pagesize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const matching = rows.filter(predicate);
    if (order) matching.sort(order);
    return ok({
      Meta: {
        CurrentPage: page,
        PageSize: pageSize,
        TotalNumberOfPages: Math.ceil(matching.length / pageSize),
        TotalNumberOfResults: matching.length,
        ServerTimeUtc: new Date().toISOString(),
      },
      Data: matching.slice((page - 1) * pageSize, page * pageSize),
    });
  }

  private createCustomer(c: VismaCompany, body: unknown): Reply {
    const input = validated("CustomerApi", body);
    const terms = findIn(c.termsOfPayments, input.TermsOfPaymentId);
    if (!terms) throw missingReference("TermsOfPaymentId", "Terms of payment", input.TermsOfPaymentId);
    // Unique like SQL Server's default case-insensitive collation compares them.
    const taken = (n: string) => [...c.customers.values()].some((x) => String(x.CustomerNumber).toLowerCase() === n.toLowerCase());
    let number = typeof input.CustomerNumber === "string" && input.CustomerNumber !== "" ? input.CustomerNumber : undefined;
    if (number !== undefined && taken(number)) {
      // 409: the code is documented (4000 Conflict), the HTTP status is not.
      throw new ApiError(409, CODE.conflict, `Conflict - A customer with CustomerNumber '${number}' already exists.`);
    }
    while (number === undefined || taken(number)) number = String(c.nextCustomerNumber++);
    const now = new Date().toISOString();
    const customer: Row = {
      ...input,
      Id: randomUUID(),
      CustomerNumber: number,
      CurrencyCode: input.CurrencyCode ?? c.settings.CurrencyCode,
      TermsOfPayment: terms,
      ReverseChargeOnConstructionServices: input.ReverseChargeOnConstructionServices ?? false,
      ChangedUtc: now,
    };
    c.customers.set(String(customer.Id), customer);
    return created(customer);
  }

  private createArticle(c: VismaCompany, body: unknown): Reply {
    const input = validated("ArticleApi", body);
    const coding = findIn(c.articleAccountCodings, input.CodingId);
    if (!coding) throw missingReference("CodingId", "Article account coding", input.CodingId);
    const unit = findIn(c.units, input.UnitId);
    if (!unit) throw missingReference("UnitId", "Unit", input.UnitId);
    const number = String(input.Number);
    if ([...c.articles.values()].some((a) => String(a.Number).toLowerCase() === number.toLowerCase())) {
      throw new ApiError(409, CODE.conflict, `Conflict - An article with Number '${number}' already exists.`);
    }
    // One price given, the other follows from the coding's VAT rate (as the article form does).
    const rate = scaled(Number(coding.VatRatePercent ?? 0), 4);
    const net = typeof input.NetPrice === "number" ? input.NetPrice : undefined;
    const gross = typeof input.GrossPrice === "number" ? input.GrossPrice : undefined;
    const now = new Date().toISOString();
    const article: Row = {
      ...input,
      Id: randomUUID(),
      NetPrice: net ?? (gross !== undefined ? Number(roundDiv(scaled(gross, 2) * 10_000n, 10_000n + rate)) / 100 : 0),
      GrossPrice: gross ?? (net !== undefined ? Number(roundDiv(scaled(net, 2) * (10_000n + rate), 10_000n)) / 100 : 0),
      CodingName: coding.Name,
      UnitName: unit.Name,
      UnitAbbreviation: unit.Abbreviation,
      StockBalance: input.StockBalance ?? 0,
      CreatedUtc: now,
      ChangedUtc: now,
    };
    c.articles.set(String(article.Id), article);
    return created(article);
  }

  private createDraft(c: VismaCompany, body: unknown): Reply {
    const input = validated("CustomerInvoiceDraftApi", body);
    const doc = this.price(c, input, 2);
    const { customer } = doc;
    const draft: Row = {
      ...input,
      Id: randomUUID(),
      CreatedUtc: new Date().toISOString(),
      CustomerNumber: customer.CustomerNumber,
      InvoiceCustomerName: customer.Name,
      InvoiceAddress1: input.InvoiceAddress1 ?? customer.InvoiceAddress1 ?? null,
      InvoiceAddress2: input.InvoiceAddress2 ?? customer.InvoiceAddress2 ?? null,
      InvoicePostalCode: customer.InvoicePostalCode,
      InvoiceCity: customer.InvoiceCity,
      InvoiceCountryCode: customer.InvoiceCountryCode ?? null,
      InvoiceCurrencyCode: customer.CurrencyCode ?? c.settings.CurrencyCode,
      CustomerIsPrivatePerson: customer.IsPrivatePerson === true,
      ReverseChargeOnConstructionServices: customer.ReverseChargeOnConstructionServices === true,
      IncludesVat: doc.includesVat,
      SalesDocumentAttachments: [],
      Rows: doc.rows,
      TotalAmount: money(doc.totals.totalCents),
      TotalVatAmount: money(doc.totals.vatCents),
      TotalRoundings: 0,
      // The simulator books every currency at rate 1 (see book()).
      TotalAmountBaseCurrency: money(doc.totals.totalCents),
      TotalVatAmountBaseCurrency: money(doc.totals.vatCents),
    };
    c.drafts.set(String(draft.Id), draft);
    return created(draft);
  }

  private convertDraft({ company: c, params, url, body }: Context): Reply {
    const draft = found(c.drafts, params[0], "Customer invoice draft");
    // The swagger marks the validation body required; `{}` asks for no checks.
    if (body === undefined) throw new ApiError(400, CODE.validation, "invoiceValidations: A request body is required ({} when nothing is to be validated).");
    const checks = validated("CustomerInvoiceDraftValidationApi", body);
    const doc = this.price(c, draft, 2);
    const wrong = validationFindings(checks, doc);
    if (wrong.length) throw new ApiError(400, CODE.validation, `The draft does not match the validation: ${wrong.join(" ")}`);
    // KeepOriginalDraftDate (company setting, overridable per call): otherwise the invoice is dated the day it is made.
    const override = url.searchParams.get("overrideCompanyKeepOriginalDraftDate") === "true";
    const keep = override ? url.searchParams.get("keepOriginalDraftDate") === "true" : c.settings.KeepOriginalDraftDate === true;
    const invoiceDate = keep && draft.InvoiceDate ? dateOnly(draft.InvoiceDate) : today();
    const invoice = this.book(c, doc, draft, invoiceDate, { CreatedFromDraftId: draft.Id });
    c.drafts.delete(String(draft.Id));
    return ok(invoice);
  }

  private createOrder(c: VismaCompany, body: unknown): Reply {
    const now = new Date().toISOString();
    const number = Math.max(0, ...[...c.orders.values()].map((o) => Number(o.Number))) + 1;
    const order = this.order(c, validated("OrderApi", body), { Id: randomUUID(), Number: number, CreatedUtc: now });
    c.orders.set(String(order.Id), order);
    return created(order);
  }

  /** PUT replaces the order (as the swagger's "OrdersV2_Put"); an invoiced order can no longer change. */
  private updateOrder(c: VismaCompany, id: string, body: unknown): Reply {
    const existing = found(c.orders, id, "Order");
    if (existing.Status === 4) throw new ApiError(400, CODE.validation, `Order ${String(existing.Number)} is invoiced (Status 4) and can no longer be changed.`);
    const order = this.order(c, validated("OrderApi", body), { Id: existing.Id, Number: existing.Number, CreatedUtc: existing.CreatedUtc });
    c.orders.set(String(order.Id), order);
    return ok(order);
  }

  private order(c: VismaCompany, input: Row, identity: Row): Row {
    const doc = this.price(c, input, 4);
    const { customer } = doc;
    doc.rows.forEach((row, i) => {
      const delivered = Number(row.DeliveredQuantity ?? 0);
      const ordered = Number(row.Quantity ?? 0);
      // Delivering more than was ordered is refused: the stricter reading (the swagger says nothing).
      if (Math.abs(delivered) > Math.abs(ordered) || (delivered !== 0 && Math.sign(delivered) !== Math.sign(ordered))) {
        throw new ApiError(400, CODE.validation, `Rows[${i}].DeliveredQuantity: ${delivered} is more than the ordered ${ordered}.`);
      }
    });
    const delivered = this.price(c, deliveredOnly(input), 4).totals;
    return {
      ...input,
      ...identity,
      ModifiedUtc: new Date().toISOString(),
      CustomerIsPrivatePerson: customer.IsPrivatePerson === true,
      InvoiceCustomerName: customer.Name,
      InvoiceAddress1: input.InvoiceAddress1 ?? customer.InvoiceAddress1 ?? null,
      InvoiceAddress2: input.InvoiceAddress2 ?? customer.InvoiceAddress2 ?? null,
      InvoicePostalCode: input.InvoicePostalCode ?? customer.InvoicePostalCode,
      InvoiceCity: input.InvoiceCity ?? customer.InvoiceCity,
      InvoiceCountryCode: input.InvoiceCountryCode ?? customer.InvoiceCountryCode ?? null,
      Rows: doc.rows.map((row) => ({ ...row, DeliveredQuantity: row.IsTextRow === true ? 0 : Number(row.DeliveredQuantity ?? 0) })),
      // Computed, whatever the request said: Amount incl. VAT, as drafts' TotalAmount (the swagger does not say).
      Amount: money(doc.totals.totalCents),
      VatAmount: money(doc.totals.vatCents),
      RoundingsAmount: 0,
      DeliveredAmount: money(delivered.totalCents),
      DeliveredVatAmount: money(delivered.vatCents),
      DeliveredRoundingsAmount: 0,
    };
  }

  /**
   * An order is invoiced for what was delivered (DeliveredQuantity per row). Visma's backorder endpoint ("if an
   * existing order has a delivered quantity that is smaller than the ordered quantity… a backorder for the
   * remaining amount", developer.vismaonline.com/changelog) implies it; an order with nothing delivered is
   * refused rather than invoiced empty, the stricter reading.
   */
  private convertOrder(c: VismaCompany, id: string): Reply {
    const order = found(c.orders, id, "Order");
    if (order.Status === 4) throw new ApiError(400, CODE.validation, `Order ${String(order.Number)} is already invoiced (Status 4) and cannot be converted again.`);
    const source = deliveredOnly(order);
    if (!(source.Rows as Row[]).some((row) => row.IsTextRow !== true && Number(row.Quantity) !== 0)) {
      throw new ApiError(400, CODE.validation, `Order ${String(order.Number)} has nothing delivered to invoice: set the rows' DeliveredQuantity (PUT /v2/orders/{id}) first.`);
    }
    const doc = this.price(c, source, 4);
    const invoice = this.book(c, doc, order, today(), { CreatedFromOrderId: order.Id });
    order.Status = 4;
    order.ModifiedUtc = new Date().toISOString();
    return ok(invoice);
  }

  /**
   * The customer, rows and totals of a draft or an order. VAT is charged when the customer is domestic
   * (InvoiceCountryCode empty or the company's country) or a private person; a company abroad pays none.
   * Prices include VAT when the customer is a private person, unless the company shows prices excl. VAT to
   * private individuals (IncludesVat, swagger CustomerInvoiceDraftApi).
   */
  private price(c: VismaCompany, input: Row, quantityDecimals: number): Priced {
    const customer = findIn([...c.customers.values()], input.CustomerId);
    if (!customer) throw missingReference("CustomerId", "Customer", input.CustomerId);
    const companyCountry = String(c.settings.CountryCode ?? "").toUpperCase();
    const country = String(customer.InvoiceCountryCode ?? "").toUpperCase();
    const domestic = country === "" || country === companyCountry;
    const chargesVat = domestic || customer.IsPrivatePerson === true;
    const includesVat = customer.IsPrivatePerson === true && c.settings.ShowPricesExclVatPC !== true;
    const rows: Row[] = [];
    const lines: PricedLine[] = [];
    ((input.Rows as Row[] | null | undefined) ?? []).forEach((row, i) => {
      const field = (name: string) => `Rows[${i}].${name}`;
      const lineNumber = row.LineNumber ?? i + 1;
      if (row.IsTextRow === true) {
        rows.push({ ...row, LineNumber: lineNumber, ArticleId: null });
        lines.push({ isText: true, quantity: 0, unitPrice: 0, discount: 0, vatRate: 0 });
        return;
      }
      if (!row.ArticleId) throw new ApiError(400, CODE.validation, `${field("ArticleId")}: The ArticleId field is required when IsTextRow is false.`);
      const article = findIn([...c.articles.values()], row.ArticleId);
      if (!article) throw missingReference(field("ArticleId"), "Article", row.ArticleId);
      const coding = findIn(c.articleAccountCodings, article.CodingId);
      const unit = findIn(c.units, article.UnitId);
      // Default: the article's price (swagger CustomerInvoiceDraftRowApi.UnitPrice); the gross one for gross documents.
      const unitPrice = Number(row.UnitPrice ?? (includesVat ? article.GrossPrice : article.NetPrice) ?? 0);
      // "2 decimals allowed if the customer is domestic or 4 decimals if foreign".
      const priceDecimals = domestic ? 2 : 4;
      if (decimalsOf(unitPrice) > priceDecimals) {
        throw new ApiError(400, CODE.validation, `${field("UnitPrice")}: At most ${priceDecimals} decimals are allowed for a ${domestic ? "domestic" : "foreign"} customer.`);
      }
      // An absent Quantity prices the row at 0 (not 1): the stricter reading of an unspecified default.
      const quantity = Number(row.Quantity ?? 0);
      if (decimalsOf(quantity) > quantityDecimals) throw new ApiError(400, CODE.validation, `${field("Quantity")}: At most ${quantityDecimals} decimals are allowed.`);
      const discount = Number(row.DiscountPercentage ?? 0);
      // Reverse-charged construction services carry no VAT on the invoice.
      const vatRate = chargesVat && row.ReversedConstructionServicesVatFree !== true ? Number(coding?.VatRatePercent ?? 0) : 0;
      rows.push({
        ...row,
        LineNumber: lineNumber,
        ArticleNumber: article.Number,
        Text: row.Text ?? article.Name,
        UnitPrice: unitPrice,
        Quantity: quantity,
        DiscountPercentage: discount,
        VatRateId: vatRateId(c.id, vatRate),
        UnitAbbreviation: unit?.Abbreviation ?? null,
        UnitName: unit?.Name ?? null,
      });
      lines.push({ isText: false, quantity, unitPrice, discount, vatRate });
    });
    return { customer, includesVat, rows, lines, totals: priceLines(lines, includesVat) };
  }

  /** A booked customer invoice from a draft or an order; numbers are taken only once everything has passed. */
  private book(c: VismaCompany, doc: Priced, source: Row, invoiceDate: string, origin: Row): Row {
    const { customer, totals } = doc;
    for (const name of ["YourReference", "OurReference"]) {
      const value = source[name];
      // A draft may hold 100 characters, an invoice 50; refusing is the stricter reading of the swagger.
      if (typeof value === "string" && value.length > INVOICE_REFERENCE_MAX) {
        throw new ApiError(400, CODE.validation, `${name}: The field ${name} must be a string with a maximum length of ${INVOICE_REFERENCE_MAX}.`);
      }
    }
    const terms = findIn(c.termsOfPayments, customer.TermsOfPaymentId);
    const currency = source.CurrencyCode ?? source.InvoiceCurrencyCode ?? customer.CurrencyCode ?? c.settings.CurrencyCode;
    const invoiceRows = doc.rows.map((row, i) => ({
      Id: randomUUID(),
      LineNumber: row.LineNumber,
      ArticleId: row.ArticleId ?? null,
      ArticleNumber: row.ArticleNumber ?? null,
      IsTextRow: doc.lines[i].isText,
      Text: row.Text ?? null,
      UnitPrice: doc.lines[i].isText ? 0 : row.UnitPrice,
      DiscountPercentage: doc.lines[i].isText ? 0 : row.DiscountPercentage,
      Quantity: doc.lines[i].isText ? 0 : row.Quantity,
      AmountNoVat: money(totals.lineNetCents[i]),
      PercentVat: doc.lines[i].vatRate,
      IsVatFree: !doc.lines[i].isText && doc.lines[i].vatRate === 0,
      UnitAbbreviation: row.UnitAbbreviation ?? null,
      UnitId: doc.lines[i].isText ? null : (findIn([...c.articles.values()], row.ArticleId)?.UnitId ?? null),
      IsWorkCost: false,
      CostCenterItemId1: row.CostCenterItemId1 ?? null,
      CostCenterItemId2: row.CostCenterItemId2 ?? null,
      CostCenterItemId3: row.CostCenterItemId3 ?? null,
      ProjectId: row.ProjectId ?? null,
    }));
    const now = new Date().toISOString();
    // Every currency is booked at rate 1: the real API takes the day's rate, which a simulator cannot know.
    const invoice: Row = {
      Id: randomUUID(),
      InvoiceNumber: c.nextInvoiceNumber++,
      CustomerId: customer.Id,
      CustomerNumber: customer.CustomerNumber,
      InvoiceCustomerName: customer.Name,
      InvoiceAddress1: source.InvoiceAddress1 ?? customer.InvoiceAddress1 ?? null,
      InvoiceAddress2: source.InvoiceAddress2 ?? customer.InvoiceAddress2 ?? null,
      InvoicePostalCode: customer.InvoicePostalCode,
      InvoiceCity: customer.InvoiceCity,
      InvoiceCountryCode: customer.InvoiceCountryCode ?? null,
      DeliveryCustomerName: source.DeliveryCustomerName ?? null,
      DeliveryAddress1: source.DeliveryAddress1 ?? null,
      DeliveryAddress2: source.DeliveryAddress2 ?? null,
      DeliveryPostalCode: source.DeliveryPostalCode ?? null,
      DeliveryCity: source.DeliveryCity ?? null,
      DeliveryCountryCode: source.DeliveryCountryCode ?? null,
      CustomerEmail: customer.EmailAddress ?? null,
      CustomerIsPrivatePerson: customer.IsPrivatePerson === true,
      EuThirdParty: source.EuThirdParty === true,
      IsCreditInvoice: source.IsCreditInvoice === true,
      RotReducedInvoicingType: source.RotReducedInvoicingType ?? 0,
      CurrencyCode: currency,
      CurrencyRate: 1,
      InvoiceDate: invoiceDate,
      DueDate: dueDate(invoiceDate, terms),
      DeliveryDate: source.DeliveryDate ?? null,
      YourReference: source.YourReference ?? null,
      OurReference: source.OurReference ?? null,
      BuyersOrderReference: source.BuyersOrderReference ?? null,
      TermsOfPaymentId: customer.TermsOfPaymentId,
      IncludesVat: doc.includesVat,
      Rows: invoiceRows,
      VatSpecification: totals.byRate.map((r) => ({ AmountInvoiceCurrency: money(r.netCents), VatAmountInvoiceCurrency: money(r.vatCents), VatPercent: r.vatRate })),
      TotalAmount: money(totals.totalCents),
      TotalVatAmount: money(totals.vatCents),
      TotalRoundings: 0,
      TotalAmountInvoiceCurrency: money(totals.totalCents),
      TotalVatAmountInvoiceCurrency: money(totals.vatCents),
      SetOffAmountInvoiceCurrency: 0,
      RemainingAmount: money(totals.totalCents),
      RemainingAmountInvoiceCurrency: money(totals.totalCents),
      ReverseChargeOnConstructionServices: customer.ReverseChargeOnConstructionServices === true,
      PaymentReferenceNumber: "",
      IsNotDelivered: false,
      HasAutoInvoiceError: false,
      PaymentReminderIssued: false,
      SendType: 0,
      CreatedFromDraftId: null,
      CreatedFromOrderId: null,
      CreatedUtc: now,
      ModifiedUtc: now,
      ...origin,
    };
    c.invoices.set(String(invoice.Id), invoice);
    return invoice;
  }

  private email(c: VismaCompany, id: string, body: unknown): Reply {
    const invoice = found(c.invoices, id, "Customer invoice");
    const input = validated("EmailApi", body);
    // Default recipient: the customer's e-mail address (swagger EmailApi.Email).
    const to = (input.Email as string | null | undefined) || (c.customers.get(String(invoice.CustomerId))?.EmailAddress as string | undefined);
    if (!to) throw new ApiError(400, CODE.validation, "Email: The invoice's customer has no e-mail address; give Email.");
    c.emails.push({
      InvoiceId: invoice.Id,
      Email: to,
      CcRecipients: input.CcRecipients ?? [],
      Subject: input.Subject ?? `Invoice ${String(invoice.InvoiceNumber)} from ${String(c.settings.Name)}`,
      Message: input.Message ?? null,
      SentUtc: new Date().toISOString(),
    });
    // The swagger answers the invoice.
    return ok(invoice);
  }

  /** "As invoices are generated at request time… this endpoint sometimes has higher than average response time." */
  private async pdfUrl(c: VismaCompany, id: string): Promise<Reply> {
    const invoice = found(c.invoices, id, "Customer invoice");
    if (this.pdfDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.pdfDelayMs));
    const token = randomBytes(24).toString("base64url");
    this.files.set(token, { companyId: c.id, invoiceId: String(invoice.Id), expiresAt: Date.now() + FILE_LIFETIME_MS });
    return ok({ Url: `${this.url}/files/${token}.pdf` });
  }

  /** The file behind a PDF Url: no auth, the token is the capability, and it lapses after 10 minutes. */
  private async file(token: string): Promise<Reply> {
    const entry = this.files.get(token);
    const company = entry && entry.expiresAt > Date.now() ? this.companies.get(entry.companyId) : undefined;
    const invoice = company?.invoices.get(entry!.invoiceId);
    if (!company || !invoice) throw new ApiError(404, CODE.notFound, "The file does not exist or its link has expired.");
    return { status: 200, pdf: await invoicePdf(invoice, String(company.settings.Name ?? "")) };
  }

  private async control(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const body = req.method === "POST" ? ((parseJson("application/json", await readBody(req)) ?? {}) as Row) : {};
    switch (`${req.method} ${url.pathname}`) {
      case "POST /_control/reset":
        this.companies.clear();
        this.identity.clear();
        this.faults.clear();
        this.windows.clear();
        this.files.clear();
        this.consentCompanyId = null;
        this.stats.requests = 0;
        this.stats.rejected429 = 0;
        this.stats.byEndpoint.clear();
        return sendJson(res, 200, { ok: true });
      case "POST /_control/faults":
        this.faults.add(body as never);
        return sendJson(res, 201, { ok: true });
      case "POST /_control/companies": {
        const input: Row = { ...body };
        for (const key of ["customers", "articles", "drafts", "invoices", "orders"]) {
          if (Array.isArray(input[key])) input[key] = new Map((input[key] as Row[]).map((r) => [String(r.Id), r]));
          else delete input[key];
        }
        return sendJson(res, 201, serialize(this.addCompany(input as Partial<VismaCompany>)));
      }
      case "POST /_control/clients":
        this.addClient(body as { clientId: string; clientSecret: string; redirectUris: string[] });
        return sendJson(res, 201, { ok: true });
      case "POST /_control/tokens":
        try {
          return sendJson(res, 201, this.issueTokens(body as { clientId: string; companyId: string; scope?: string }));
        } catch (error) {
          return sendJson(res, 400, { error: String(error) });
        }
      case "POST /_control/expire-access-tokens":
        this.expireAccessTokens(String(body.companyId));
        return sendJson(res, 200, { ok: true });
      case "POST /_control/revoke-refresh-tokens":
        this.revokeRefreshTokens(String(body.companyId));
        return sendJson(res, 200, { ok: true });
      case "GET /_control/state": {
        const company = this.companies.get(url.searchParams.get("company") ?? "");
        if (!company) return sendJson(res, 404, { error: "unknown company" });
        const { customers, articles, drafts, invoices, orders, emails } = serialize(company);
        return sendJson(res, 200, {
          customers,
          articles,
          drafts,
          invoices,
          orders,
          emails,
          stats: { ...this.stats, byEndpoint: Object.fromEntries(this.stats.byEndpoint) },
        });
      }
      default:
        return sendJson(res, 404, { error: "no such control route" });
    }
  }
}

function send(res: http.ServerResponse, reply: Reply) {
  if (reply.pdf) {
    res.writeHead(reply.status, { "Content-Type": "application/pdf", "Content-Length": reply.pdf.length, ...reply.headers });
    res.end(Buffer.from(reply.pdf));
  } else if (reply.text !== undefined) {
    res.writeHead(reply.status, { "Content-Type": "text/plain; charset=utf-8", ...reply.headers });
    res.end(reply.text);
  } else if (reply.json !== undefined) {
    sendJson(res, reply.status, reply.json, reply.headers);
  } else {
    res.writeHead(reply.status, reply.headers);
    res.end();
  }
}

/** A status fault without a body answers in the simulated system's own shape. */
function inVismaShape(fault: Fault | undefined, pathname: string): Fault | undefined {
  if (fault?.kind !== "status" || fault.body !== undefined) return fault;
  if (pathname.startsWith("/connect/")) return { ...fault, body: { error: fault.status >= 500 ? "server_error" : "temporarily_unavailable" } };
  return { ...fault, body: errorBody(fault.status === 429 ? CODE.rateLimit : CODE.unhandled, `Simulated ${fault.status}`) };
}

const ok = (json: unknown): Reply => ({ status: 200, json });
// The swagger lists 200 for every operation (it is generated); creating answers 201 Created.
const created = (json: unknown): Reply => ({ status: 201, json });

function parseJson(contentType: string | undefined, text: string): unknown {
  if (!text.trim()) return undefined;
  if (!(contentType ?? "").toLowerCase().includes("json")) {
    throw new ApiError(415, CODE.validation, `The request entity's media type '${contentType ?? ""}' is not supported for this resource.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, CODE.validation, "The request body is not valid JSON.");
  }
}

/** The body, checked against the definition and stripped of what the API ignores on input (readOnly). */
function validated(definition: string, body: unknown): Row {
  const messages = validationMessages(definition, body);
  if (messages.length) throw new ApiError(400, CODE.validation, messages.join(" "));
  return withoutReadOnly(definition, body);
}

const sameId = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
const findIn = (rows: Row[], id: unknown) => rows.find((r) => sameId(r.Id, id));

function found(map: Map<string, Row>, id: string, what: string): Row {
  const row = map.get(id) ?? findIn([...map.values()], id);
  // 404 with ResourceNotFound (3000).
  if (!row) throw new ApiError(404, CODE.notFound, `ResourceNotFound - ${what} '${id}' was not found.`);
  return row;
}

/** A reference in the body to something that does not exist: ResourceNotFound (3000) naming the field, as 400. */
function missingReference(field: string, what: string, id: unknown): ApiError {
  return new ApiError(400, CODE.notFound, `${field}: ${what} '${String(id)}' was not found.`);
}

function pagingNumber(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw new ApiError(400, CODE.validation, `${name} must be a whole number from 1${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}; got '${raw}'.`);
  }
  return value;
}

/** The order with each row's quantity replaced by what was delivered. */
function deliveredOnly(order: Row): Row {
  const rows = (order.Rows as Row[] | null | undefined) ?? [];
  return { ...order, Rows: rows.map((row) => ({ ...row, Quantity: row.IsTextRow === true ? 0 : Number(row.DeliveredQuantity ?? 0) })) };
}

/** The checks a convert call may send (CustomerInvoiceDraftValidationApi), against what the draft will book. */
function validationFindings(checks: Row, doc: Priced): string[] {
  const findings: string[] = [];
  const compare = (name: string, cents: number, given: unknown) => {
    if (typeof given === "number" && Math.round(given * 100) !== cents) findings.push(`${name} is ${money(cents).toFixed(2)}, not ${given}.`);
  };
  compare("TotalAmountInvoiceCurrency", doc.totals.totalCents, checks.TotalAmountInvoiceCurrency);
  compare("TotalVatAmountInvoiceCurrency", doc.totals.vatCents, checks.TotalVatAmountInvoiceCurrency);
  compare("TotalRoundingsInvoiceCurrency", 0, checks.TotalRoundingsInvoiceCurrency);
  for (const check of (checks.Rows as Row[] | null | undefined) ?? []) {
    const i = doc.rows.findIndex((r) => r.LineNumber === check.LineNumber);
    if (i < 0) {
      findings.push(`Row with LineNumber ${String(check.LineNumber)} does not exist.`);
      continue;
    }
    const net = doc.totals.lineNetCents[i];
    const rate = scaled(doc.lines[i].vatRate, 4);
    const gross = doc.includesVat ? doc.totals.lineCents[i] : net + Number(roundDiv(BigInt(net) * rate, 10_000n));
    compare(`Rows[LineNumber ${String(check.LineNumber)}].TotalAmountNoVatInvoiceCurrency`, net, check.TotalAmountNoVatInvoiceCurrency);
    compare(`Rows[LineNumber ${String(check.LineNumber)}].TotalAmountIncVatInvoiceCurrency`, gross, check.TotalAmountIncVatInvoiceCurrency);
  }
  return findings;
}

const today = () => `${new Date().toISOString().slice(0, 10)}T00:00:00`;
const dateOnly = (value: unknown) => `${String(value).slice(0, 10)}T00:00:00`;

/** Terms of payment type 1 (CurrentMonth) count from the end of the invoice's month; the others from its date. */
function dueDate(invoiceDate: string, terms: Row | undefined): string {
  const date = new Date(`${invoiceDate.slice(0, 10)}T00:00:00Z`);
  if (terms?.TermsOfPaymentTypeId === 1) date.setUTCMonth(date.getUTCMonth() + 1, 0);
  date.setUTCDate(date.getUTCDate() + Number(terms?.NumberOfDays ?? 0));
  return `${date.toISOString().slice(0, 10)}T00:00:00`;
}

function activatedModules(c: VismaCompany): string[] {
  const listed = Array.isArray(c.settings.ActivatedModules) ? (c.settings.ActivatedModules as string[]) : [];
  return [...listed.filter((m) => m !== "order_standard"), ...(c.orderModule ? ["order_standard"] : [])];
}

function companySettings(c: VismaCompany): Row {
  return { ...c.settings, ActivatedModules: activatedModules(c), NextCustomerNumber: c.nextCustomerNumber, NextCustomerInvoiceNumber: c.nextInvoiceNumber };
}

function serialize(c: VismaCompany) {
  return {
    ...c,
    customers: [...c.customers.values()],
    articles: [...c.articles.values()],
    drafts: [...c.drafts.values()],
    invoices: [...c.invoices.values()],
    orders: [...c.orders.values()],
  };
}

/** A name-based uuid (SHA-1, version 5 layout), so that a company's seeded ids are the same on every run. */
export function stableUuid(seed: string): string {
  const h = createHash("sha1").update(seed).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The VAT rate's id, as rows name it (VatRateId, "Source: Get from /v2/articleaccountcodings"). */
const vatRateId = (companyId: string, rate: number) => stableUuid(`${companyId}:vat-rate:${rate}`);

function seedTerms(companyId: string): Row[] {
  return [
    [30, "30 dagar", "30 days"],
    [14, "14 dagar", "14 days"],
    [10, "10 dagar", "10 days"],
  ].map(([days, name, english]) => ({
    Id: stableUuid(`${companyId}:terms:${days}`),
    Name: name,
    NameEnglish: english,
    NumberOfDays: days,
    TermsOfPaymentTypeId: 0,
    TermsOfPaymentTypeText: "Normal",
    AvailableForSales: true,
    AvailableForPurchase: true,
  }));
}

/**
 * Swedish sales codings, one per VAT rate. VatRatePercent is a fraction (0.25), like every other percentage in
 * the API (DiscountPercentage is 0–1); the swagger types it a double without saying more.
 */
function seedCodings(companyId: string): Row[] {
  return [
    [0.25, "Försäljning varor 25% moms", "Sales goods 25% VAT", "Goods", 3001],
    [0.12, "Försäljning livsmedel 12% moms", "Sales food 12% VAT", "Goods", 3002],
    [0.06, "Försäljning böcker 6% moms", "Sales books 6% VAT", "Goods", 3003],
    [0, "Försäljning momsfri", "Sales VAT exempt", "Service", 3004],
  ].map(([rate, name, english, type, account]) => ({
    Id: stableUuid(`${companyId}:coding:${rate}`),
    Name: name,
    NameEnglish: english,
    Type: type,
    VatRate: vatRateId(companyId, rate as number),
    VatRatePercent: rate,
    IsActive: true,
    DomesticSalesSubjectToVatAccountNumber: rate ? account : null,
    DomesticSalesVatExemptAccountNumber: rate ? null : account,
    ForeignSalesVatExemptOutsideEuAccountNumber: 3105,
    ForeignSalesSubjectToVatWithinEuAccountNumber: 3108,
    ChangedUtc: "2024-01-01T00:00:00Z",
  }));
}

function seedUnits(companyId: string): Row[] {
  return [
    { Id: stableUuid(`${companyId}:unit:st`), Name: "Styck", Code: "st", Abbreviation: "st" },
    { Id: stableUuid(`${companyId}:unit:h`), Name: "Timme", Code: "h", Abbreviation: "h" },
  ];
}
