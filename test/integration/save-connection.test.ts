// Saving a connection: validated settings, a real check against the provider's simulator, encrypted
// credentials, and refusals in words that leave nothing stored.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { InvoicExpressSimulator } from "../simulators/invoicexpress/server";
import { EconomicSimulator } from "../simulators/economic/server";
import { saveConnection } from "../../app/providers/save-connection.server";
import { decryptSecret, parseKey } from "../../app/lib/crypto.server";
import { env } from "../../app/lib/env.server";

const SHOP = "connect.myshopify.com";
let ix: InvoicExpressSimulator;
let economic: EconomicSimulator;

describeWithDb("saving a connection", () => {
  beforeAll(async () => {
    ix = new InvoicExpressSimulator();
    economic = new EconomicSimulator();
    await ix.start();
    await economic.start();
  });
  afterAll(async () => {
    await ix.close();
    await economic.close();
  });
  beforeEach(async () => {
    await resetDb();
    ix.accounts.clear();
    ix.faults.clear();
    ix.addAccount({ name: "loja", apiKey: "ix-api-key-0123456789" });
    economic.agreements.clear();
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
  });

  const ixSettings = () => ({ baseUrl: ix.accountUrl("loja"), taxNames: { "0.23": "IVA23", "0.06": "IVA6" }, dueDays: 15 });

  it("InvoicExpress: account name and API key checked, then stored encrypted with the settings", async () => {
    const db = await testDb();
    const outcome = await saveConnection(db, { shopDomain: SHOP, providerType: "invoicexpress", credentials: { accountName: "loja", apiKey: "ix-api-key-0123456789" }, settings: ixSettings() });
    expect(outcome).toMatchObject({ ok: true });
    const row = await db.connection.findFirstOrThrow();
    expect(row).toMatchObject({ providerType: "invoicexpress", status: "active" });
    expect(row.encryptedCredentials).not.toContain("ix-api-key-0123456789");
    expect(JSON.parse(decryptSecret(row.encryptedCredentials, parseKey(env().ENCRYPTION_KEY)))).toEqual({ accountName: "loja", apiKey: "ix-api-key-0123456789" });
    expect(JSON.parse(row.settings)).toMatchObject({ dueDays: 15 });
    expect((await db.syncLogEntry.findFirstOrThrow()).message).toBe("InvoicExpress connection checked and saved.");
  });

  it("a refused API key, a tax name InvoicExpress does not have, or incomplete settings: a sentence, and nothing stored", async () => {
    const db = await testDb();
    const wrongKey = await saveConnection(db, { shopDomain: SHOP, providerType: "invoicexpress", credentials: { accountName: "loja", apiKey: "wrong-api-key-000000" }, settings: ixSettings() });
    expect(wrongKey).toEqual({ ok: false, message: "InvoicExpress refused the app's API key. Check the account name and API key in the app's settings and reconnect." });
    const unknownTax = await saveConnection(db, {
      shopDomain: SHOP,
      providerType: "invoicexpress",
      credentials: { accountName: "loja", apiKey: "ix-api-key-0123456789" },
      settings: { ...ixSettings(), taxNames: { "0.23": "IVA 23%" } },
    });
    expect(unknownTax).toEqual({ ok: false, message: "InvoicExpress has no tax named 'IVA 23%'; it would apply its default tax instead. Correct the tax names in the app's settings." });
    const incomplete = await saveConnection(db, { shopDomain: SHOP, providerType: "invoicexpress", credentials: { accountName: "loja", apiKey: "short" }, settings: { taxNames: {} } });
    expect(incomplete.ok).toBe(false);
    expect((incomplete as { message: string }).message).toContain("map at least one VAT rate to an InvoicExpress tax name");
    expect(await db.connection.count()).toBe(0);
  });

  it("an unreachable system: nothing saved, and the merchant is told to try again", async () => {
    const db = await testDb();
    ix.faults.add({ kind: "status", status: 503 });
    const outcome = await saveConnection(db, { shopDomain: SHOP, providerType: "invoicexpress", credentials: { accountName: "loja", apiKey: "ix-api-key-0123456789" }, settings: ixSettings() });
    expect(outcome.ok).toBe(false);
    expect((outcome as { message: string }).message).toMatch(/^InvoicExpress could not be reached to check the connection .* Nothing was saved; try again in a moment\.$/);
    expect(await db.connection.count()).toBe(0);
  });

  it("e-conomic: the same path; Visma without its sign-in first is refused in words", async () => {
    const db = await testDb();
    const settings = { baseUrl: economic.url, customerGroupNumber: 1, paymentTermsNumber: 1, layoutNumber: 19, collectiveCustomerNumber: 99, productGroups: { "0.25": 1 } };
    expect(await saveConnection(db, { shopDomain: SHOP, providerType: "economic", credentials: { appSecretToken: "s", agreementGrantToken: "g" }, settings })).toMatchObject({ ok: true });
    expect(await saveConnection(db, { shopDomain: SHOP, providerType: "visma", settings: {} })).toEqual({
      ok: false,
      message: "Connect Visma eAccounting first (sign in at Visma eAccounting), then choose its settings.",
    });
  });
});
