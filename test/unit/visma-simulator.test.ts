import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VismaSimulator, type VismaCompany } from "../simulators/visma/server";

const CLIENT = { clientId: "invoice-bridge", clientSecret: "s3cret:with+chars", redirectUris: ["https://app.example/auth/visma/callback"] };
const REDIRECT = CLIENT.redirectUris[0];

type Answer = { status: number; headers: Headers; body: unknown };
type Json = Record<string, unknown>;
type List = { Meta: Json; Data: Json[] };

let sim: VismaSimulator;
let company: VismaCompany;
let token: string;

async function call(method: string, path: string, options: { token?: string | null; body?: unknown; base?: string } = {}): Promise<Answer> {
  const bearer = options.token === undefined ? token : options.token;
  const response = await fetch(`${options.base ?? sim.url}${path}`, {
    method,
    headers: { ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}), ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const type = response.headers.get("content-type") ?? "";
  const body = type.includes("json") ? await response.json() : type.includes("pdf") ? new Uint8Array(await response.arrayBuffer()) : await response.text();
  return { status: response.status, headers: response.headers, body };
}

const basic = (id = CLIENT.clientId, secret = CLIENT.clientSecret) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

async function tokenRequest(form: Record<string, string>, authorization = basic()) {
  const response = await fetch(`${sim.url}/connect/token`, {
    method: "POST",
    headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function authorize(params: Record<string, string>) {
  const query = new URLSearchParams({ client_id: CLIENT.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "ea:api offline_access ea:sales", state: "xyz", ...params });
  return fetch(`${sim.url}/connect/authorize?${query}`, { redirect: "manual" });
}

const terms30 = () => company.termsOfPayments.find((t) => t.NumberOfDays === 30)!.Id as string;
const coding = (rate: number) => company.articleAccountCodings.find((c) => c.VatRatePercent === rate)!.Id as string;
const pcs = () => company.units.find((u) => u.Abbreviation === "st")!.Id as string;

const customer = (overrides: Json = {}) => ({
  Name: "Nordic Cafés AB",
  InvoiceCity: "Göteborg",
  InvoicePostalCode: "411 01",
  TermsOfPaymentId: terms30(),
  IsPrivatePerson: false,
  IsActive: true,
  EmailAddress: "purchasing@nordic-cafes.example",
  ...overrides,
});
const article = (overrides: Json = {}) => ({ IsActive: true, Number: "MUG", Name: "Mug", CodingId: coding(0.25), UnitId: pcs(), NetPrice: 99.95, ...overrides });
const row = (articleId: string, overrides: Json = {}) => ({ ArticleId: articleId, IsTextRow: false, ReversedConstructionServicesVatFree: false, Quantity: 1, ...overrides });
const draft = (customerId: string, rows: Json[], overrides: Json = {}) => ({ CustomerId: customerId, RotReducedInvoicingType: 0, EuThirdParty: false, Rows: rows, ...overrides });

async function created(path: string, body: Json): Promise<Json> {
  const answer = await call("POST", path, { body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as Json;
}

/** A company customer and two articles at 25 % and 12 %. */
async function shop(customerOverrides: Json = {}) {
  const buyer = await created("/v2/customers", customer(customerOverrides));
  const mug = await created("/v2/articles", article());
  const coffee = await created("/v2/articles", article({ Number: "COFFEE", Name: "Kaffe 500 g", CodingId: coding(0.12), NetPrice: 45.5 }));
  return { buyer, mug, coffee };
}

describe("Visma eAccounting simulator", () => {
  beforeAll(async () => {
    sim = new VismaSimulator();
    await sim.start();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    expect((await fetch(`${sim.url}/_control/reset`, { method: "POST" })).status).toBe(200);
    sim.addClient(CLIENT);
    company = sim.addCompany();
    token = sim.issueTokens({ clientId: CLIENT.clientId, companyId: company.id }).access_token;
  });

  describe("OAuth", () => {
    it("GIVEN a registered client WHEN the app authorizes, redeems the code and calls the API THEN it reads the consenting company", async () => {
      const redirect = await authorize({});
      expect(redirect.status).toBe(302);
      const location = new URL(redirect.headers.get("location")!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get("state")).toBe("xyz");
      const code = location.searchParams.get("code")!;

      const tokens = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT });
      expect(tokens.status).toBe(200);
      expect(tokens.body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "ea:api offline_access ea:sales", access_token: expect.any(String), refresh_token: expect.any(String) });

      const settings = await call("GET", "/v2/companysettings", { token: tokens.body.access_token as string });
      expect(settings.status).toBe(200);
      expect(settings.body).toMatchObject({ Name: company.settings.Name, CountryCode: "SE", CurrencyCode: "SEK", ActivatedModules: expect.arrayContaining(["order_standard"]) });

      const replay = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT });
      expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      // A replayed code revokes what it issued.
      expect((await call("GET", "/v2/companysettings", { token: tokens.body.access_token as string })).status).toBe(401);
    });

    it("GIVEN a redirect URI that is not registered WHEN authorizing THEN it answers 400 without redirecting", async () => {
      const refused = await authorize({ redirect_uri: "https://evil.example/cb" });
      expect(refused.status).toBe(400);
      expect(refused.headers.get("location")).toBeNull();
      expect(await refused.text()).toContain("redirect_uri");
    });

    it("GIVEN a code WHEN redeemed with another redirect_uri, a wrong secret or an odd grant THEN it answers RFC 6749 errors", async () => {
      const code = new URL((await authorize({})).headers.get("location")!).searchParams.get("code")!;
      expect(await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }, basic(CLIENT.clientId, "wrong"))).toMatchObject({
        status: 401,
        body: { error: "invalid_client" },
      });
      expect(await tokenRequest({ grant_type: "password", username: "a", password: "b" })).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
      expect(await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: "https://app.example/other" })).toMatchObject({
        status: 400,
        body: { error: "invalid_grant" },
      });
    });

    it("GIVEN a refresh token WHEN it is used THEN new tokens come back and the old refresh token is spent", async () => {
      const first = sim.issueTokens({ clientId: CLIENT.clientId, companyId: company.id });
      const refreshed = await tokenRequest({ grant_type: "refresh_token", refresh_token: first.refresh_token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
      expect((await call("GET", "/v2/customers", { token: refreshed.body.access_token as string })).status).toBe(200);

      expect(await tokenRequest({ grant_type: "refresh_token", refresh_token: first.refresh_token })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

      sim.revokeRefreshTokens(company.id);
      expect(await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshed.body.refresh_token as string })).toMatchObject({
        status: 400,
        body: { error: "invalid_grant" },
      });
    });

    it("GIVEN an expired or missing access token WHEN calling the API THEN it answers 401 in Visma's shape", async () => {
      sim.expireAccessTokens(company.id);
      const expired = await call("GET", "/v2/customers");
      expect(expired.status).toBe(401);
      expect(expired.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      expect(expired.body).toEqual({ ErrorCode: 4005, DeveloperErrorMessage: expect.stringContaining("Authorization has been denied"), ErrorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const missing = await call("GET", "/v2/customers", { token: null });
      expect(missing.status).toBe(401);
      expect((missing.body as Json).ErrorCode).toBe(4005);
    });

    it("GIVEN a token without ea:sales WHEN calling sales endpoints THEN it answers 403, and read-only may read but not write", async () => {
      const apiOnly = sim.issueTokens({ clientId: CLIENT.clientId, companyId: company.id, scope: "ea:api offline_access" }).access_token;
      const refused = await call("GET", "/v2/customers", { token: apiOnly });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ ErrorCode: 4006, DeveloperErrorMessage: expect.stringContaining("ea:sales") });

      const readOnly = sim.issueTokens({ clientId: CLIENT.clientId, companyId: company.id, scope: "ea:api ea:sales_readonly" }).access_token;
      expect((await call("GET", "/v2/customers", { token: readOnly })).status).toBe(200);
      expect((await call("POST", "/v2/customers", { token: readOnly, body: customer() })).status).toBe(403);
    });
  });

  describe("customers and articles", () => {
    it("GIVEN a customer without its required fields WHEN created THEN 400 with ErrorCode 2000 names each field", async () => {
      const refused = await call("POST", "/v2/customers", { body: { Name: "No City AB", EmailAddress: "a@b.example" } });
      expect(refused.status).toBe(400);
      const body = refused.body as Json;
      expect(body.ErrorCode).toBe(2000);
      for (const field of ["InvoiceCity", "InvoicePostalCode", "TermsOfPaymentId", "IsPrivatePerson", "IsActive"]) expect(body.DeveloperErrorMessage).toContain(field);
      expect(body.DeveloperErrorMessage).not.toContain("Name:");

      const tooLong = await call("POST", "/v2/customers", { body: customer({ InvoicePostalCode: "12345678901", TermsOfPaymentId: "not-a-guid" }) });
      expect(tooLong.status).toBe(400);
      expect((tooLong.body as Json).DeveloperErrorMessage).toContain("InvoicePostalCode: The field InvoicePostalCode must be a string with a maximum length of 10.");
      expect((tooLong.body as Json).DeveloperErrorMessage).toContain("TermsOfPaymentId");
      expect(sim.companies.get(company.id)!.customers.size).toBe(0);
    });

    it("GIVEN valid customers WHEN created THEN they get ids and sequential numbers, readOnly input is ignored, and a duplicate number conflicts", async () => {
      const first = await created("/v2/customers", customer({ Id: "ignored", ChangedUtc: "ignored" }));
      expect(first).toMatchObject({ CustomerNumber: "1", CurrencyCode: "SEK", TermsOfPayment: { NumberOfDays: 30 } });
      expect(first.Id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await call("GET", `/v2/customers/${first.Id as string}`)).body).toMatchObject({ Name: "Nordic Cafés AB" });
      expect((await created("/v2/customers", customer({ Name: "Second AB" }))).CustomerNumber).toBe("2");

      const duplicate = await call("POST", "/v2/customers", { body: customer({ CustomerNumber: "1" }) });
      expect(duplicate.status).toBe(409);
      expect((duplicate.body as Json).ErrorCode).toBe(4000);

      const unknownTerms = await call("POST", "/v2/customers", { body: customer({ TermsOfPaymentId: "00000000-0000-4000-8000-000000000000" }) });
      expect(unknownTerms.status).toBe(400);
      expect(unknownTerms.body).toMatchObject({ ErrorCode: 3000, DeveloperErrorMessage: expect.stringContaining("TermsOfPaymentId") });
      expect((await call("GET", "/v2/customers/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    });

    it("GIVEN articles WHEN created THEN the coding and unit must exist, numbers are unique and the gross price follows the VAT rate", async () => {
      const mug = await created("/v2/articles", article());
      expect(mug).toMatchObject({ NetPrice: 99.95, GrossPrice: 124.94, UnitAbbreviation: "st", CodingName: "Försäljning varor 25% moms" });
      const duplicate = await call("POST", "/v2/articles", { body: article({ Number: "mug" }) });
      expect(duplicate).toMatchObject({ status: 409, body: { ErrorCode: 4000 } });
      const badCoding = await call("POST", "/v2/articles", { body: article({ Number: "X", CodingId: "00000000-0000-4000-8000-000000000000" }) });
      expect(badCoding).toMatchObject({ status: 400, body: { ErrorCode: 3000, DeveloperErrorMessage: expect.stringContaining("CodingId") } });
      const longNumber = await call("POST", "/v2/articles", { body: article({ Number: "N".repeat(41) }) });
      expect(longNumber).toMatchObject({ status: 400, body: { ErrorCode: 2000, DeveloperErrorMessage: expect.stringContaining("Number") } });
    });
  });

  describe("lists", () => {
    it("GIVEN customers WHEN filtered by EmailAddress eq THEN the match ignores case and '' escapes a quote", async () => {
      await created("/v2/customers", customer({ Name: "Anna", EmailAddress: "Anna@Example.com" }));
      await created("/v2/customers", customer({ Name: "O'Brien", EmailAddress: "o'brien@example.com" }));
      await created("/v2/customers", customer({ Name: "Other", EmailAddress: "other@example.com", IsPrivatePerson: true }));
      const names = async (filter: string) => {
        const answer = await call("GET", `/v2/customers?$filter=${encodeURIComponent(filter)}`);
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        return (answer.body as List).Data.map((c) => c.Name);
      };
      expect(await names("EmailAddress eq 'ANNA@example.COM'")).toEqual(["Anna"]);
      expect(await names("EmailAddress eq 'O''Brien@Example.com'")).toEqual(["O'Brien"]);
      expect(await names("startswith(Name,'o') and not IsPrivatePerson")).toEqual(["O'Brien"]);
      expect(await names("(contains(EmailAddress,'example') and IsPrivatePerson eq true) or CustomerNumber eq '1'")).toEqual(["Anna", "Other"]);
    });

    it("GIVEN a filter on a property the resource lacks, bad syntax or mismatched types WHEN listing THEN it answers 400 with ErrorCode 2000", async () => {
      for (const filter of ["Email eq 'a@b.c'", "EmailAddress eq 'unterminated", "EmailAddress eq", "CustomerNumber eq 1", "email eq 'x'"]) {
        const answer = await call("GET", `/v2/customers?$filter=${encodeURIComponent(filter)}`);
        expect(answer.status, filter).toBe(400);
        expect((answer.body as Json).ErrorCode, filter).toBe(2000);
      }
      expect(((await call("GET", `/v2/customers?$filter=${encodeURIComponent("Email eq 'x'")}`)).body as Json).DeveloperErrorMessage).toContain(
        "Could not find a property named 'Email'",
      );
    });

    it("GIVEN seven customers WHEN paging THEN Meta counts pages and results, and a page size over 1000 is refused", async () => {
      for (let i = 1; i <= 7; i++) await created("/v2/customers", customer({ Name: `Customer ${i}` }));
      const third = await call("GET", "/v2/customers?$page=3&$pagesize=3");
      expect((third.body as List).Meta).toMatchObject({ CurrentPage: 3, PageSize: 3, TotalNumberOfPages: 3, TotalNumberOfResults: 7, ServerTimeUtc: expect.any(String) });
      expect((third.body as List).Data.map((c) => c.Name)).toEqual(["Customer 7"]);
      expect(((await call("GET", "/v2/customers")).body as List).Meta).toMatchObject({ CurrentPage: 1, PageSize: 50, TotalNumberOfPages: 1 });
      const sorted = await call("GET", `/v2/customers?$orderby=${encodeURIComponent("Name desc")}&$pagesize=2`);
      expect((sorted.body as List).Data.map((c) => c.Name)).toEqual(["Customer 7", "Customer 6"]);
      expect((await call("GET", "/v2/customers?$pagesize=1001")).status).toBe(400);
      expect((await call("GET", "/v2/customers?$page=0")).status).toBe(400);
      expect((await call("GET", "/v2/customers?$top=2")).status).toBe(400);
    });

    it("GIVEN the seeded registers WHEN listed THEN terms, VAT codings and units are there", async () => {
      const terms = (await call("GET", "/v2/termsofpayments")).body as List;
      expect(terms.Data.map((t) => t.NumberOfDays)).toEqual(expect.arrayContaining([30, 14]));
      const codings = (await call("GET", "/v2/articleaccountcodings?$filter=VatRatePercent gt 0.1")).body as List;
      expect(codings.Data.map((c) => c.VatRatePercent).sort()).toEqual([0.12, 0.25]);
      const units = (await call("GET", "/v2/units")).body as List;
      expect(units.Data.map((u) => u.Abbreviation)).toEqual(["st", "h"]);
    });
  });

  describe("drafts and invoices", () => {
    it("GIVEN a company customer and two VAT rates WHEN a draft is made THEN prices are net and VAT is rounded once per rate", async () => {
      const { buyer, mug, coffee } = await shop();
      const made = await created(
        "/v2/customerinvoicedrafts",
        draft(buyer.Id as string, [row(mug.Id as string, { Quantity: 3 }), row(coffee.Id as string, { Quantity: 2, DiscountPercentage: 0.1 }), { IsTextRow: true, ReversedConstructionServicesVatFree: false, Text: "Thanks!" }], {
          YourReference: "ib:shop.myshopify.com:1001",
          TotalAmount: 1,
        }),
      );
      // 3 × 99.95 = 299.85 at 25 % → 74.9625 → 74.96; 2 × 45.50 × 0.9 = 81.90 at 12 % → 9.828 → 9.83.
      expect(made).toMatchObject({
        IncludesVat: false,
        CustomerIsPrivatePerson: false,
        CustomerNumber: "1",
        InvoiceCustomerName: "Nordic Cafés AB",
        InvoiceCurrencyCode: "SEK",
        TotalVatAmount: 84.79,
        TotalAmount: 466.54,
        TotalRoundings: 0,
        TotalAmountBaseCurrency: 466.54,
        TotalVatAmountBaseCurrency: 84.79,
        YourReference: "ib:shop.myshopify.com:1001",
      });
      const rows = made.Rows as Json[];
      expect(rows.map((r) => r.ArticleNumber)).toEqual(["MUG", "COFFEE", undefined]);
      expect(rows[0].VatRateId).toBe(company.articleAccountCodings.find((c) => c.VatRatePercent === 0.25)!.VatRate);
      expect(rows[0].Text).toBe("Mug");
    });

    it("GIVEN a private person WHEN a draft is made THEN prices include VAT and the VAT of each rate is extracted from its gross sum", async () => {
      const { buyer, mug, coffee } = await shop({ IsPrivatePerson: true });
      const made = await created(
        "/v2/customerinvoicedrafts",
        draft(buyer.Id as string, [row(mug.Id as string, { Quantity: 3, UnitPrice: 124.95 }), row(coffee.Id as string, { UnitPrice: 56 })]),
      );
      // 374.85 × 0.25 / 1.25 = 74.97; 56.00 × 0.12 / 1.12 = 6.00.
      expect(made).toMatchObject({ IncludesVat: true, CustomerIsPrivatePerson: true, TotalAmount: 430.85, TotalVatAmount: 80.97 });
    });

    it("GIVEN a company abroad WHEN a draft is made THEN no VAT is charged and prices may have 4 decimals, which a domestic customer may not", async () => {
      const { buyer, mug } = await shop({ InvoiceCountryCode: "DE", CurrencyCode: "EUR" });
      const foreign = await created("/v2/customerinvoicedrafts", draft(buyer.Id as string, [row(mug.Id as string, { Quantity: 2, UnitPrice: 10.1234 })]));
      expect(foreign).toMatchObject({ TotalAmount: 20.25, TotalVatAmount: 0, InvoiceCurrencyCode: "EUR" });

      const domestic = await created("/v2/customers", customer({ Name: "Hemma AB" }));
      const refused = await call("POST", "/v2/customerinvoicedrafts", { body: draft(domestic.Id as string, [row(mug.Id as string, { UnitPrice: 10.123 })]) });
      expect(refused).toMatchObject({ status: 400, body: { ErrorCode: 2000, DeveloperErrorMessage: expect.stringContaining("Rows[0].UnitPrice") } });
      const quantity = await call("POST", "/v2/customerinvoicedrafts", { body: draft(domestic.Id as string, [row(mug.Id as string, { Quantity: 1.234 })]) });
      expect(quantity).toMatchObject({ status: 400, body: { ErrorCode: 2000, DeveloperErrorMessage: expect.stringContaining("Rows[0].Quantity") } });
      const noArticle = await call("POST", "/v2/customerinvoicedrafts", { body: draft(domestic.Id as string, [{ IsTextRow: false, ReversedConstructionServicesVatFree: false }]) });
      expect(noArticle).toMatchObject({ status: 400, body: { ErrorCode: 2000, DeveloperErrorMessage: expect.stringContaining("Rows[0].ArticleId") } });
      const missing = await call("POST", "/v2/customerinvoicedrafts", { body: { CustomerId: domestic.Id, Rows: [{ ArticleId: mug.Id }] } });
      expect(missing.status).toBe(400);
      for (const field of ["RotReducedInvoicingType", "EuThirdParty", "Rows[0].IsTextRow", "Rows[0].ReversedConstructionServicesVatFree"]) {
        expect((missing.body as Json).DeveloperErrorMessage).toContain(field);
      }
    });

    it("GIVEN two drafts WHEN converted THEN invoices 1001 and 1002 are booked, due after the customer's terms, and the drafts are gone", async () => {
      const { buyer, mug } = await shop();
      const one = await created("/v2/customerinvoicedrafts", draft(buyer.Id as string, [row(mug.Id as string)], { YourReference: "order-1", InvoiceDate: "2020-01-15" }));
      const two = await created("/v2/customerinvoicedrafts", draft(buyer.Id as string, [row(mug.Id as string, { Quantity: 2 })], { YourReference: "order-2" }));

      const first = await call("POST", `/v2/customerinvoicedrafts/${one.Id as string}/convert`, { body: { TotalAmountInvoiceCurrency: 124.94 } });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      expect(first.body).toMatchObject({
        InvoiceNumber: 1001,
        CreatedFromDraftId: one.Id,
        CustomerId: buyer.Id,
        YourReference: "order-1",
        CurrencyCode: "SEK",
        InvoiceDate: `${today}T00:00:00`,
        TotalAmount: 124.94,
        TotalVatAmount: 24.99,
        TotalAmountInvoiceCurrency: 124.94,
        TotalVatAmountInvoiceCurrency: 24.99,
        RemainingAmount: 124.94,
        VatSpecification: [{ AmountInvoiceCurrency: 99.95, VatAmountInvoiceCurrency: 24.99, VatPercent: 0.25 }],
      });
      const due = new Date(`${today}T00:00:00Z`);
      due.setUTCDate(due.getUTCDate() + 30);
      expect((first.body as Json).DueDate).toBe(`${due.toISOString().slice(0, 10)}T00:00:00`);

      const wrongCheck = await call("POST", `/v2/customerinvoicedrafts/${two.Id as string}/convert`, { body: { TotalVatAmountInvoiceCurrency: 1 } });
      expect(wrongCheck).toMatchObject({ status: 400, body: { ErrorCode: 2000, DeveloperErrorMessage: expect.stringContaining("TotalVatAmountInvoiceCurrency") } });
      const second = await call("POST", `/v2/customerinvoicedrafts/${two.Id as string}/convert?keepOriginalDraftDate=true&overrideCompanyKeepOriginalDraftDate=true`, {
        body: {},
      });
      expect(second.body).toMatchObject({ InvoiceNumber: 1002, TotalAmount: 249.88 });

      expect((await call("GET", `/v2/customerinvoicedrafts/${one.Id as string}`)).status).toBe(404);
      const again = await call("POST", `/v2/customerinvoicedrafts/${one.Id as string}/convert`, { body: {} });
      expect(again).toMatchObject({ status: 404, body: { ErrorCode: 3000 } });
      expect(sim.companies.get(company.id)!.drafts.size).toBe(0);
      expect(sim.companies.get(company.id)!.nextInvoiceNumber).toBe(1003);
    });

    it("GIVEN drafts and invoices with references WHEN filtered by YourReference THEN each list finds its own", async () => {
      const { buyer, mug } = await shop();
      const kept = await created("/v2/customerinvoicedrafts", draft(buyer.Id as string, [row(mug.Id as string)], { YourReference: "ib:shop:1002" }));
      const booked = await created("/v2/customerinvoicedrafts", draft(buyer.Id as string, [row(mug.Id as string)], { YourReference: "ib:shop:1001" }));
      await call("POST", `/v2/customerinvoicedrafts/${booked.Id as string}/convert`, { body: {} });
      const filter = (reference: string) => `$filter=${encodeURIComponent(`YourReference eq '${reference}'`)}`;
      expect(((await call("GET", `/v2/customerinvoicedrafts?${filter("IB:SHOP:1002")}`)).body as List).Data.map((d) => d.Id)).toEqual([kept.Id]);
      expect(((await call("GET", `/v2/customerinvoicedrafts?${filter("ib:shop:1001")}`)).body as List).Data).toEqual([]);
      const invoices = (await call("GET", `/v2/customerinvoices?${filter("ib:shop:1001")}`)).body as List;
      expect(invoices.Data.map((i) => i.InvoiceNumber)).toEqual([1001]);
      const byNumber = (await call("GET", `/v2/customerinvoices?$filter=${encodeURIComponent("InvoiceNumber ge 1001 and CreatedFromDraftId eq " + String(booked.Id))}`)).body as List;
      expect(byNumber.Data).toHaveLength(1);
    });

    it("GIVEN a booked invoice WHEN its PDF is asked for THEN a Url serves a real PDF without auth, and e-mailing records the message", async () => {
      const { buyer, mug } = await shop();
      const made = await created("/v2/customerinvoicedrafts", draft(buyer.Id as string, [row(mug.Id as string, { Quantity: 3 })]));
      const invoice = (await call("POST", `/v2/customerinvoicedrafts/${made.Id as string}/convert`, { body: {} })).body as Json;

      const link = await call("GET", `/v2/customerinvoices/${invoice.Id as string}/pdf`);
      expect(link.status).toBe(200);
      const pdfUrl = (link.body as Json).Url as string;
      expect(pdfUrl).toMatch(new RegExp(`^${sim.url}/files/[A-Za-z0-9_-]+\\.pdf$`));
      const file = await fetch(pdfUrl);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toBe("application/pdf");
      const bytes = new Uint8Array(await file.arrayBuffer());
      expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe("%PDF-");
      const pdf = await PDFDocument.load(bytes);
      expect(pdf.getTitle()).toBe("Invoice 1001");
      expect(pdf.getSubject()).toBe("Nordic Cafés AB");
      expect(pdf.getPageCount()).toBe(1);
      expect((await fetch(`${sim.url}/files/not-a-token.pdf`)).status).toBe(404);

      const mail = await call("POST", `/v2/customerinvoices/${invoice.Id as string}/email`, { body: { Subject: "Your invoice", CcRecipients: ["cc@example.com"] } });
      expect(mail.status).toBe(200);
      expect(sim.companies.get(company.id)!.emails).toEqual([
        expect.objectContaining({ InvoiceId: invoice.Id, Email: "purchasing@nordic-cafes.example", Subject: "Your invoice", CcRecipients: ["cc@example.com"] }),
      ]);
    });
  });

  describe("orders", () => {
    const order = (customerId: string, rows: Json[], overrides: Json = {}) => ({
      CustomerId: customerId,
      CurrencyCode: "SEK",
      EuThirdParty: false,
      OrderDate: "2026-11-21",
      Status: 1,
      RotReducedInvoicingType: 0,
      ReverseChargeOnConstructionServices: false,
      Rows: rows,
      ...overrides,
    });
    const orderRow = (articleId: string, overrides: Json = {}) => ({ LineNumber: 1, ArticleId: articleId, IsTextRow: false, IsWorkCost: false, EligibleForReverseChargeOnVat: false, Quantity: 2, ...overrides });

    it("GIVEN an order WHEN its deliveries are recorded and it is converted THEN it books the next invoice for what was delivered, once", async () => {
      const { buyer, mug, coffee } = await shop();
      const made = await created(
        "/v2/orders",
        order(buyer.Id as string, [orderRow(mug.Id as string, { DeliveredQuantity: 0 }), orderRow(coffee.Id as string, { LineNumber: 2, Quantity: 1.5 })], { YourReference: "shop-order-7", Amount: 1 }),
      );
      // 199.90 at 25 % → 49.98 (49.975); 68.25 at 12 % → 8.19.
      expect(made).toMatchObject({ Number: 1, Amount: 326.32, VatAmount: 58.17, DeliveredAmount: 0, Status: 1 });
      const undelivered = await call("POST", `/v2/orders/${made.Id as string}/convert`);
      expect(undelivered).toMatchObject({ status: 400, body: { ErrorCode: 2000, DeveloperErrorMessage: expect.stringContaining("DeliveredQuantity") } });

      const { Id: _id, ...rest } = made;
      const overDelivered = await call("PUT", `/v2/orders/${made.Id as string}`, { body: { ...rest, Rows: (made.Rows as Json[]).map((r) => ({ ...r, DeliveredQuantity: 3 })) } });
      expect(overDelivered).toMatchObject({ status: 400, body: { ErrorCode: 2000 } });
      const delivered = await call("PUT", `/v2/orders/${made.Id as string}`, { body: { ...rest, Status: 3, Rows: (made.Rows as Json[]).map((r, i) => ({ ...r, DeliveredQuantity: i === 0 ? 1 : r.Quantity })) } });
      expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
      // Delivered: 1 × 99.95 (VAT 24.99) and 1.5 × 45.50 = 68.25 (VAT 8.19).
      expect(delivered.body).toMatchObject({ Number: 1, Status: 3, Amount: 326.32, DeliveredAmount: 201.38, DeliveredVatAmount: 33.18 });

      const invoice = await call("POST", `/v2/orders/${made.Id as string}/convert`);
      expect(invoice.status, JSON.stringify(invoice.body)).toBe(200);
      expect(invoice.body).toMatchObject({ InvoiceNumber: 1001, CreatedFromOrderId: made.Id, YourReference: "shop-order-7", TotalAmount: 201.38, TotalVatAmount: 33.18 });
      expect(((invoice.body as Json).Rows as Json[]).map((r) => r.Quantity)).toEqual([1, 1.5]);
      expect((await call("GET", `/v2/orders/${made.Id as string}`)).body).toMatchObject({ Status: 4 });
      const twice = await call("POST", `/v2/orders/${made.Id as string}/convert`);
      expect(twice).toMatchObject({ status: 400, body: { ErrorCode: 2000, DeveloperErrorMessage: expect.stringContaining("already invoiced") } });
      expect((await call("PUT", `/v2/orders/${made.Id as string}`, { body: rest })).status).toBe(400);
      const missing = await call("POST", "/v2/orders", { body: order(buyer.Id as string, [{ ArticleId: mug.Id }], { Status: undefined }) });
      expect(missing.status).toBe(400);
      expect((missing.body as Json).DeveloperErrorMessage).toContain("Status");
      expect((missing.body as Json).DeveloperErrorMessage).toContain("Rows[0].LineNumber");
    });

    it("GIVEN a company on the Solo plan WHEN orders are used THEN they answer 403 for the missing module", async () => {
      const solo = sim.addCompany({ orderModule: false });
      const soloToken = sim.issueTokens({ clientId: CLIENT.clientId, companyId: solo.id }).access_token;
      for (const [method, path] of [
        ["GET", "/v2/orders"],
        ["POST", "/v2/orders"],
      ]) {
        const refused = await call(method, path, { token: soloToken, body: method === "POST" ? {} : undefined });
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({ ErrorCode: 4002, DeveloperErrorMessage: "ForbiddenRequestException - No access to module: order_standard" });
      }
      expect(((await call("GET", "/v2/companysettings", { token: soloToken })).body as Json).ActivatedModules).not.toContain("order_standard");
    });
  });

  describe("control API", () => {
    it("GIVEN a reset simulator WHEN a client, a company and tokens are made over HTTP THEN the tokens reach that company's seeded registers", async () => {
      await fetch(`${sim.url}/_control/reset`, { method: "POST" });
      const post = async (path: string, body: Json) => {
        const response = await fetch(`${sim.url}/_control/${path}`, { method: "POST", body: JSON.stringify(body) });
        return { status: response.status, body: (await response.json()) as Json };
      };
      expect((await post("clients", CLIENT)).status).toBe(201);
      const made = await post("companies", { settings: { Name: "Demo AB" }, orderModule: false });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ orderModule: false, nextInvoiceNumber: 1001, customers: [], settings: { Name: "Demo AB", CountryCode: "SE" } });
      const terms = (made.body.termsOfPayments as Json[]).map((t) => t.Id);
      const tokens = await post("tokens", { clientId: CLIENT.clientId, companyId: made.body.id });
      expect(tokens.status).toBe(201);
      const listed = await call("GET", "/v2/termsofpayments", { token: tokens.body.access_token as string });
      expect((listed.body as List).Data.map((t) => t.Id)).toEqual(terms);
      expect((await post("tokens", { clientId: "nobody", companyId: made.body.id })).status).toBe(400);
    });
  });

  describe("quota and faults", () => {
    it("GIVEN a quota of 5 a minute WHEN the 6th call hits the same endpoint THEN 429 with ErrorCode 4010 and Retry-After, while another endpoint answers", async () => {
      const small = new VismaSimulator({ quotaPerMinute: 5 });
      await small.start();
      try {
        small.addClient(CLIENT);
        const c = small.addCompany();
        const t = small.issueTokens({ clientId: CLIENT.clientId, companyId: c.id }).access_token;
        for (let i = 0; i < 5; i++) expect((await call("GET", "/v2/customers", { token: t, base: small.url })).status).toBe(200);
        const limited = await call("GET", "/v2/customers", { token: t, base: small.url });
        expect(limited.status).toBe(429);
        expect(limited.body).toMatchObject({ ErrorCode: 4010, DeveloperErrorMessage: expect.stringContaining("maximum admitted 5 per Minute") });
        const retryAfter = Number(limited.headers.get("retry-after"));
        expect(retryAfter).toBeGreaterThanOrEqual(59);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect((await call("GET", "/v2/articles", { token: t, base: small.url })).status).toBe(200);
        // The same route with another id is the same endpoint.
        for (let i = 0; i < 5; i++) await call("GET", `/v2/customers/${i}`, { token: t, base: small.url });
        expect((await call("GET", "/v2/customers/another", { token: t, base: small.url })).status).toBe(429);
        expect(small.stats.rejected429).toBe(2);
        expect(small.stats.byEndpoint.get("GET /v2/customers")).toBe(6);
        expect(small.stats.byEndpoint.get("GET /v2/customers/{id}")).toBe(6);
      } finally {
        await small.close();
      }
    });

    it("GIVEN injected faults WHEN drafts are posted THEN a 503 answers in Visma's shape and a lost response still commits the draft", async () => {
      const { buyer, mug } = await shop();
      sim.faults.add({ kind: "status", status: 503, match: "POST /v2/customerinvoicedrafts" });
      const unavailable = await call("POST", "/v2/customerinvoicedrafts", { body: draft(buyer.Id as string, [row(mug.Id as string)]) });
      expect(unavailable.status).toBe(503);
      expect(unavailable.body).toMatchObject({ ErrorCode: expect.any(Number), DeveloperErrorMessage: expect.any(String), ErrorId: expect.any(String) });
      expect(sim.companies.get(company.id)!.drafts.size).toBe(0);

      await fetch(`${sim.url}/_control/faults`, { method: "POST", body: JSON.stringify({ kind: "lost-response", match: "POST /v2/customerinvoicedrafts" }) });
      await expect(call("POST", "/v2/customerinvoicedrafts", { body: draft(buyer.Id as string, [row(mug.Id as string)], { YourReference: "lost-1" }) })).rejects.toThrow();
      const found = (await call("GET", `/v2/customerinvoicedrafts?$filter=${encodeURIComponent("YourReference eq 'lost-1'")}`)).body as List;
      expect(found.Data).toHaveLength(1);

      const state = (await (await fetch(`${sim.url}/_control/state?company=${company.id}`)).json()) as Json;
      expect((state.drafts as Json[]).map((d) => d.YourReference)).toEqual(["lost-1"]);
      expect((state.stats as Json).requests).toBeGreaterThan(0);
    });
  });
});
