// The lists the merchant picks provider settings from, read from the real simulators on loopback: the
// seeded values and labels come back, a refused credential gives the provider's own sentence, an
// unreachable system a RetryableError, a garbled answer a clear error, and long lists are read to the end.
import type { ProviderType } from "../../app/providers/provider";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EconomicSimulator, type Agreement } from "../simulators/economic/server";
import { InvoicExpressSimulator } from "../simulators/invoicexpress/server";
import { VismaSimulator } from "../simulators/visma/server";
import { VISMA_CLIENT, vismaAccount } from "../helpers/visma-account";
import { settingsChoices, type SettingsChoices } from "../../app/providers/settings-choices.server";
import { describeTerms, economicChoicesFrom } from "../../app/providers/economic/economic-choices";
import { economicSettingsSchema } from "../../app/providers/economic/economic-provider";
import { vismaVatRate } from "../../app/providers/visma/visma-choices";
import { vismaSettingsSchema } from "../../app/providers/visma/visma-provider";
import { EXEMPTION_REASONS } from "../../app/providers/invoicexpress/invoicexpress-choices";
import { invoicExpressSettingsSchema } from "../../app/providers/invoicexpress/invoicexpress-provider";
import { AppError, AuthError, PermanentError, RetryableError } from "../../app/lib/errors";

let economic: EconomicSimulator;
let visma: VismaSimulator;
let ix: InvoicExpressSimulator;

beforeAll(async () => {
  economic = new EconomicSimulator();
  visma = new VismaSimulator();
  ix = new InvoicExpressSimulator();
  await Promise.all([economic.start(), visma.start(), ix.start()]);
});
afterAll(async () => {
  await Promise.all([economic.close(), visma.close(), ix.close()]);
});

/** The AppError a promise rejects with (fails the test when it resolves or throws anything else). */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const pairs = (choices: SettingsChoices, key: string) => choices[key].map((c) => [c.value, c.label]);

describe("e-conomic settings lists", () => {
  const credentials = { appSecretToken: "app-secret", agreementGrantToken: "grant-1" };
  let agreement: Agreement;
  const read = (overrides: { credentials?: unknown } = {}) =>
    settingsChoices({ providerType: "economic", credentials: overrides.credentials ?? credentials, settings: { baseUrl: economic.url } });

  beforeEach(() => {
    economic.agreements.clear();
    economic.faults.clear();
    agreement = economic.addAgreement({
      ...credentials,
      paymentTerms: [1, 2, 3],
      paymentTermsDetails: {
        1: { name: "Netto 14 dage", paymentTermsType: "net", daysOfCredit: 14 },
        2: { name: "Løbende måned + 30 dage", paymentTermsType: "invoiceMonth", daysOfCredit: 30 },
        3: { name: "Kontant", paymentTermsType: "paidInCash" },
      },
      vatZones: [1, 2, 3, 4, 5],
      vatZoneDetails: { 5: { name: "Kun leverandører", enabledForCustomer: false, enabledForSupplier: true } },
    });
  });

  it("GIVEN a Danish agreement WHEN its lists are read THEN each comes back by number, with names and terms in words", async () => {
    const choices = await read();

    expect(Object.keys(choices).sort()).toEqual(["customerGroups", "layouts", "paymentTerms", "productGroups", "vatZones"]);
    expect(pairs(choices, "customerGroups")).toEqual([
      ["1", "1 – Indenlandske kunder"],
      ["2", "2 – Udenlandske kunder"],
    ]);
    expect(pairs(choices, "paymentTerms")).toEqual([
      ["1", "1 – Netto 14 dage (net 14 days)"],
      ["2", "2 – Løbende måned + 30 dage (current month + 30 days)"],
      ["3", "3 – Kontant (paid in cash)"],
    ]);
    expect(pairs(choices, "layouts")).toEqual([
      ["19", "19 – Standard"],
      ["21", "21 – Standard uden logo"],
    ]);
    // Zone 5 is for suppliers only, so a customer cannot have it.
    expect(pairs(choices, "vatZones")).toEqual([
      ["1", "1 – Domestic"],
      ["2", "2 – EU"],
      ["3", "3 – Abroad"],
      ["4", "4 – Domestic exempt VAT"],
    ]);
    expect(pairs(choices, "productGroups")).toEqual([
      ["1", "1 – Varer med moms"],
      ["2", "2 – Varer uden moms"],
    ]);
    // What the merchant picks is what the connection's settings accept.
    expect(
      economicSettingsSchema.safeParse({
        customerGroupNumber: Number(choices.customerGroups[0].value),
        paymentTermsNumber: Number(choices.paymentTerms[0].value),
        layoutNumber: Number(choices.layouts[0].value),
        productGroups: { "0.25": Number(choices.productGroups[0].value) },
      }).success,
    ).toBe(true);
  });

  it("GIVEN 1,200 customer groups WHEN the lists are read THEN the second page of 1000 is read too", async () => {
    economic.agreements.clear();
    agreement = economic.addAgreement({ ...credentials, customerGroups: Array.from({ length: 1200 }, (_, i) => 1200 - i) });

    const choices = await read();

    expect(choices.customerGroups).toHaveLength(1200);
    expect(choices.customerGroups[0]).toEqual({ value: "1", label: "1 – Indenlandske kunder" });
    expect(choices.customerGroups[1199]).toEqual({ value: "1200", label: "1200 – Kundegruppe 1200" });
    // Five lists, and one more page of customer groups.
    expect(agreement.calls).toBe(6);
  });

  it("GIVEN a wrong token WHEN the lists are read THEN e-conomic's refusal is an AuthError in the merchant's words", async () => {
    const error = await failure(read({ credentials: { ...credentials, appSecretToken: "wrong" } }));

    expect(error).toBeInstanceOf(AuthError);
    expect(error.merchantMessage).toBe("e-conomic refused the app's access. Reconnect e-conomic in the app's settings.");
  });

  it("GIVEN missing credentials WHEN the lists are read THEN the merchant is told what is missing, and nothing is asked of e-conomic", async () => {
    const error = await failure(read({ credentials: { appSecretToken: "app-secret" } }));

    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe("connection_settings");
    expect(error.merchantMessage).toMatch(/^The e-conomic credentials are incomplete or wrong \(agreementGrantToken: .*\)\. Correct them in the app's settings\.$/);
    expect(agreement.calls).toBe(0);
  });

  it("GIVEN e-conomic answering 503 WHEN the lists are read THEN it is a RetryableError", async () => {
    economic.faults.add({ kind: "status", status: 503, match: "/layouts" });

    const error = await failure(read());

    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe("economic_unavailable");
    expect(error.merchantMessage).toBe("e-conomic had a problem while reading the layouts; it will be retried.");
  });

  it("GIVEN a garbled answer (an HTML page with status 200) WHEN the lists are read THEN the error says so in words", async () => {
    economic.faults.add({ kind: "garbage", match: "/payment-terms" });

    const error = await failure(read());

    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe("economic_garbled");
    expect(error.merchantMessage).toBe("e-conomic gave an answer the app could not read while reading the payment terms; it will be retried.");
  });

  it("skips deleted layouts and zones customers cannot have, and words every kind of terms", () => {
    const choices = economicChoicesFrom({
      customerGroups: [],
      paymentTerms: [{ paymentTermsNumber: 5, name: "Net 8 days", daysOfCredit: 8 }],
      layouts: [
        { layoutNumber: 21, name: "Old", deleted: true },
        { layoutNumber: 19, name: "Standard", deleted: false },
      ],
      vatZones: [{ vatZoneNumber: 9, name: "Suppliers", enabledForCustomer: false }],
      productGroups: [{ productGroupNumber: 3, name: null }],
    });

    expect(choices.layouts).toEqual([{ value: "19", label: "19 – Standard" }]);
    expect(choices.vatZones).toEqual([]);
    expect(choices.productGroups).toEqual([{ value: "3", label: "3 – Product group 3" }]);
    // A real answer may leave paymentTermsType out (see economic-choices.ts).
    expect(choices.paymentTerms).toEqual([{ value: "5", label: "5 – Net 8 days (8 days of credit)" }]);
    expect(describeTerms("net", 1)).toBe("net 1 day");
    expect(describeTerms("invoiceWeekStartingMonday", 7)).toBe("current week from Monday + 7 days");
    expect(describeTerms("dueDate", null)).toBe("due date set on the invoice");
  });
});

describe("Visma eAccounting settings lists", () => {
  let account: ReturnType<typeof vismaAccount>;
  const credentialsOf = (tokens: { access_token: string; refresh_token: string }) => ({
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const read = (credentials: unknown, runtime: { oauthClient?: typeof VISMA_CLIENT } = { oauthClient: VISMA_CLIENT }) =>
    settingsChoices({ providerType: "visma", credentials, settings: { baseUrl: visma.url, identityUrl: visma.url }, runtime });

  beforeEach(() => {
    visma.companies.clear();
    visma.faults.clear();
    account = vismaAccount(visma);
  });

  it("GIVEN a Swedish company WHEN its lists are read THEN terms, codings with their VAT rate, and units come back", async () => {
    const choices = await read(credentialsOf(account.tokens()));
    const company = account.company;
    const id = (rows: Array<Record<string, unknown>>, field: string, value: unknown) => String(rows.find((r) => r[field] === value)!.Id);

    expect(Object.keys(choices).sort()).toEqual(["articleCodings", "termsOfPayment", "units"]);
    expect(choices.termsOfPayment).toEqual([
      { value: id(company.termsOfPayments, "NumberOfDays", 10), label: "10 dagar (10 days)" },
      { value: id(company.termsOfPayments, "NumberOfDays", 14), label: "14 dagar (14 days)" },
      { value: id(company.termsOfPayments, "NumberOfDays", 30), label: "30 dagar (30 days)" },
    ]);
    expect(choices.articleCodings).toEqual([
      { value: id(company.articleAccountCodings, "VatRatePercent", 0.25), label: "Försäljning varor 25% moms (25%)", rate: "0.25" },
      { value: id(company.articleAccountCodings, "VatRatePercent", 0.12), label: "Försäljning livsmedel 12% moms (12%)", rate: "0.12" },
      { value: id(company.articleAccountCodings, "VatRatePercent", 0.06), label: "Försäljning böcker 6% moms (6%)", rate: "0.06" },
      { value: id(company.articleAccountCodings, "VatRatePercent", 0), label: "Försäljning momsfri (0%)", rate: "0" },
    ]);
    expect(choices.units).toEqual([
      { value: id(company.units, "Code", "st"), label: "Styck (st)" },
      { value: id(company.units, "Code", "h"), label: "Timme (h)" },
    ]);
    // The codings by rate are exactly the settings the merchant would save.
    const codings = Object.fromEntries(choices.articleCodings.map((c) => [c.rate!, c.value]));
    expect(codings).toEqual(account.settings.codings);
    expect(vismaSettingsSchema.safeParse({ termsOfPaymentId: choices.termsOfPayment[0].value, unitId: choices.units[0].value, codings }).success).toBe(true);
  });

  it("GIVEN inactive codings, terms for purchases only and 120 units WHEN the lists are read THEN only what sales can use comes back, from every page", async () => {
    visma.companies.clear();
    const base = visma.addCompany();
    visma.companies.clear();
    account = vismaAccount(visma, {
      id: base.id,
      termsOfPayments: [...base.termsOfPayments, { ...base.termsOfPayments[0], Id: crypto.randomUUID(), Name: "Leverantör 60", NumberOfDays: 60, AvailableForSales: false }],
      articleAccountCodings: base.articleAccountCodings.map((c) => (c.VatRatePercent === 0.06 ? { ...c, IsActive: false } : c)),
      units: Array.from({ length: 120 }, (_, i) => ({ Id: crypto.randomUUID(), Name: `Enhet ${String(i + 1).padStart(3, "0")}`, Code: `e${i + 1}` })),
    });

    const unitCallsBefore = visma.stats.byEndpoint.get("GET /v2/units") ?? 0;

    const choices = await read(credentialsOf(account.tokens()));

    expect(choices.termsOfPayment.map((c) => c.label)).toEqual(["10 dagar (10 days)", "14 dagar (14 days)", "30 dagar (30 days)"]);
    expect(choices.articleCodings.map((c) => c.rate)).toEqual(["0.25", "0.12", "0"]);
    expect(choices.units).toHaveLength(120);
    expect(choices.units[119].label).toBe("Enhet 120 (e120)");
    // 100 a page: two pages.
    expect((visma.stats.byEndpoint.get("GET /v2/units") ?? 0) - unitCallsBefore).toBe(2);
  });

  it("GIVEN revoked tokens WHEN the lists are read THEN the merchant is told to reconnect Visma", async () => {
    const error = await failure(read({ accessToken: "revoked-token", refreshToken: "revoked-refresh-token", expiresAt: new Date(Date.now() + 3_600_000).toISOString() }));

    expect(error).toBeInstanceOf(AuthError);
    expect(error.merchantMessage).toBe(
      "Visma eAccounting no longer accepts the app's access (the sign-in expired or was withdrawn). Reconnect Visma eAccounting in the app's settings; orders wait until then.",
    );
  });

  it("GIVEN an installation without a Visma client WHEN the lists are read THEN support is named", async () => {
    const error = await failure(read(credentialsOf(account.tokens()), {}));

    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe("visma_not_configured");
  });

  it("GIVEN Visma answering 503 WHEN the lists are read THEN it is a RetryableError", async () => {
    visma.faults.add({ kind: "status", status: 503, match: "/v2/articleaccountcodings" });

    const error = await failure(read(credentialsOf(account.tokens())));

    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe("visma_unavailable");
    expect(error.merchantMessage).toBe("Visma eAccounting had a problem while reading the article account codings; it will be retried.");
  });

  it("GIVEN a garbled answer WHEN the lists are read THEN the error says so in words", async () => {
    visma.faults.add({ kind: "garbage", match: "/v2/units" });

    const error = await failure(read(credentialsOf(account.tokens())));

    expect(error).toBeInstanceOf(RetryableError);
    expect(error.merchantMessage).toBe("Visma eAccounting gave an answer the app could not read while reading the units; it will be retried.");
  });

  it("reads VatRatePercent as a fraction, or as a percentage from 1 up", () => {
    expect([vismaVatRate(0.25), vismaVatRate(25), vismaVatRate(0), vismaVatRate(12.5), vismaVatRate(0.06)]).toEqual(["0.25", "0.25", "0", "0.125", "0.06"]);
  });
});

describe("InvoicExpress settings lists", () => {
  const credentials = { accountName: "loja", apiKey: "ix-api-key-0123456789" };
  const read = (overrides: Record<string, unknown> = {}) =>
    settingsChoices({ providerType: "invoicexpress", credentials: { ...credentials, ...overrides }, settings: { baseUrl: ix.accountUrl("loja") } });

  beforeEach(() => {
    ix.accounts.clear();
    ix.faults.clear();
    ix.addAccount({ name: "loja", apiKey: credentials.apiKey });
  });

  it("GIVEN a Portuguese account WHEN its lists are read THEN its taxes come with their rates, and the exemption reasons with their words", async () => {
    const choices = await read();

    expect(Object.keys(choices).sort()).toEqual(["exemptionReasons", "taxes"]);
    expect(choices.taxes).toEqual([
      { value: "IVA23", label: "IVA23 (23%)", rate: "0.23" },
      { value: "IVA13", label: "IVA13 (13%)", rate: "0.13" },
      { value: "IVA6", label: "IVA6 (6%)", rate: "0.06" },
      { value: "IVA0", label: "IVA0 (0%)", rate: "0" },
    ]);
    expect(choices.exemptionReasons.find((r) => r.value === "M16")).toEqual({
      value: "M16",
      label: "M16 – Isento artigo 14.º do RITI / exempt, Article 14 of RITI: intra-EU supply of goods",
    });
    expect(choices.exemptionReasons.map((r) => r.value)).toEqual(EXEMPTION_REASONS.map(([code]) => code));
    // Every code offered is one the connection's settings accept.
    for (const reason of choices.exemptionReasons) {
      expect(invoicExpressSettingsSchema.safeParse({ taxNames: { "0.23": "IVA23" }, exemptionReason: reason.value }).success).toBe(true);
    }
  });

  it("GIVEN a wrong API key WHEN the lists are read THEN InvoicExpress's refusal is an AuthError in the merchant's words", async () => {
    const error = await failure(read({ apiKey: "wrong-api-key-000000" }));

    expect(error).toBeInstanceOf(AuthError);
    expect(error.merchantMessage).toBe("InvoicExpress refused the app's API key. Check the account name and API key in the app's settings and reconnect.");
  });

  it("GIVEN an API key too short to be one WHEN the lists are read THEN the merchant is told where to find it", async () => {
    const error = await failure(read({ apiKey: "short" }));

    expect(error).toBeInstanceOf(PermanentError);
    expect(error.merchantMessage).toContain("the API key is under Settings → API in InvoicExpress");
  });

  it("GIVEN InvoicExpress answering 503 WHEN the lists are read THEN it is a RetryableError", async () => {
    ix.faults.add({ kind: "status", status: 503, match: "/taxes.json" });

    const error = await failure(read());

    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe("invoicexpress_unavailable");
  });

  it("GIVEN a garbled answer WHEN the lists are read THEN the error says so in words", async () => {
    ix.faults.add({ kind: "garbage", match: "/taxes.json" });

    const error = await failure(read());

    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe("invoicexpress_garbled");
    expect(error.merchantMessage).toBe("InvoicExpress gave an answer the app could not read while reading the taxes; it will be retried.");
  });
});

describe("providers without lists", () => {
  it("the shop's own invoices have nothing to choose from the outside", async () => {
    expect(await settingsChoices({ providerType: "shop", credentials: undefined })).toEqual({});
  });

  it("a provider the app cannot build is refused in the registry's words", async () => {
    const error = await failure(settingsChoices({ providerType: "sage" as ProviderType, credentials: {} }));

    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe("provider_unknown");
    expect(error.merchantMessage).toBe("The accounting system 'sage' is not supported yet.");
  });
});
