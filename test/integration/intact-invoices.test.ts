// The customer-account Invoices page with invoices issued in Intact iQ: a B2B buyer sees every invoice of
// their company's Intact account (number, dates, totals, status, what is still owed), as Intact lists them,
// and downloads each PDF through a signed link; the PDF is kept for the connection's freshness limit, fetched
// again after it, and served from the kept copy while Intact cannot be reached. Accounts come from the
// mapping: the company's external id, a metafield, or the table; a buyer reaches only their own company's.
// Against the Shopify and Intact simulators over HTTP (SOAP through the `soap` package), a real database.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { customerToken } from "../helpers/customer-token";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { pdfText, pdftotextMissing } from "../helpers/pdf-text";
import { seedIntactShop } from "../helpers/provider-shops";
import { IntactSimulator } from "../simulators/intact/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const intact = new IntactSimulator();
await intact.start();

const SHOP = "intact-shop.myshopify.com";
const { SANDBOX_API_KEY, SANDBOX_API_SECRET } = await import("../../app/lib/env.server");
const invoicesRoute = await import("../../app/routes/api.account.invoices");
const erpPdfRoute = await import("../../app/routes/account.erp-invoices.$key[.pdf]");
const { forgetAccess } = await import("../../app/account/access.server");

type Doc = { id: string; kind: string; number: string | null; orderId: string | null; status: string | null; download: string; total: string | null; outstanding: string | null; issuedOn: string; dueDate: string | null };
type Page = { documents: Doc[]; total: number; company: { name: string } | null };

async function invoicesPage(customerId: number): Promise<Page> {
  const token = await customerToken(SANDBOX_API_KEY, SANDBOX_API_SECRET, SHOP, customerId);
  const request = new Request("http://127.0.0.1:3000/api/account/invoices?page=1", { headers: { Authorization: `Bearer ${token}` } });
  const response = await invoicesRoute.loader({ request, params: {}, context: {} });
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

async function open(link: string) {
  const url = new URL(link, "http://127.0.0.1:3000");
  const key = /^\/account\/erp-invoices\/(.+)\.pdf$/.exec(url.pathname)![1];
  const response = await erpPdfRoute.loader({ request: new Request(url), params: { key: decodeURIComponent(key) }, context: {} });
  return { status: response.status, type: response.headers.get("Content-Type"), bytes: Buffer.from(await response.arrayBuffer()) };
}

async function connect(settings: Record<string, unknown> = {}) {
  const db = await testDb();
  await db.connection.deleteMany({});
  await db.shop.deleteMany({});
  await db.erpPdf.deleteMany({});
  await seedIntactShop(db, { shopDomain: SHOP, endpoint: intact.endpoint, username: "webshop", password: "iq-secret", settings: { pdfFreshMinutes: 60, ...settings } });
}

afterAll(() => Promise.all([shopify.close(), intact.close()]));

describeWithDb("the Invoices page with invoices issued in Intact iQ", () => {
  let ida: number;
  let ole: number;
  let stranger: number;
  let private_: number;
  let nordic: number;

  beforeAll(async () => {
    await resetDb();
    shopify.shops.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_intact", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: "EUR" });
    await (await testDb()).session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", isOnline: false, accessToken: "shpat_intact", scope: "write_orders,read_customers" } });
    ida = shopify.addCustomer(SHOP, { email: "ida@nordic.example", firstName: "Ida", lastName: "Holm" }).id;
    ole = shopify.addCustomer(SHOP, { email: "ole@nordic.example", firstName: "Ole", lastName: "Berg" }).id;
    stranger = shopify.addCustomer(SHOP, { email: "eve@other.example", firstName: "Eve", lastName: "Other" }).id;
    private_ = shopify.addCustomer(SHOP, { email: "pia@example.com", firstName: "Pia", lastName: "Privat", metafields: { "custom.intact_account": "PIA01" } }).id;
    const company = shopify.shop(SHOP).companies.add(
      { name: "Nordic Cafés ApS", externalId: "NORDIC01", locations: [{ name: "Aarhus" }], contacts: [{ customerId: ida, roles: [{ location: 0 }] }, { customerId: ole, roles: [{ location: 0 }] }] },
      () => true,
    );
    nordic = company.id;
    shopify.shop(SHOP).companies.add({ name: "Other Trading", externalId: "OTHER01", locations: [{ name: "Oslo" }], contacts: [{ customerId: stranger, roles: [{ location: 0 }] }] }, () => true);
  });

  beforeEach(async () => {
    forgetAccess();
    intact.users.clear();
    intact.accounts.clear();
    intact.invoices.length = 0;
    intact.faults.clear();
    intact.pdfFetches.clear();
    intact.addUser("webshop", "iq-secret");
    for (const [code, name] of [["NORDIC01", "Nordic Cafés ApS"], ["OTHER01", "Other Trading"], ["PIA01", "Pia Privat"]]) intact.addAccount({ code, name });
    intact.addInvoice({ account: "NORDIC01", number: "INV-20417", invoiceDate: "2026-10-02", dueDate: "2026-11-01", currency: "EUR", net: "1000.00", tax: "250.00", outstanding: "1250.00" });
    intact.addInvoice({ account: "NORDIC01", number: "INV-20503", invoiceDate: "2026-11-20", dueDate: "2099-12-20", currency: "EUR", net: "80.00", tax: "20.00", outstanding: "40.00" });
    intact.addInvoice({ account: "NORDIC01", number: "INV-20388", invoiceDate: "2026-09-12", dueDate: "2026-10-12", currency: "EUR", net: "300.00", tax: "75.00", outstanding: "0.00", status: "paid" });
    intact.addInvoice({ account: "NORDIC01", number: "CN-00071", invoiceDate: "2026-11-21", currency: "EUR", net: "40.00", tax: "10.00", outstanding: "0.00", isCreditNote: true });
    intact.addInvoice({ account: "NORDIC01", number: "INV-20299", invoiceDate: "2026-08-01", dueDate: "2026-09-01", currency: "EUR", net: "10.00", tax: "2.50", outstanding: "0.00", status: "cancelled" });
    intact.addInvoice({ account: "OTHER01", number: "INV-90001", invoiceDate: "2026-11-01", currency: "NOK", net: "100.00", tax: "25.00" });
    intact.addInvoice({ account: "PIA01", number: "INV-20600", invoiceDate: "2026-11-25", dueDate: "2099-01-01", currency: "EUR", net: "20.00", tax: "5.00" });
    await connect();
  });

  it("a B2B buyer sees every invoice of the company's Intact account, newest first, with dates, totals, status and what is owed", async () => {
    const page = await invoicesPage(ida);
    expect(page.company?.name).toBe("Nordic Cafés ApS");
    expect(page.documents.map((d) => [d.number, d.kind, d.issuedOn, d.dueDate, d.total, d.status, d.outstanding])).toEqual([
      ["CN-00071", "creditNote", "2026-11-21", null, "50.00 EUR", null, null],
      ["INV-20503", "invoice", "2026-11-20", "2099-12-20", "100.00 EUR", "open", "40.00"],
      ["INV-20417", "invoice", "2026-10-02", "2026-11-01", "1250.00 EUR", "overdue", "1250.00"],
      ["INV-20388", "invoice", "2026-09-12", "2026-10-12", "375.00 EUR", "paid", "0.00"],
      ["INV-20299", "invoice", "2026-08-01", "2026-09-01", "12.50 EUR", "credited", "0.00"],
    ]);
    // Nothing of the other company's account, and nothing of the table's or metafield's private buyer.
    expect(page.documents.some((d) => d.number === "INV-90001" || d.number === "INV-20600")).toBe(false);
  });

  it("a colleague at the company sees the same invoices; a buyer of another company sees only theirs", async () => {
    expect((await invoicesPage(ole)).documents.map((d) => d.number)).toEqual((await invoicesPage(ida)).documents.map((d) => d.number));
    expect((await invoicesPage(stranger)).documents.map((d) => d.number)).toEqual(["INV-90001"]);
  });

  it("the PDF: fetched once from Intact, served from the kept copy within the freshness limit, fetched again after it", async () => {
    const invoice = (await invoicesPage(ida)).documents.find((d) => d.number === "INV-20417")!;
    const first = await open(invoice.download);
    expect(first.status).toBe(200);
    expect(first.type).toBe("application/pdf");
    expect(first.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    if (!pdftotextMissing) expect(pdfText(first.bytes)).toContain("Invoice INV-20417");
    const second = await open(invoice.download);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(intact.pdfFetches.get("INV-20417")).toBe(1);
    const db = await testDb();
    const kept = await db.erpPdf.findFirstOrThrow({ where: { shopDomain: SHOP, providerRef: "invoice:NORDIC01/INV-20417" } });
    expect(Buffer.from(kept.bytes).equals(first.bytes)).toBe(true);
    // An hour and a minute later the kept copy is stale: Intact is asked again.
    await db.erpPdf.update({ where: { id: kept.id }, data: { fetchedAt: new Date(Date.now() - 61 * 60_000) } });
    expect((await open(invoice.download)).status).toBe(200);
    expect(intact.pdfFetches.get("INV-20417")).toBe(2);
  });

  it("while Intact cannot be reached a kept copy is still served; without one the buyer is told to try later", async () => {
    const page = await invoicesPage(ida);
    const kept = page.documents.find((d) => d.number === "INV-20503")!;
    const never = page.documents.find((d) => d.number === "INV-20388")!;
    expect((await open(kept.download)).status).toBe(200);
    await (await testDb()).erpPdf.updateMany({ data: { fetchedAt: new Date(0) } });
    intact.faults.add({ kind: "status", status: 503, match: "GetInvoicePdf", times: 10 });
    const stale = await open(kept.download);
    expect(stale.status).toBe(200);
    expect(stale.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const none = await open(never.download);
    expect(none.status).toBe(503);
    expect(none.bytes.toString()).toBe("The invoice's PDF is not available right now. Try again later.");
  });

  it("with a freshness limit of 0 nothing is kept: every download asks Intact", async () => {
    await connect({ pdfFreshMinutes: 0 });
    const invoice = (await invoicesPage(ida)).documents.find((d) => d.number === "INV-20417")!;
    await open(invoice.download);
    await open(invoice.download);
    expect(intact.pdfFetches.get("INV-20417")).toBe(2);
    expect(await (await testDb()).erpPdf.count()).toBe(0);
  });

  it("accounts by metafield (the company's, else the customer's) and by the table, whose rows win", async () => {
    await connect({ accounts: { from: "metafield", metafield: "custom.intact_account" } });
    // The company has no metafield yet: the private buyer's own metafield still names theirs.
    expect((await invoicesPage(ida)).documents).toEqual([]);
    expect((await invoicesPage(private_)).documents.map((d) => d.number)).toEqual(["INV-20600"]);
    shopify.shop(SHOP).companies.update(nordic, { metafields: { "custom.intact_account": "NORDIC01" } });
    forgetAccess();
    expect((await invoicesPage(ida)).documents.map((d) => d.number)).toContain("INV-20417");
    // The table: a row for the company's id (and one for an e-mail) overrides whatever the source says.
    await connect({ accounts: { from: "externalId", table: [{ shopify: String(nordic), account: "OTHER01" }, { shopify: "PIA@example.com", account: "PIA01" }] } });
    forgetAccess();
    expect((await invoicesPage(ida)).documents.map((d) => d.number)).toEqual(["INV-90001"]);
    expect((await invoicesPage(private_)).documents.map((d) => d.number)).toEqual(["INV-20600"]);
  });

  it("a wrong password or an unknown account leaves the page working (empty), with nothing leaked", async () => {
    intact.users.set("webshop", "changed-in-intact");
    expect((await invoicesPage(ida)).documents).toEqual([]);
    intact.users.set("webshop", "iq-secret");
    intact.accounts.delete("NORDIC01");
    expect((await invoicesPage(ida)).documents).toEqual([]);
  });
});
