// The Intact iQ WebShop client against its SOAP simulator over HTTP, driven by the operations mapping: an
// account's invoices listed, an invoice's PDF fetched, a sales order pushed and found again by its reference;
// requests built from the mapping's names in the WSDL's order (the simulator refuses any other), a tenant's
// overrides applied, and failures classified in words (a wrong password, an unknown account, 5xx, timeouts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuthError, PermanentError, RetryableError } from "../../app/lib/errors";
import { createIntactClient, intactOperations, INTACT_WSDL_FILE, read } from "../../app/providers/intact/intact-client";
import { IntactSimulator } from "../simulators/intact/server";

const sim = new IntactSimulator();
const client = (password = "iq-password", overrides?: unknown, timeoutMs?: number) =>
  createIntactClient({ wsdl: INTACT_WSDL_FILE, endpoint: sim.endpoint, credentials: { username: "webshop", password }, operations: intactOperations(overrides), timeoutMs });
const failure = async (call: Promise<unknown>) => (await call.then(() => null, (e: unknown) => e)) as Error & { code?: string; merchantMessage?: string };

describe("the Intact iQ WebShop client", () => {
  beforeAll(() => sim.start());
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.users.clear();
    sim.accounts.clear();
    sim.invoices.length = 0;
    sim.salesOrders.length = 0;
    sim.faults.clear();
    sim.addUser("webshop", "iq-password");
    sim.addAccount({ code: "NORDIC01", name: "Nordic Cafés ApS" });
    sim.addInvoice({ account: "NORDIC01", number: "INV-20417", invoiceDate: "2026-11-02", dueDate: "2026-12-02", currency: "EUR", net: "1000.00", tax: "250.00", outstanding: "1250.00" });
    sim.addInvoice({ account: "NORDIC01", number: "INV-20503", invoiceDate: "2026-11-20", dueDate: "2026-12-20", currency: "EUR", net: "80.00", tax: "20.00", outstanding: "0.00", status: "paid" });
  });

  it("lists an account's invoices, newest first, through the mapping, and fetches one as a PDF", async () => {
    const c = await client();
    const answer = await c.call("listInvoices", { accountCode: "NORDIC01", limit: 10 }, "listing the invoices of account NORDIC01");
    const list = read(answer, c.operations.listInvoices.list) as Array<Record<string, unknown>>;
    // soap reads xs:decimal as a number; the provider turns it into minor units through its decimal text
    expect(list.map((i) => [i.InvoiceNumber, i.GrossTotal, i.Outstanding, i.Status, i.IsCreditNote])).toEqual([
      ["INV-20503", 100, 0, "paid", false],
      ["INV-20417", 1250, 1250, "open", false],
    ]);
    const pdf = await c.call("invoicePdf", { accountCode: "NORDIC01", number: "INV-20417" }, "fetching invoice INV-20417");
    const bytes = Buffer.from(String(read(pdf, c.operations.invoicePdf.response!.pdf)), "base64");
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(sim.pdfFetches.get("INV-20417")).toBe(1);
  });

  it("pushes a sales order with its lines in the WSDL's order whatever order they are given in, and finds it again by its reference", async () => {
    const c = await client();
    // the fields are given out of the schema's order; the simulator refuses any element out of order
    const made = await c.call(
      "createSalesOrder",
      { reference: "Shopify 1001 abc", orderDate: "2026-12-07", lines: [{ unitPrice: "80.00", taxRate: 25, quantity: 2, productCode: "KOPP", description: "Kopp" }], currency: "EUR", accountCode: "NORDIC01" },
      "pushing order #1001",
    );
    expect(made).toMatchObject({ SalesOrderNumber: "SO70001", GrossTotal: 200 });
    expect(sim.salesOrders[0]).toMatchObject({ reference: "Shopify 1001 abc", account: "NORDIC01", gross: "200.00" });
    expect(await c.call("findSalesOrder", { reference: "Shopify 1001 abc" }, "looking for order #1001")).toMatchObject({ SalesOrderNumber: "SO70001" });
    expect(await c.call("findSalesOrder", { reference: "Shopify 9999 zzz" }, "looking for order #9999")).not.toHaveProperty("SalesOrderNumber");
  });

  it("a tenant's own operation names come from the mapping; a name the WSDL lacks, or a field it does not take, is said and nothing is sent", async () => {
    const missing = await failure((await client("iq-password", { listInvoices: { operation: "GetCustomerLedger" } })).call("listInvoices", { accountCode: "NORDIC01", limit: 5 }, "listing"));
    expect(missing).toBeInstanceOf(PermanentError);
    expect(missing.merchantMessage).toBe('Intact\'s WSDL has no operation "GetCustomerLedger". Set the tenant\'s operation name in the connection\'s operations mapping.');
    const wrongField = await failure((await client("iq-password", { listInvoices: { request: { accountCode: "CustomerCode" } } })).call("listInvoices", { accountCode: "NORDIC01", limit: 5 }, "listing the invoices"));
    expect(wrongField).toMatchObject({ code: "intact_request" });
    expect(wrongField.message).toContain("CustomerCode: not an element of this type");
    expect(() => intactOperations({ verify: { operation: "" } })).toThrow(/The Intact operations mapping is incomplete or wrong \(verify.operation/);
  });

  it("classifies failures: a wrong password pauses, an unknown account stops, 5xx and timeouts are retried; the password appears in no error", async () => {
    const refused = await failure((await client("not-the-password")).call("verify", {}, "checking the sign-in"));
    expect(refused).toBeInstanceOf(AuthError);
    expect(refused.merchantMessage).toMatch(/^Intact refused the username or password while checking the sign-in\./);
    expect(JSON.stringify({ m: refused.message, w: refused.merchantMessage })).not.toContain("not-the-password");
    const c = await client("iq-password", undefined, 500);
    const unknown = await failure(c.call("listInvoices", { accountCode: "NOBODY", limit: 5 }, "listing the invoices of account NOBODY"));
    expect(unknown).toMatchObject({ code: "intact_account_not_found" });
    sim.faults.add({ kind: "status", status: 503, match: "GetAccountInvoices" });
    expect(await failure(c.call("listInvoices", { accountCode: "NORDIC01", limit: 5 }, "listing"))).toBeInstanceOf(RetryableError);
    sim.faults.add({ kind: "timeout", match: "GetInvoicePdf" });
    expect(await failure(c.call("invoicePdf", { accountCode: "NORDIC01", number: "INV-20417" }, "fetching"))).toMatchObject({ code: "intact_unreachable" });
  });
});
