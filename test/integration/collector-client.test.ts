// The Collector SOAP client against the simulator over HTTP: calls with the headers, every failure classified
// once (Collector's faults, 5xx, 429 with its wait, a timeout, a cut connection, an answer that is not SOAP),
// and an answer that does not follow the WSDL refused; the credentials appear in no error.
import http from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuthError, PermanentError, RetryableError } from "../../app/lib/errors";
import { COLLECTOR_NAMESPACE, COLLECTOR_WSDL_FILE, createCollectorClient, type CollectorClient } from "../../app/providers/collector/collector-client";
import { CollectorSimulator } from "../simulators/collector/server";

const sim = new CollectorSimulator();
const address = { Address1: "Storgatan 1", City: "Malmö", CountryCode: "SE", PostalCode: "21122" };
const invoice = {
  ActivationOption: 0,
  CountryCode: "SE",
  Currency: "SEK",
  DeliveryAddress: address,
  InvoiceAddress: address,
  InvoiceDeliveryMethod: 1,
  InvoiceRows: { InvoiceRow: [{ ArticleId: "KOPP", Description: "Kopp", Quantity: 2, UnitPrice: 100, VAT: 25 }] },
  InvoiceType: 0,
  OrderDate: "2026-12-07T10:00:00",
  PurchaseType: 0,
  RegNo: "",
  StoreId: 201,
};
const client = (password = "pw-201", timeoutMs?: number) =>
  createCollectorClient({ wsdl: COLLECTOR_WSDL_FILE, endpoint: sim.endpoint, credentials: { username: "u-201", password }, timeoutMs });
const failure = async (call: Promise<unknown>) => (await call.then(() => null, (e: unknown) => e)) as Error & { code?: string; retryAfterMs?: number };

describe("the Collector SOAP client", () => {
  let c: CollectorClient;
  beforeAll(async () => {
    await sim.start();
    c = await client();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.invoices.clear();
    sim.faults.clear();
    sim.stores.clear();
    sim.addStore({ storeId: 201, countryCode: "SE", username: "u-201", password: "pw-201" });
  });

  it("adds and activates an invoice, the answers checked against the WSDL", async () => {
    const added = await c.call("AddInvoice", invoice, "adding the invoice of order #1001");
    expect(added).toMatchObject({ InvoiceStatus: 1, TotalAmount: 200 });
    const activated = await c.call("ActivateInvoice", { CountryCode: "SE", InvoiceNo: added.InvoiceNo, StoreId: 201 }, "activating it");
    expect(String(activated.InvoiceUrl)).toMatch(/\.pdf$/);
    expect(sim.invoices.get(String(added.InvoiceNo))?.status).toBe("activated");
  });

  it("classifies Collector's faults: a wrong password pauses the connection, the others stop in words", async () => {
    const refused = await failure((await client("pw-typo-9f3")).call("AddInvoice", invoice, "adding the invoice of order #1001"));
    expect(refused).toBeInstanceOf(AuthError);
    expect((refused as AuthError).merchantMessage).toMatch(/Collector refused the username, password or store id while adding the invoice of order #1001/);
    expect(JSON.stringify({ message: refused.message, words: (refused as AuthError).merchantMessage })).not.toContain("pw-typo-9f3");
    const missing = await failure(c.call("ActivateInvoice", { CountryCode: "SE", InvoiceNo: "42", StoreId: 201 }, "activating invoice 42"));
    expect(missing).toBeInstanceOf(PermanentError);
    expect(missing.code).toBe("collector_invoice_not_found");
    const added = await c.call("AddInvoice", invoice, "adding");
    await c.call("CancelInvoice", { CountryCode: "SE", InvoiceNo: added.InvoiceNo, StoreId: 201 }, "cancelling");
    expect((await failure(c.call("ActivateInvoice", { CountryCode: "SE", InvoiceNo: added.InvoiceNo, StoreId: 201 }, "activating"))).code).toBe("collector_invalid_status");
    const second = await c.call("AddInvoice", invoice, "adding");
    const wrongArticle = { ArticleList: { ArticleListItem: [{ ArticleId: "LAMPA", Quantity: 1 }] }, CountryCode: "SE", InvoiceNo: second.InvoiceNo, StoreId: 201 };
    expect((await failure(c.call("PartActivateInvoice", wrongArticle, "activating what shipped"))).code).toBe("collector_invalid_amount");
  });

  it("retries what may pass: 5xx, 429 with its wait, a timeout, a cut connection, an answer that is not SOAP", async () => {
    sim.faults.add({ kind: "status", status: 503, match: "AddInvoice" });
    expect(await failure(c.call("AddInvoice", invoice, "adding"))).toBeInstanceOf(RetryableError);
    sim.faults.add({ kind: "status", status: 429, retryAfter: 7, match: "AddInvoice" });
    const limited = await failure(c.call("AddInvoice", invoice, "adding"));
    expect(limited).toBeInstanceOf(RetryableError);
    expect(limited.retryAfterMs).toBe(7000);
    sim.faults.add({ kind: "garbage", match: "AddInvoice" });
    expect(await failure(c.call("AddInvoice", invoice, "adding"))).toBeInstanceOf(RetryableError);
    sim.faults.add({ kind: "timeout", match: "AddInvoice" });
    const slow = await client("pw-201", 300);
    expect((await failure(slow.call("AddInvoice", invoice, "adding"))).code).toBe("collector_unreachable");
    // The invoice was made, but its answer was lost: retryable, and the simulator holds it
    sim.faults.add({ kind: "lost-response", match: "AddInvoice" });
    expect((await failure(c.call("AddInvoice", invoice, "adding"))).code).toBe("collector_unreachable");
    expect(sim.invoices.size).toBe(1);
  });

  it("refuses an answer that does not follow the WSDL (AddInvoice without its InvoiceNo)", async () => {
    const liar = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" });
      res.end(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><AddInvoiceResponseV31 xmlns="${COLLECTOR_NAMESPACE}"><InvoiceStatus>1</InvoiceStatus></AddInvoiceResponseV31></s:Body></s:Envelope>`);
    });
    await new Promise<void>((resolve) => liar.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(liar.address() as { port: number }).port}/svc`;
      const c2 = await createCollectorClient({ wsdl: COLLECTOR_WSDL_FILE, endpoint, credentials: { username: "u", password: "p" } });
      const refused = await failure(c2.call("AddInvoice", invoice, "adding the invoice of order #1001"));
      expect(refused).toBeInstanceOf(PermanentError);
      expect(refused.code).toBe("collector_unexpected_answer");
      expect((refused as PermanentError).merchantMessage).toMatch(/does not follow its service description/);
      expect(refused.message).toMatch(/InvoiceNo: required/);
    } finally {
      liar.close();
    }
  });
});
