// The customer-account Invoices page with invoices issued directly in the accounting system: a bookkeeper
// issues an invoice (and a credit note) for the buyer's customer in e-conomic or Visma, through the system's
// own API as its web UI would, and the buyer sees it beside the app's invoices, with its status from the
// system (what is still owed), and downloads its PDF through a signed link. Against the simulators over HTTP,
// with the app's documents made by the real order sync.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { issueInEconomic, issueInVisma } from "../helpers/bookkeeper";
import { customerToken } from "../helpers/customer-token";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { seedEconomicShop } from "../helpers/economic-shop";
import { seedVismaShop } from "../helpers/provider-shops";
import { pdfText, pdftotextMissing } from "../helpers/pdf-text";
import { orderSync } from "../helpers/sync";
import { vismaAccount } from "../helpers/visma-account";
import { EconomicSimulator } from "../simulators/economic/server";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { VismaSimulator } from "../simulators/visma/server";

const shopify = new ShopifyAdminSimulator();
await shopify.start();
process.env.SHOPIFY_ADMIN_ENDPOINT = shopify.url;
const visma = new VismaSimulator();
await visma.start();
process.env.VISMA_ENDPOINT = visma.url;
const economic = new EconomicSimulator();
await economic.start();

const SHOP = "erp-shop.myshopify.com";
const { SANDBOX_API_KEY, SANDBOX_API_SECRET } = await import("../../app/lib/env.server");
const invoicesRoute = await import("../../app/routes/api.account.invoices");
const erpPdfRoute = await import("../../app/routes/account.erp-invoices.$key[.pdf]");
const { forgetAccess } = await import("../../app/account/access.server");
const { PAGE_SIZE } = await import("../../app/account/account-invoices.server");
const { signPdfLink } = await import("../../app/documents/pdf-links.server");

type Doc = { id: string; kind: string; number: string | null; orderId: string | null; status: string | null; download: string; total: string | null; issuedOn: string; dueDate: string | null };
type Page = { documents: Doc[]; total: number; page: number; pages: number };

async function invoicesPage(customerId: number, page = 1): Promise<Page> {
  const token = await customerToken(SANDBOX_API_KEY, SANDBOX_API_SECRET, SHOP, customerId);
  const request = new Request(`http://127.0.0.1:3000/api/account/invoices?page=${page}`, { headers: { Authorization: `Bearer ${token}` } });
  const response = await invoicesRoute.loader({ request, params: {}, context: {} });
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

async function open(link: string) {
  const url = new URL(link, "http://127.0.0.1:3000");
  const key = /^\/account\/erp-invoices\/(.+)\.pdf$/.exec(url.pathname)?.[1];
  expect(key).toBeDefined();
  const response = await erpPdfRoute.loader({ request: new Request(url), params: { key: decodeURIComponent(key!) }, context: {} });
  return { status: response.status, type: response.headers.get("Content-Type"), bytes: Buffer.from(await response.arrayBuffer()) };
}

/** What a bookkeeper does in the system's own UI, through its API. */
type Bookkeeper = {
  issue(customerExternalId: string, input: { date: string; amount: number; credit?: boolean }): Promise<string>;
  /** Lowers what is owed on a booked invoice (e-conomic's simulator takes payments). */
  pay?(number: string, amount: number): void;
  failNextList(): void;
};

type Erp = { name: string; currency: string; country: string; connect(): Promise<Bookkeeper> };

const economicErp: Erp = {
  name: "e-conomic",
  currency: "DKK",
  country: "DK",
  async connect() {
    economic.agreements.clear();
    economic.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
    await seedEconomicShop(await testDb(), { shopDomain: SHOP, economicUrl: economic.url, appSecretToken: "s", agreementGrantToken: "g" });
    return {
      issue: (customerNumber, input) =>
        issueInEconomic(economic.url, { appSecretToken: "s", agreementGrantToken: "g" }, { ...input, customerNumber: Number(customerNumber), currency: "DKK", productNumber: "MUG", text: "Mugs, issued in e-conomic" }),
      pay(number, amount) {
        const invoice = economic.agreements.get("g")!.booked.get(Number(number))!;
        invoice.remainder = Math.round((Number(invoice.remainder) - amount) * 100) / 100;
      },
      failNextList() {
        economic.faults.add({ kind: "status", status: 503, match: "GET /invoices/booked", times: 5 });
      },
    };
  },
};

const vismaErp: Erp = {
  name: "Visma eAccounting",
  currency: "SEK",
  country: "SE",
  async connect() {
    const account = vismaAccount(visma);
    await seedVismaShop(await testDb(), { shopDomain: SHOP, vismaUrl: visma.url, tokens: account.tokens(), settings: account.settings });
    const { access_token } = account.tokens();
    const articleId = () => [...account.company.articles.keys()][0];
    return {
      issue: (customerId, input) => issueInVisma(visma.url, access_token, { ...input, customerId, articleId: articleId(), text: input.credit ? "Credit, issued in Visma" : "Mugs, issued in Visma" }),
      failNextList() {
        visma.faults.add({ kind: "status", status: 503, match: "GET /v2/customerinvoices", times: 5 });
      },
    };
  },
};

afterAll(() => Promise.all([shopify.close(), visma.close(), economic.close()]));

for (const erp of [economicErp, vismaErp]) describeWithDb(`the Invoices page with invoices issued in ${erp.name}`, () => {
  const sync = orderSync({ shopify: () => shopify, shop: SHOP, accessToken: "shpat_erp" });
  let bookkeeper: Bookkeeper;
  let buyer: number;
  let colleague: number;
  let ownOrder: number;
  let externalId: string;

  beforeAll(async () => {
    await resetDb();
    shopify.shops.clear();
    shopify.addShop({ domain: SHOP, accessToken: "shpat_erp", appUrl: "http://127.0.0.1:9", apiSecret: SANDBOX_API_SECRET, currency: erp.currency });
    await (await testDb()).session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", isOnline: false, accessToken: "shpat_erp", scope: "write_orders,read_customers" } });
    bookkeeper = await erp.connect();
    buyer = shopify.addCustomer(SHOP, { email: "ida@example.dk", firstName: "Ida", lastName: "Holm" }).id;
    colleague = shopify.addCustomer(SHOP, { email: "ole@example.dk", firstName: "Ole", lastName: "Holm" }).id;
    const company = shopify.shop(SHOP).companies.add(
      { name: "Holm & Co", locations: [{ name: "Vejle" }], contacts: [{ customerId: buyer, roles: [{ location: 0 }] }, { customerId: colleague, roles: [{ location: 0 }] }] },
      () => true,
    );
    ownOrder = shopify.addOrder(SHOP, {
      customerId: buyer,
      financialStatus: "paid",
      taxesIncluded: true,
      company: { id: company.id, name: company.name, locationId: company.locations[0].id, locationName: "Vejle" },
      billingAddress: { firstName: "Ida", lastName: "Holm", company: "Holm & Co", address1: "Torvet 1", city: "Vejle", zip: "7100", countryCode: erp.country },
      lines: [{ sku: "MUG", title: "Mug", quantity: 2, price: "125.00", taxRate: "0.25" }],
    }).id;
    await sync(ownOrder);
    const link = await (await testDb()).customerLink.findFirstOrThrow({ where: { shopifyCustomerId: String(buyer) } });
    externalId = link.externalId;
  });
  beforeEach(() => forgetAccess());

  it("shows an invoice and a credit note issued in the system beside the app's invoice, each once, newest first", async () => {
    const issued = await bookkeeper.issue(externalId, { date: "2026-10-01", amount: 400 });
    const credited = await bookkeeper.issue(externalId, { date: "2026-10-05", amount: 100, credit: true });
    const page = await invoicesPage(buyer);
    const ours = page.documents.filter((d) => d.orderId === String(ownOrder));
    const there = page.documents.filter((d) => d.orderId === null);
    // The app's own invoice is listed by the system too, but shown once, as ours.
    expect(ours).toHaveLength(1);
    // Paid in Shopify (by card) is paid, though the system has not matched the payment to its invoice yet.
    expect(ours[0].status).toBe("paid");
    expect(there.map((d) => [d.number, d.kind, d.issuedOn])).toEqual([
      [credited, "creditNote", "2026-10-05"],
      [issued, "invoice", "2026-10-01"],
    ]);
    expect(page.documents.map((d) => d.issuedOn)).toEqual([...page.documents.map((d) => d.issuedOn)].sort().reverse());
    const invoice = there.find((d) => d.kind === "invoice")!;
    expect(invoice.total).toBe(`500.00 ${erp.currency}`); // 400 net + 25% VAT
    // Its due date has passed and nothing is paid: overdue, in the system's word.
    expect(invoice.status).toBe("overdue");
    const pdf = await open(invoice.download);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe("application/pdf");
    expect(pdf.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    if (!pdftotextMissing) expect(pdfText(pdf.bytes)).toContain(issued);
  });

  it("a colleague at the same company location sees the invoices issued in the system for the orders there", async () => {
    const page = await invoicesPage(colleague);
    expect(page.documents.some((d) => d.orderId === String(ownOrder))).toBe(true);
    expect(page.documents.filter((d) => d.orderId === null).length).toBeGreaterThanOrEqual(2);
  });

  // e-conomic's booked invoice says what remains to be paid (its simulator takes payments); Visma's the same, in
  // RemainingAmountInvoiceCurrency, which its simulator lowers on no payment yet.
  if (erp.name === "e-conomic") {
    it("says paid once the system has the payment", async () => {
      const number = await bookkeeper.issue(externalId, { date: "2026-11-20", amount: 80 }); // 100.00 with VAT
      bookkeeper.pay!(number, 100);
      const invoice = (await invoicesPage(buyer)).documents.find((d) => d.number === number)!;
      expect(invoice.status).toBe("paid");
    });
  }

  it("the links: altered → 403, expired → 410, and what the system holds is never served for a wrong key", async () => {
    const invoice = (await invoicesPage(buyer)).documents.find((d) => d.orderId === null && d.kind === "invoice")!;
    const url = new URL(invoice.download);
    const key = /^\/account\/erp-invoices\/(.+)\.pdf$/.exec(url.pathname)![1];
    // Another document number in the key, the signature kept
    const forged = JSON.parse(Buffer.from(decodeURIComponent(key), "base64url").toString()) as Record<string, string>;
    const altered = new URL(url);
    altered.pathname = `/account/erp-invoices/${Buffer.from(JSON.stringify({ ...forged, ref: "1" })).toString("base64url")}.pdf`;
    expect((await open(altered.toString())).status).toBe(403);
    const expired = signPdfLink({ documentId: decodeURIComponent(key), audience: "buyer", path: "/account/erp-invoices", now: new Date(Date.now() - 10 * 60_000) });
    const answer = await open(expired);
    expect(answer.status).toBe(410);
    expect(answer.bytes.toString()).toMatch(/expired/);
  });

  it("pages of 20, the system's invoices included", async () => {
    for (let i = 0; i < PAGE_SIZE; i++) await bookkeeper.issue(externalId, { date: `2026-09-${String(i + 1).padStart(2, "0")}`, amount: 10 + i });
    const first = await invoicesPage(buyer, 1);
    const second = await invoicesPage(buyer, 2);
    expect(first.documents).toHaveLength(PAGE_SIZE);
    expect(first.pages).toBe(2);
    expect(second.documents).toHaveLength(first.total - PAGE_SIZE);
    const ids = [...first.documents, ...second.documents].map((d) => d.id);
    expect(new Set(ids).size).toBe(first.total);
  });

  it("when the system does not answer, the page still shows the app's own invoices", async () => {
    bookkeeper.failNextList();
    const page = await invoicesPage(buyer);
    expect(page.documents.map((d) => d.orderId)).toEqual([String(ownOrder)]);
  });
});
