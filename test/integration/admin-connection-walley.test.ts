// Connecting Walley from the Connection page's form (its action, as the page posts it): test with the username
// and password, then the store table, checked store by store against the Collector SOAP simulator when it is
// saved; a wrong password or a missing store table is refused in words and nothing is stored.
import { afterAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { CollectorSimulator } from "../simulators/collector/server";

const collector = new CollectorSimulator();
await collector.start();
Object.assign(process.env, { COLLECTOR_ENDPOINT: collector.endpoint });
const { connectionAction, loadConnection } = await import("../../app/admin/connection.server");
const { decryptSecret, parseKey } = await import("../../app/lib/crypto.server");
const { env } = await import("../../app/lib/env.server");

const SHOP = "walley-connect.myshopify.com";
const form = (fields: Record<string, unknown>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, typeof value === "string" ? value : JSON.stringify(value));
  return data;
};
const credentials = { username: "shop-user", password: "shop-password-1" };

describeWithDb("connecting Walley (Connection page and onboarding)", () => {
  afterAll(() => collector.close());
  beforeEach(async () => {
    await resetDb();
    collector.stores.clear();
    collector.addStore({ storeId: 801, countryCode: "SE", username: "shop-user", password: "shop-password-1" });
    collector.addStore({ storeId: 802, countryCode: "SE", username: "shop-user", password: "shop-password-1" });
    await (await testDb()).shop.create({ data: { shopDomain: SHOP } });
  });

  it("tests, then saves the stores, each checked with Walley; the password is stored encrypted, the address is the app's", async () => {
    const db = await testDb();
    const tested = await connectionAction(db, SHOP, form({ intent: "test", type: "collector", credentials }));
    expect(tested).toMatchObject({ intent: "test", ok: true, choices: { countries: expect.arrayContaining([{ value: "SE", label: "Sweden" }]) } });
    const stores = [
      { countryCode: "SE", buyers: "b2c", storeId: 801 },
      { countryCode: "SE", buyers: "b2b", storeId: 802 },
    ];
    // An endpoint typed into the form is not taken: the app sets where Walley is.
    const saved = await connectionAction(db, SHOP, form({ intent: "save", type: "collector", credentials, settings: { stores, invoiceDelivery: "email", endpoint: "http://169.254.169.254/" } }));
    expect(saved).toEqual({ intent: "save", ok: true, message: "Walley is connected and its settings are saved." });
    const row = await db.connection.findFirstOrThrow({ where: { shopDomain: SHOP } });
    expect(row).toMatchObject({ providerType: "collector", status: "active" });
    expect(JSON.parse(row.settings)).toMatchObject({ stores, endpoint: collector.endpoint });
    expect(row.encryptedCredentials).not.toContain("shop-password-1");
    expect(JSON.parse(decryptSecret(row.encryptedCredentials, parseKey(env().ENCRYPTION_KEY)))).toEqual(credentials);
    const page = await loadConnection(db, SHOP);
    expect(page.connection).toMatchObject({ type: "collector", name: "Walley", account: "shop-user", settings: { stores } });
    expect(page.connection?.settings).not.toHaveProperty("endpoint");
    expect(page.settingsProblem).toBeNull();
  });

  it("refuses a wrong password (per store), a store Walley does not know, and no stores at all, in words; nothing is stored", async () => {
    const db = await testDb();
    const wrong = await connectionAction(db, SHOP, form({ intent: "save", type: "collector", credentials: { ...credentials, password: "typo" }, settings: { stores: [{ countryCode: "SE", buyers: "b2c", storeId: 801 }] } }));
    expect(wrong).toMatchObject({ ok: false, message: expect.stringContaining("Collector refused the username, password or store id while checking store 801 (SE, b2c)") });
    const unknown = await connectionAction(db, SHOP, form({ intent: "save", type: "collector", credentials, settings: { stores: [{ countryCode: "SE", buyers: "b2c", storeId: 999 }] } }));
    expect(unknown).toMatchObject({ ok: false, message: expect.stringContaining("while checking store 999 (SE, b2c)") });
    const none = await connectionAction(db, SHOP, form({ intent: "save", type: "collector", credentials, settings: { stores: [] } }));
    expect(none).toMatchObject({ ok: false, message: expect.stringContaining("add at least one Walley store (country, private or business buyers, store id)") });
    const twice = await connectionAction(db, SHOP, form({ intent: "save", type: "collector", credentials, settings: { stores: [{ countryCode: "SE", buyers: "b2c", storeId: 801 }, { countryCode: "se", buyers: "b2c", storeId: 802 }] } }));
    expect(twice).toMatchObject({ ok: false, message: expect.stringContaining("each country and kind of buyer takes one store") });
    expect(await db.connection.count()).toBe(0);
    const nothing = await connectionAction(db, SHOP, form({ intent: "test", type: "collector", credentials: { username: "", password: "" } }));
    expect(nothing).toEqual({ intent: "test", ok: false, message: "Enter the Username and Password." });
  });
});
