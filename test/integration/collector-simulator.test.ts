// The Collector simulator, called over HTTP with the `soap` package's client from the same WSDL: the invoice
// state machine, the faults as Collector names them, the request checked against the WSDL (a body with its
// elements out of order is refused), the answers checked against it too, real PDFs, and injected faults.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as soap from "soap";
import { checkAgainstSchema, type ParsedWsdl } from "../../app/providers/soap-schema";
import { COLLECTOR_NS, COLLECTOR_WSDL, CollectorSimulator } from "../simulators/collector/server";

const sim = new CollectorSimulator();
type Client = soap.Client & Record<string, (args: unknown) => Promise<[Record<string, unknown>, string]>>;
let client: Client;

const address = { Address1: "Drottninggatan 5", City: "Stockholm", CountryCode: "SE", Email: "sven@example.se", Firstname: "Sven", Lastname: "Berg", PostalCode: "11151" };
const addInvoice = (rows = [{ ArticleId: "KOPP", Description: "Kopp, blå", Quantity: 3, UnitPrice: 149, VAT: 25 }, { ArticleId: "FRAKT", Description: "Frakt", Quantity: 1, UnitPrice: 59, VAT: 25 }]) => ({
  ActivationOption: 0,
  CorrelationId: "ib:test",
  CountryCode: "SE",
  Currency: "SEK",
  DeliveryAddress: address,
  InvoiceAddress: address,
  InvoiceDeliveryMethod: 2,
  InvoiceRows: { InvoiceRow: rows },
  InvoiceType: 0,
  OrderDate: "2026-12-07T10:00:00",
  OrderNo: "#1001",
  PurchaseType: 0,
  Reference: "Shopify 5550000000001",
  RegNo: "",
  StoreId: 101,
});
const ref = (InvoiceNo: string) => ({ CountryCode: "SE", InvoiceNo, StoreId: 101 });

async function fault(call: Promise<unknown>) {
  const error = (await call.catch((e: unknown) => e)) as { root?: { Envelope?: { Body?: { Fault?: { faultcode: string; faultstring: string } } } } };
  return error.root?.Envelope?.Body?.Fault ?? null;
}

function signIn(password = "secret") {
  client.clearSoapHeaders();
  client.addSoapHeader({ Username: "shop-se", Password: password, ClientIpAddress: "127.0.0.1" }, "", "tns", COLLECTOR_NS);
}

describe("the Collector invoice service simulator (SOAP over HTTP)", () => {
  beforeAll(async () => {
    await sim.start();
    client = (await soap.createClientAsync(COLLECTOR_WSDL, { endpoint: sim.endpoint })) as Client;
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.invoices.clear();
    sim.faults.clear();
    sim.stores.clear();
    sim.addStore({ storeId: 101, countryCode: "SE", username: "shop-se", password: "secret" });
    signIn();
  });

  it("adds a preliminary invoice, activates it, and serves its PDF; the answers follow the WSDL", async () => {
    const [added] = await client.AddInvoiceAsync(addInvoice());
    expect(checkAgainstSchema(client.wsdl as unknown as ParsedWsdl, COLLECTOR_NS, "AddInvoiceResponseV31", added)).toEqual([]);
    expect(added).toMatchObject({ InvoiceStatus: 1, TotalAmount: 506 });
    const invoiceNo = String(added.InvoiceNo);
    expect(sim.invoices.get(invoiceNo)?.status).toBe("preliminary");
    // No PDF before activation
    expect((await fetch(`${sim.url}/invoices/${invoiceNo}.pdf`)).status).toBe(404);
    const [activated] = await client.ActivateInvoiceAsync(ref(invoiceNo));
    expect(checkAgainstSchema(client.wsdl as unknown as ParsedWsdl, COLLECTOR_NS, "ActivateInvoiceResponse", activated)).toEqual([]);
    expect(Number(activated.TotalAmount)).toBe(506);
    const pdf = await fetch(String(activated.InvoiceUrl));
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("part-activates only the shipped articles; the rest stays preliminary under a new number", async () => {
    const [added] = await client.AddInvoiceAsync(addInvoice());
    const [part] = await client.PartActivateInvoiceAsync({ ArticleList: { ArticleListItem: [{ ArticleId: "KOPP", Quantity: 2 }] }, ...ref(String(added.InvoiceNo)) });
    expect(Number(part.TotalAmount)).toBe(298);
    const rest = sim.invoices.get(String(part.NewInvoiceNo))!;
    expect(rest.status).toBe("preliminary");
    expect(rest.rows.map((r) => [r.ArticleId, r.Quantity])).toEqual([["KOPP", 1], ["FRAKT", 1]]);
    expect(await fault(client.PartActivateInvoiceAsync({ ArticleList: { ArticleListItem: [{ ArticleId: "LAMPA", Quantity: 1 }] }, ...ref(rest.invoiceNo) }))).toMatchObject({ faultcode: "a:INVALID_TRANSACTION_AMOUNT" });
  });

  it("refuses what Collector refuses: a cancelled invoice activated, an unknown invoice, a full credit twice, bad credentials", async () => {
    const [added] = await client.AddInvoiceAsync(addInvoice());
    const no = String(added.InvoiceNo);
    await client.CancelInvoiceAsync(ref(no));
    expect(await fault(client.ActivateInvoiceAsync(ref(no)))).toMatchObject({ faultcode: "a:INVALID_INVOICE_STATUS" });
    expect(await fault(client.ActivateInvoiceAsync(ref("999")))).toMatchObject({ faultcode: "a:INVOICE_NOT_FOUND" });
    const [second] = await client.AddInvoiceAsync(addInvoice());
    await client.ActivateInvoiceAsync(ref(String(second.InvoiceNo)));
    await client.CreditInvoiceAsync({ CountryCode: "SE", CreditDate: "2026-12-08T00:00:00", InvoiceNo: String(second.InvoiceNo), StoreId: 101 });
    expect(await fault(client.CreditInvoiceAsync({ CountryCode: "SE", CreditDate: "2026-12-08T00:00:00", InvoiceNo: String(second.InvoiceNo), StoreId: 101 }))).toMatchObject({ faultcode: "a:INVALID_INVOICE_STATUS" });
    signIn("wrong");
    expect(await fault(client.AddInvoiceAsync(addInvoice()))).toMatchObject({ faultcode: "a:AUTHORIZATION_FAILED" });
  });

  it("checks each request against the WSDL: elements out of order, a missing one, a description over 50 characters", async () => {
    const { CountryCode, ...rest } = addInvoice();
    // CountryCode moved to the end: the same fields, out of WCF's order
    expect((await fault(client.AddInvoiceAsync({ ...rest, CountryCode })))?.faultstring).toMatch(/out of order/);
    expect((await fault(client.AddInvoiceAsync(rest)))?.faultstring).toMatch(/AddInvoiceRequest\/CountryCode: required/);
    const long = addInvoice([{ ArticleId: "KOPP", Description: "x".repeat(51), Quantity: 1, UnitPrice: 10, VAT: 25 }]);
    expect((await fault(client.AddInvoiceAsync(long)))?.faultstring).toMatch(/Description: longer than 50/);
    expect(sim.invoices.size).toBe(0);
  });

  it("sends and extends an activated invoice; a lost answer has still made the invoice", async () => {
    const [added] = await client.AddInvoiceAsync(addInvoice());
    const no = String(added.InvoiceNo);
    await client.ActivateInvoiceAsync(ref(no));
    const before = sim.invoices.get(no)!.dueDate!;
    const [extended] = await client.ExtendDueDateAsync(ref(no));
    expect(new Date(String(extended.DueDate)).getTime() - Date.parse(before)).toBe(30 * 86_400_000);
    await client.SendInvoiceAsync({ CountryCode: "SE", InvoiceDeliveryMethod: 2, InvoiceNo: no, StoreId: 101 });
    expect(sim.invoices.get(no)!.sent).toEqual([{ method: 2, email: "sven@example.se" }]);
    sim.faults.add({ kind: "lost-response", match: "AddInvoice" });
    await expect(client.AddInvoiceAsync(addInvoice())).rejects.toThrow();
    expect(sim.invoices.size).toBe(2);
    sim.faults.add({ kind: "status", status: 503, match: "ActivateInvoice" });
    await expect(client.ActivateInvoiceAsync(ref(no))).rejects.toThrow();
  });
});
