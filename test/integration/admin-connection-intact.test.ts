// Connecting Intact iQ from the Connection page's form (its action, as the page posts it): the WebShop WSDL's
// address, user and password tested against the Intact SOAP simulator (the answer names the Intact company and
// whether the server takes sales orders), then the account-code mapping and the options saved, each checked;
// a wrong password, an unreadable WSDL or a wrong mapping is refused in words, and nothing is stored.
import { afterAll, beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { IntactSimulator } from "../simulators/intact/server";

const intact = new IntactSimulator();
await intact.start();
Object.assign(process.env, { INTACT_ENDPOINT: intact.endpoint });
const { addressProblem, connectionAction, loadConnection } = await import("../../app/admin/connection.server");
const { decryptSecret, parseKey } = await import("../../app/lib/crypto.server");
const { env } = await import("../../app/lib/env.server");

const SHOP = "intact-connect.myshopify.com";
const form = (fields: Record<string, unknown>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, typeof value === "string" ? value : JSON.stringify(value));
  return data;
};
const credentials = { wsdlUrl: `${intact.endpoint}?wsdl`, username: "webshop", password: "iq-password-1" };
const accounts = { from: "externalId", metafield: "custom.intact_account", table: [{ shopify: "4410001", account: "NORDIC01" }, { shopify: "Pia@Example.com", account: "PIA01" }] };

describeWithDb("connecting Intact iQ (Connection page and onboarding)", () => {
  afterAll(() => intact.close());
  beforeEach(async () => {
    await resetDb();
    intact.users.clear();
    intact.addUser("webshop", "iq-password-1");
    await (await testDb()).shop.create({ data: { shopDomain: SHOP } });
  });

  it("tests (naming the Intact company), then saves the mapping; the password is stored encrypted", async () => {
    const db = await testDb();
    const tested = await connectionAction(db, SHOP, form({ intent: "test", type: "intact", credentials }));
    expect(tested).toEqual({
      intent: "test",
      ok: true,
      choices: { server: [{ value: "Intact simulator Ltd", label: "Intact simulator Ltd" }], salesOrders: [{ value: "available", label: "This server takes sales orders" }] },
    });
    const saved = await connectionAction(db, SHOP, form({ intent: "save", type: "intact", credentials, settings: { accounts, salesOrders: true, pdfFreshMinutes: 30 } }));
    expect(saved).toEqual({ intent: "save", ok: true, message: "Intact iQ is connected and its settings are saved." });
    const row = await db.connection.findFirstOrThrow({ where: { shopDomain: SHOP } });
    expect(row).toMatchObject({ providerType: "intact", status: "active" });
    // Kept as typed; e-mails are matched in lower case.
    expect(JSON.parse(row.settings)).toMatchObject({
      wsdlUrl: credentials.wsdlUrl,
      endpoint: intact.endpoint,
      salesOrders: true,
      pdfFreshMinutes: 30,
      accounts: { from: "externalId", table: [{ shopify: "4410001", account: "NORDIC01" }, { shopify: "Pia@Example.com", account: "PIA01" }] },
    });
    expect(row.encryptedCredentials).not.toContain("iq-password-1");
    expect(JSON.parse(decryptSecret(row.encryptedCredentials, parseKey(env().ENCRYPTION_KEY)))).toMatchObject({ username: "webshop", password: "iq-password-1" });
    const page = await loadConnection(db, SHOP);
    expect(page.connection).toMatchObject({ type: "intact", name: "Intact iQ", account: `webshop at ${credentials.wsdlUrl}`, settings: { salesOrders: true } });
    expect(page.connection?.settings).not.toHaveProperty("endpoint");
    expect(page.connection?.settings).not.toHaveProperty("wsdlUrl");
    expect(page.settingsProblem).toBeNull();
  });

  it("refuses a wrong password, a WSDL that cannot be read, and a wrong mapping, in words; nothing is stored", async () => {
    const db = await testDb();
    const wrong = await connectionAction(db, SHOP, form({ intent: "test", type: "intact", credentials: { ...credentials, password: "typo" } }));
    expect(wrong).toMatchObject({ ok: false, message: expect.stringMatching(/^Intact refused the username or password while checking the sign-in\./) });
    const unreadable = await connectionAction(db, SHOP, form({ intent: "test", type: "intact", credentials: { ...credentials, wsdlUrl: "http://127.0.0.1:9/IntactWebShop.svc?wsdl" } }));
    expect(unreadable).toMatchObject({ ok: false, message: expect.stringContaining("Intact's service description (WSDL) could not be read") });
    const badCode = await connectionAction(db, SHOP, form({ intent: "save", type: "intact", credentials, settings: { accounts: { from: "table", table: [{ shopify: "4410001", account: "A-CODE-LONGER-THAN-TWENTY" }] } } }));
    expect(badCode).toMatchObject({ ok: false, message: expect.stringContaining("an Intact account code has at most 20 characters") });
    const badKey = await connectionAction(db, SHOP, form({ intent: "save", type: "intact", credentials, settings: { accounts: { from: "table", table: [{ shopify: "Nordic Cafés", account: "NORDIC01" }] } } }));
    expect(badKey).toMatchObject({ ok: false, message: expect.stringContaining("a Shopify company id (the number at the end of the company's admin address) or a customer's e-mail") });
    const twice = await connectionAction(db, SHOP, form({ intent: "save", type: "intact", credentials, settings: { accounts: { from: "table", table: [{ shopify: "a@b.dk", account: "X" }, { shopify: "A@B.dk", account: "Y" }] } } }));
    expect(twice).toMatchObject({ ok: false, message: expect.stringContaining("a@b.dk is in the table twice") });
    const badOperation = await connectionAction(db, SHOP, form({ intent: "save", type: "intact", credentials, settings: { operations: { listInvoices: { operation: "" } } } }));
    expect(badOperation).toMatchObject({ ok: false, message: expect.stringContaining("The Intact operations mapping is incomplete or wrong") });
    expect(await db.connection.count()).toBe(0);
    const nothing = await connectionAction(db, SHOP, form({ intent: "test", type: "intact", credentials: { wsdlUrl: "", username: "", password: "" } }));
    expect(nothing).toEqual({ intent: "test", ok: false, message: "Enter the WebShop service address (WSDL) and WebShop user and Password." });
  });

  it("outside the sandbox the WSDL's address must be https and name a server by its domain (the sign-in is sent there)", () => {
    const problem = (wsdlUrl: string) => addressProblem("intact", { wsdlUrl, username: "u", password: "p" }, false);
    expect(problem("https://iq.example.com/IntactWebShop.svc?wsdl")).toBeNull();
    expect(problem("http://iq.example.com/IntactWebShop.svc?wsdl")).toBe("The WebShop service address must start with https://, so that the WebShop password is sent encrypted.");
    for (const local of ["https://127.0.0.1/x?wsdl", "https://localhost/x?wsdl", "https://[::1]/x?wsdl", "https://intranet/x?wsdl", "https://169.254.169.254/latest?wsdl"]) {
      expect(problem(local)).toBe("The WebShop service address must name your Intact server by its domain name, not a local name or IP address.");
    }
    expect(problem("iq.example.com")).toMatch(/^The WebShop service address is not a web address\./);
  });
});
