// The onboarding's and the Connection page's loaders and actions against a real database and the
// providers' simulators: test a connection (the lists come back), save it (checked first, the address
// set by the app, never by the form), the steps that follow from what is stored, check now, a refused
// key pausing the connection, and disconnecting with the documents kept.
import { afterAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { VISMA_CLIENT, vismaAccount } from "../helpers/visma-account";
import { EconomicSimulator } from "../simulators/economic/server";
import { InvoicExpressSimulator } from "../simulators/invoicexpress/server";
import { VismaSimulator } from "../simulators/visma/server";

// The sandbox's provider addresses and the app's own e-conomic token, read when the app first needs them.
const economic = new EconomicSimulator();
const invoicexpress = new InvoicExpressSimulator();
const visma = new VismaSimulator();
await Promise.all([economic.start(), invoicexpress.start(), visma.start()]);
Object.assign(process.env, { ECONOMIC_ENDPOINT: economic.url, INVOICEXPRESS_ENDPOINT: invoicexpress.url, VISMA_ENDPOINT: visma.url, ECONOMIC_APP_SECRET_TOKEN: "app-secret", ECONOMIC_APP_PUBLIC_TOKEN: "app-public" });

const { checkConnection, connectionAction, credentialFields, disconnect, loadConnection, saveConnectionForm, testCredentials } = await import("../../app/admin/connection.server");
const { finishOnboarding, onboardingStep, onboardingSummary, saveEssentials } = await import("../../app/admin/onboarding.server");
const { completeVismaConnect, startVismaConnect } = await import("../../app/providers/visma/visma-connect.server");
const { completeEconomicConnect, startEconomicConnect } = await import("../../app/providers/economic/economic-connect.server");
const { decryptSecret, parseKey } = await import("../../app/lib/crypto.server");
const { env } = await import("../../app/lib/env.server");

const SHOP = "connect.myshopify.com";
const ECONOMIC_SETTINGS = { customerGroupNumber: 1, paymentTermsNumber: 2, layoutNumber: 19, productGroups: { "0.25": 1 }, vatZones: { domestic: 1, eu: 2, abroad: 3 } };

function form(fields: Record<string, unknown>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, typeof value === "string" ? value : JSON.stringify(value));
  return data;
}

describeWithDb("onboarding and the Connection page (loaders and actions)", () => {
  afterAll(async () => {
    await Promise.all([economic.close(), invoicexpress.close(), visma.close()]);
  });
  beforeEach(async () => {
    await resetDb();
    economic.agreements.clear();
    economic.addAgreement({ appSecretToken: "app-secret", agreementGrantToken: "grant-1" });
    await (await testDb()).shop.create({ data: { shopDomain: SHOP } });
  });

  it("e-conomic from the first step to the last: test, save, essentials, summary, done", async () => {
    const db = await testDb();
    expect(await onboardingStep(db, SHOP, null)).toBe("choose");
    expect(await onboardingStep(db, SHOP, "economic")).toBe("connect");
    // the app's own App Secret Token is configured, so the merchant types the grant token only
    expect(credentialFields("economic").map((f) => f.key)).toEqual(["agreementGrantToken"]);

    expect(await testCredentials("economic", { agreementGrantToken: "" })).toEqual({ ok: false, message: "Enter the Agreement Grant Token." });
    const refused = await testCredentials("economic", { agreementGrantToken: "wrong" });
    expect(refused.ok).toBe(false);
    expect(await db.connection.count()).toBe(0);

    const tested = await connectionAction(db, SHOP, form({ intent: "test", type: "economic", credentials: { agreementGrantToken: "grant-1" } }));
    expect(tested).toMatchObject({ intent: "test", ok: true });
    const choices = (tested as { choices: Record<string, Array<{ value: string }>> }).choices;
    expect(choices.customerGroups.map((c) => c.value)).toEqual(["1", "2"]);
    expect(choices.layouts.map((c) => c.value)).toEqual(["19", "21"]);

    // a base URL in the form is ignored: the app decides where e-conomic is
    const saved = await connectionAction(db, SHOP, form({ intent: "save", type: "economic", credentials: { agreementGrantToken: "grant-1" }, settings: { ...ECONOMIC_SETTINGS, baseUrl: "http://169.254.169.254/" } }));
    expect(saved).toEqual({ intent: "save", ok: true, message: "e-conomic is connected and its settings are saved." });
    const row = await db.connection.findFirstOrThrow();
    expect(row).toMatchObject({ providerType: "economic", status: "active" });
    expect(row.verifiedAt).not.toBeNull();
    expect(JSON.parse(row.settings).baseUrl).toBe(economic.url);
    expect(JSON.parse(decryptSecret(row.encryptedCredentials, parseKey(env().ENCRYPTION_KEY)))).toEqual({ agreementGrantToken: "grant-1", appSecretToken: "app-secret" });
    expect(row.encryptedCredentials).not.toContain("grant-1");

    expect(await onboardingStep(db, SHOP, null)).toBe("essentials");
    await expect(saveEssentials(db, SHOP, { trigger: "someday", documentKind: "invoice", financialStatuses: [] })).rejects.toMatchObject({ merchantMessage: "Not saved: choose when a document is made." });
    await saveEssentials(db, SHOP, { trigger: "fulfilled", documentKind: "invoice", financialStatuses: ["paid"] });
    expect(await onboardingStep(db, SHOP, null)).toBe("summary");
    const shop = await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    const summary = await onboardingSummary(db, SHOP, shop.verificationStartedAt);
    expect(summary).toEqual({ trigger: "fulfilled", documentKind: "invoice", verificationDays: 14, verificationEndsOn: new Date(shop.verificationStartedAt.getTime() + 14 * 86_400_000).toISOString().slice(0, 10) });
    await finishOnboarding(db, SHOP);
    expect(await onboardingStep(db, SHOP, null)).toBe("done");
    expect(JSON.parse((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings).rules).toMatchObject({ trigger: "fulfilled", financialStatuses: ["paid"] });
  });

  it("e-conomic by approval: the installation URL, the grant token back with a one-time state, checked before it is kept", async () => {
    const db = await testDb();
    economic.registerApp({ appPublicToken: "app-public", appSecretToken: "app-secret" });
    const approve = async () => {
      const start = new URL(await startEconomicConnect(db, SHOP));
      expect(start.origin + start.pathname).toBe(`${economic.url}/secure/api1/requestaccess.aspx`);
      expect(start.searchParams.get("appPublicToken")).toBe("app-public");
      const answer = await fetch(start, { redirect: "manual" });
      return new URL(answer.headers.get("location")!);
    };
    const back = await approve();
    expect(back.pathname).toBe("/connect/economic/callback");
    expect(back.searchParams.get("token")).toBe("grant-1");
    const state = back.searchParams.get("state");
    // a forged state connects nothing
    expect(await completeEconomicConnect(db, { state: "forged", token: "grant-1" })).toMatchObject({ ok: false, status: 400 });
    expect(await db.connection.count()).toBe(0);
    // the real one connects this shop, once
    expect(await completeEconomicConnect(db, { state, token: "grant-1" })).toEqual({ ok: true, shopDomain: SHOP });
    expect(await completeEconomicConnect(db, { state, token: "grant-1" })).toEqual({
      ok: false,
      status: 400,
      message: "This approval link has expired or was already used. Connect e-conomic again from the app.",
    });
    const row = await db.connection.findFirstOrThrow();
    expect(row).toMatchObject({ providerType: "economic", status: "active" });
    expect(JSON.parse(decryptSecret(row.encryptedCredentials, parseKey(env().ENCRYPTION_KEY)))).toEqual({ appSecretToken: "app-secret", agreementGrantToken: "grant-1" });
    expect(JSON.parse(row.settings)).toEqual({ baseUrl: economic.url });
    // next: e-conomic's settings, from its own lists
    expect(await onboardingStep(db, SHOP, null)).toBe("settings");
    expect((await loadConnection(db, SHOP)).choices?.customerGroups.map((c) => c.value)).toEqual(["1", "2"]);

    // a token e-conomic refuses is not kept, and the log says why
    await db.connection.deleteMany();
    const again = await approve();
    const refused = await completeEconomicConnect(db, { state: again.searchParams.get("state"), token: "not-a-grant" });
    expect(refused).toMatchObject({ ok: false, status: 502 });
    expect(await db.connection.count()).toBe(0);
    expect((await db.syncLogEntry.findFirstOrThrow({ where: { status: "failed" } })).message).toBe(`Connecting e-conomic: ${(refused as { message: string }).message}`);
  });

  it("a save with incomplete settings is refused in words and stores nothing", async () => {
    const db = await testDb();
    const outcome = await saveConnectionForm(db, SHOP, { type: "economic", credentials: { agreementGrantToken: "grant-1" }, settings: { customerGroupNumber: 1 } });
    expect(outcome.ok).toBe(false);
    expect((outcome as { message: string }).message).toBe(
      "The settings of e-conomic are incomplete or wrong (paymentTermsNumber: choose the payment terms for new customers; layoutNumber: choose the invoice layout; " +
        "productGroups: choose a product group for each VAT rate). Correct them in the app's settings.",
    );
    expect(await db.connection.count()).toBe(0);
    // changing settings of a system that was never connected asks for the credentials
    expect(await saveConnectionForm(db, SHOP, { type: "economic", settings: ECONOMIC_SETTINGS })).toEqual({ ok: false, message: "Enter your e-conomic details and test the connection first." });
  });

  it("InvoicExpress: the taxes and exemption reasons to pick from; an unknown tax name is refused", async () => {
    const db = await testDb();
    invoicexpress.addAccount({ name: "loja", apiKey: "ix-key-0123456789" });
    const tested = await testCredentials("invoicexpress", { accountName: "loja", apiKey: "ix-key-0123456789" });
    expect(tested.ok).toBe(true);
    const choices = (tested as { choices: Record<string, Array<{ value: string; rate?: string }>> }).choices;
    expect(choices.taxes.find((t) => t.value === "IVA23")?.rate).toBe("0.23");
    expect(choices.exemptionReasons.some((r) => r.value === "M16")).toBe(true);
    const unknown = await saveConnectionForm(db, SHOP, { type: "invoicexpress", credentials: { accountName: "loja", apiKey: "ix-key-0123456789" }, settings: { taxNames: { "0.23": "IVA99" } } });
    expect(unknown.ok).toBe(false);
    expect(await db.connection.count()).toBe(0);
    const ok = await saveConnectionForm(db, SHOP, { type: "invoicexpress", credentials: { accountName: "loja", apiKey: "ix-key-0123456789" }, settings: { taxNames: { "0.23": "IVA23" }, exemptionReason: "M16" } });
    expect(ok.ok).toBe(true);
    expect(JSON.parse((await db.connection.findFirstOrThrow()).settings).baseUrl).toBe(`${invoicexpress.url}/loja`);
    expect((await loadConnection(db, SHOP)).connection).toMatchObject({ type: "invoicexpress", account: "loja", status: "active" });
  });

  it("Visma: after the sign-in the step is 'settings', with Visma's lists; saving them moves on", async () => {
    const db = await testDb();
    const account = vismaAccount(visma);
    expect(VISMA_CLIENT.clientId).toBeTruthy();
    const consent = await fetch(await startVismaConnect(db, SHOP), { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!);
    expect(await completeVismaConnect(db, { state: back.searchParams.get("state"), code: back.searchParams.get("code"), error: null })).toEqual({ ok: true, shopDomain: SHOP });
    expect(await onboardingStep(db, SHOP, null)).toBe("settings");
    const page = await loadConnection(db, SHOP);
    expect(page.settingsProblem).toMatch(/termsOfPaymentId: choose the terms of payment for new customers/);
    expect(page.choices?.termsOfPayment.map((c) => c.value)).toContain(account.settings.termsOfPaymentId);
    expect(page.choices?.articleCodings.find((c) => c.value === account.settings.codings["0.25"])?.rate).toBe("0.25");
    const saved = await saveConnectionForm(db, SHOP, { type: "visma", settings: account.settings });
    expect(saved.ok).toBe(true);
    expect(await onboardingStep(db, SHOP, null)).toBe("essentials");
    // the addresses stay the app's own
    expect(JSON.parse((await db.connection.findFirstOrThrow()).settings)).toMatchObject({ baseUrl: visma.url, identityUrl: visma.url });
  });

  it("the shop's own invoices need no credentials, only the seller's details", async () => {
    const db = await testDb();
    const refused = await saveConnectionForm(db, SHOP, { type: "shop", settings: { seller: { name: "", addressLines: [], countryCode: "DK", vatId: "" } } });
    expect(refused.ok).toBe(false);
    const saved = await saveConnectionForm(db, SHOP, { type: "shop", settings: { seller: { name: "Nørre Butik ApS", addressLines: ["Vestergade 1", "8000 Aarhus"], countryCode: "DK", vatId: "DK12345678" } } });
    expect(saved.ok).toBe(true);
    expect(await onboardingStep(db, SHOP, null)).toBe("essentials");
  });

  it("check now records when the system answered; a withdrawn grant pauses the connection in words", async () => {
    const db = await testDb();
    await saveConnectionForm(db, SHOP, { type: "economic", credentials: { agreementGrantToken: "grant-1" }, settings: ECONOMIC_SETTINGS });
    await db.connection.updateMany({ data: { verifiedAt: new Date("2026-01-01T00:00:00Z") } });
    expect(await checkConnection(db, SHOP)).toEqual({ ok: true, message: "e-conomic answered: the connection works." });
    expect((await db.connection.findFirstOrThrow()).verifiedAt!.getTime()).toBeGreaterThan(new Date("2026-06-01").getTime());

    economic.agreements.clear(); // the merchant withdrew the app's access in e-conomic
    const check = await checkConnection(db, SHOP);
    expect(check.ok).toBe(false);
    const row = await db.connection.findFirstOrThrow();
    expect(row.status).toBe("paused");
    expect(row.statusMessage).toBe(check.message);
    expect((await db.syncLogEntry.findFirstOrThrow({ where: { status: "failed" } })).message).toBe(`Connection check: ${check.message}`);
    expect((await loadConnection(db, SHOP)).lastFailure?.message).toBe(`Connection check: ${check.message}`);
  });

  it("disconnect erases the credentials and keeps the documents; the onboarding starts again", async () => {
    const db = await testDb();
    await saveConnectionForm(db, SHOP, { type: "economic", credentials: { agreementGrantToken: "grant-1" }, settings: ECONOMIC_SETTINGS });
    await db.document.create({ data: { shopDomain: SHOP, orderId: "1", kind: "invoice", source: "order", idempotencyKey: "k1", providerType: "economic", state: "finalized", number: "10001" } });
    const { message } = await disconnect(db, SHOP);
    expect(message).toBe("Disconnected from e-conomic. The 1 document(s) made so far are kept. New orders are not documented until you connect an accounting system again.");
    const row = await db.connection.findFirstOrThrow();
    expect(row.status).toBe("disconnected");
    expect(decryptSecret(row.encryptedCredentials, parseKey(env().ENCRYPTION_KEY))).toBe("{}");
    expect(await db.document.count()).toBe(1);
    expect(await onboardingStep(db, SHOP, null)).toBe("choose");
    expect((await loadConnection(db, SHOP)).connection).toBeNull();
    // connecting again needs the key again
    expect(await saveConnectionForm(db, SHOP, { type: "economic", settings: ECONOMIC_SETTINGS })).toEqual({ ok: false, message: "Enter your e-conomic details and test the connection first." });
    expect((await saveConnectionForm(db, SHOP, { type: "economic", credentials: { agreementGrantToken: "grant-1" }, settings: ECONOMIC_SETTINGS })).ok).toBe(true);
    expect((await db.connection.findFirstOrThrow()).status).toBe("active");
  });
});
