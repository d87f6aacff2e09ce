import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InvoicExpressSimulator, type IxAccount } from "../simulators/invoicexpress/server";

const ACCOUNT = "acme";
const KEY = "ix-key-1";
let sim: InvoicExpressSimulator;
let account: IxAccount;

type Json = Record<string, unknown> & { errors?: unknown };

async function api(method: string, path: string, body?: unknown, options: { key?: string | null; account?: string; raw?: string; contentType?: string | null } = {}) {
  const url = new URL(`${sim.accountUrl(options.account ?? ACCOUNT)}${path}`);
  if (options.key !== null) url.searchParams.set("api_key", options.key ?? KEY);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.contentType !== null) headers["Content-Type"] = options.contentType ?? "application/json";
  const response = await fetch(url, { method, headers, body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await response.text();
  return { status: response.status, text, body: (text ? JSON.parse(text) : undefined) as Json };
}

const invoice = (overrides: Record<string, unknown> = {}) => ({
  date: "21/11/2026",
  due_date: "21/12/2026",
  reference: "ib:shop.myshopify.com:1001:invoice:order",
  client: { name: "Café Central Lda", code: "SHOP-9001", email: "compras@cafe-central.example", address: "Rua Augusta 1", city: "Lisboa", postal_code: "1100-048", country: "Portugal", fiscal_id: "508025338" },
  items: [{ name: "MUG-1", description: "Caneca azul", unit_price: "10.00", quantity: "2", tax: { name: "IVA23" } }],
  ...overrides,
});

async function createDocument(type = "invoices", overrides: Record<string, unknown> = {}) {
  const r = await api("POST", `/${type}.json`, { invoice: invoice(overrides) });
  expect(r.status, r.text).toBe(201);
  return r;
}

async function finalized(type = "invoices", overrides: Record<string, unknown> = {}) {
  const key = type.replace(/s$/, "");
  const created = await createDocument(type, overrides);
  const id = (created.body[key] as { id: number }).id;
  const r = await api("PUT", `/${type}/${id}/change-state.json`, { invoice: { state: "finalized" } });
  expect(r.status, r.text).toBe(200);
  return { id, document: r.body[key] as Record<string, unknown> };
}

describe("InvoicExpress simulator", () => {
  beforeAll(async () => {
    sim = new InvoicExpressSimulator();
    await sim.start();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.accounts.clear();
    sim.faults.clear();
    account = sim.addAccount({ name: ACCOUNT, apiKey: KEY });
  });

  describe("auth and addressing", () => {
    it("GIVEN a wrong or missing api_key WHEN any call is made THEN it answers 401, and an unknown account 404", async () => {
      for (const key of ["wrong", null]) {
        const r = await api("GET", "/taxes.json", undefined, { key });
        expect(r.status).toBe(401);
        expect(r.body).toEqual({ errors: [{ error: "Unauthorized" }] });
      }
      const unknown = await api("GET", "/taxes.json", undefined, { account: "nobody" });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: "Account not found" });
      expect(sim.accountUrl(ACCOUNT)).toBe(`${sim.url}/acme`);
    });

    it("GIVEN a new account WHEN the taxes are listed THEN the seeded Portuguese rates come back with IVA23 as default", async () => {
      const r = await api("GET", "/taxes.json");
      expect(r.status).toBe(200);
      expect((r.body.taxes as Array<{ name: string; value: number; default_tax: number }>).map((t) => [t.name, t.value, t.default_tax])).toEqual([
        ["IVA23", 23, 1],
        ["IVA13", 13, 0],
        ["IVA6", 6, 0],
        ["IVA0", 0, 0],
      ]);
    });
  });

  describe("creating documents", () => {
    it("GIVEN an ISO date WHEN an invoice is created THEN it is refused with 422 naming the field, as is an impossible day or a due date before the date", async () => {
      const iso = await api("POST", "/invoices.json", { invoice: invoice({ date: "2026-11-21" }) });
      expect(iso.status).toBe(422);
      expect(iso.body.errors).toEqual({ date: ["is not a valid date (DD/MM/YYYY)"] });

      const impossible = await api("POST", "/invoices.json", { invoice: invoice({ due_date: "31/02/2026" }) });
      expect(impossible.status).toBe(422);
      expect(impossible.body.errors).toHaveProperty("due_date");

      const early = await api("POST", "/invoices.json", { invoice: invoice({ date: "21/11/2026", due_date: "20/11/2026" }) });
      expect(early.status).toBe(422);
      expect(early.body.errors).toEqual({ due_date: ["must be later than date"] });
      expect(account.documents.size).toBe(0);
    });

    it("GIVEN an unknown client WHEN an invoice is created THEN the client is created on the fly, find-by-name finds it, and the answer is wrapped under `invoice` as a draft", async () => {
      expect((await api("GET", `/clients/find-by-name.json?client_name=${encodeURIComponent("Café Central Lda")}`)).status).toBe(404);

      const created = await createDocument();
      const document = created.body.invoice as Record<string, unknown>;
      expect(Object.keys(created.body)).toEqual(["invoice"]);
      expect(document).toMatchObject({
        status: "draft",
        type: "Invoice",
        sequence_number: "draft",
        reference: "ib:shop.myshopify.com:1001:invoice:order",
        currency: "Euro",
        client: { name: "Café Central Lda", country: "Portugal" },
      });

      const found = await api("GET", `/clients/find-by-name.json?client_name=${encodeURIComponent("Café Central Lda")}`);
      expect(found.status).toBe(200);
      expect(found.body.client).toMatchObject({ id: (document.client as { id: number }).id, code: "SHOP-9001", email: "compras@cafe-central.example", city: "Lisboa", fiscal_id: "508025338" });
      expect((await api("GET", "/clients/find-by-code.json?client_code=SHOP-9001")).body.client).toMatchObject({ name: "Café Central Lda" });

      // A second invoice for the same client reuses it.
      await createDocument();
      expect(account.clients.size).toBe(1);
      expect((await api("GET", `/invoices/${String(document.id)}.json`)).body.invoice).toMatchObject({ id: document.id });
    });

    it("GIVEN the invoice_receipts endpoint WHEN a document is created, read and finalized THEN every answer is wrapped under `invoice_receipt` and finalizing settles it", async () => {
      const created = await createDocument("invoice_receipts");
      expect(Object.keys(created.body)).toEqual(["invoice_receipt"]);
      const id = (created.body.invoice_receipt as { id: number; type: string }).id;
      expect(created.body.invoice_receipt).toMatchObject({ type: "InvoiceReceipt", status: "draft" });
      expect(Object.keys((await api("GET", `/invoice_receipts/${id}.json`)).body)).toEqual(["invoice_receipt"]);
      // The same id under another type's path is not found.
      expect((await api("GET", `/invoices/${id}.json`)).status).toBe(404);

      const state = await api("PUT", `/invoice_receipts/${id}/change-state.json`, { invoice: { state: "finalized" } });
      expect(state.status).toBe(200);
      expect(state.body.invoice_receipt).toMatchObject({ status: "settled", sequence_number: "1/A", inverted_sequence_number: "A/1" });
    });

    it("GIVEN IVA23 and IVA6 lines with a discount, as strings and numbers WHEN the invoice is created THEN sum, discount, before_taxes, taxes and total are computed per line in cents", async () => {
      const r = await createDocument("invoices", {
        items: [
          { name: "MUG-1", unit_price: "10.00", quantity: "3", discount: "10", tax: { name: "IVA23" } },
          { name: "BOOK-1", unit_price: 4.99, quantity: 2, tax: { name: "IVA6" } },
        ],
      });
      const document = r.body.invoice as Record<string, unknown>;
      // 30.00 − 3.00 = 27.00 → IVA 6.21; 9.98 → IVA 0.5988 → 0.60.
      expect(document).toMatchObject({ sum: 39.98, discount: 3, before_taxes: 36.98, taxes: 6.81, total: 43.79 });
      expect(document.items).toEqual([
        expect.objectContaining({ name: "MUG-1", unit_price: "10.00", quantity: "3.0", discount: 10, subtotal: 30, discount_amount: 3, tax_amount: 6.21, total: 33.21, tax: expect.objectContaining({ name: "IVA23", value: 23 }) }),
        expect.objectContaining({ name: "BOOK-1", unit_price: "4.99", quantity: "2.0", discount: 0, subtotal: 9.98, discount_amount: 0, tax_amount: 0.6, total: 10.58, tax: expect.objectContaining({ name: "IVA6", value: 6 }) }),
      ]);
    });

    it("GIVEN a tax name the account does not have WHEN an invoice is created THEN the line silently gets the default tax IVA23", async () => {
      const r = await createDocument("invoices", { items: [{ name: "MUG-1", unit_price: "100", quantity: "1", tax: { name: "VAT25" } }] });
      expect(r.status).toBe(201);
      const document = r.body.invoice as { items: Array<{ tax: { name: string; value: number } }>; taxes: number; total: number };
      expect(document.items[0].tax).toMatchObject({ name: "IVA23", value: 23 });
      expect(document).toMatchObject({ taxes: 23, total: 123 });
    });

    it("GIVEN a 0% line on a Portuguese account WHEN no exemption reason is sent THEN 422 on tax_exemption; with M07 THEN 201; on a Spanish account THEN no reason is needed", async () => {
      const exempt = { items: [{ name: "GIFT-CARD", unit_price: "25", quantity: "1", tax: { name: "IVA0" } }] };
      const refused = await api("POST", "/invoices.json", { invoice: invoice(exempt) });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toHaveProperty("tax_exemption");
      expect((await api("POST", "/invoices.json", { invoice: invoice({ ...exempt, tax_exemption: "M00" }) })).status).toBe(422);

      const accepted = await api("POST", "/invoices.json", { invoice: invoice({ ...exempt, tax_exemption: "M07" }) });
      expect(accepted.status).toBe(201);
      expect(accepted.body.invoice).toMatchObject({ tax_exemption: "M07", taxes: 0, total: 25 });

      sim.addAccount({ name: "spain", apiKey: "es-key", country: "Spain" });
      expect((await api("POST", "/invoices.json", { invoice: invoice(exempt) }, { account: "spain", key: "es-key" })).status).toBe(201);
      expect((await api("POST", "/simplified_invoices.json", { invoice: invoice() }, { account: "spain", key: "es-key" })).status).toBe(422);
    });

    it("GIVEN bad items WHEN an invoice is created THEN each problem is named on its field and nothing is stored", async () => {
      const r = await api("POST", "/invoices.json", {
        invoice: invoice({ items: [{ name: "", unit_price: "abc", quantity: "0" }, { name: "X", unit_price: "1.123456", quantity: "1" }] }),
      });
      expect(r.status).toBe(422);
      expect(r.body.errors).toEqual({
        "items[0].name": ["can't be blank"],
        "items[0].unit_price": ["must be a number greater than or equal to 0"],
        "items[0].quantity": ["must be a number greater than 0"],
        "items[1].unit_price": ["can have at most 4 decimal places"],
      });
      expect((await api("POST", "/invoices.json", { invoice: invoice({ items: { name: "X" } }) })).body.errors).toEqual({ items: ["element should be of type array"] });
      expect((await api("POST", "/invoices.json", { invoice: invoice({ client: { name: "No Code" } }) })).body.errors).toEqual({ "client.code": ["can't be blank"] });
      expect((await api("POST", "/invoices.json", { credit_note: invoice() })).body.errors).toEqual({ invoice: ["can't be blank"] });
      expect(account.documents.size).toBe(0);
      expect(account.clients.size).toBe(0);
    });

    it("GIVEN a body that is not JSON, or no JSON content type WHEN posted THEN 422 with the vendor's error list", async () => {
      const malformed = await api("POST", "/invoices.json", undefined, { raw: "{not json" });
      expect(malformed.status).toBe(422);
      expect(malformed.body).toEqual({ errors: [{ error: "The request body is not valid JSON" }] });
      const untyped = await api("POST", "/invoices.json", undefined, { raw: JSON.stringify({ invoice: invoice() }), contentType: "text/plain" });
      expect(untyped.status).toBe(422);
      expect(untyped.body).toEqual({ errors: [{ error: "No content type or wrongly specified" }] });
    });

    it("GIVEN an item name used before WHEN a new invoice carries it THEN the item is updated, not duplicated", async () => {
      await createDocument();
      await createDocument("invoices", { items: [{ name: "MUG-1", description: "Caneca verde", unit_price: "12.50", quantity: "1" }] });
      const items = await api("GET", "/items.json");
      expect((items.body.items as unknown[]).length).toBe(1);
      expect(items.body.items).toEqual([expect.objectContaining({ name: "MUG-1", description: "Caneca verde", unit_price: 12.5 })]);
    });

    it("GIVEN a credit note WHEN it names no finalized invoice THEN 422; naming one THEN it is wrapped under credit_note and can be settled and unsettled", async () => {
      const refused = await api("POST", "/credit_notes.json", { invoice: invoice() });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toHaveProperty("owner_invoice_id");
      const draft = await createDocument();
      expect((await api("POST", "/credit_notes.json", { invoice: invoice({ owner_invoice_id: (draft.body.invoice as { id: number }).id }) })).status).toBe(422);

      const owner = await finalized();
      const note = await finalized("credit_notes", { owner_invoice_id: owner.id });
      expect(note.document).toMatchObject({ type: "CreditNote", status: "final", sequence_number: "1/A" });
      const settled = await api("PUT", `/credit_notes/${note.id}/change-state.json`, { invoice: { state: "settled" } });
      expect(settled.body.credit_note).toMatchObject({ status: "settled" });
      const unsettled = await api("PUT", `/credit_notes/${note.id}/change-state.json`, { invoice: { state: "unsettled" } });
      expect(unsettled.body.credit_note).toMatchObject({ status: "final" });
    });
  });

  describe("state machine", () => {
    it("GIVEN drafts WHEN finalized THEN each type numbers in sequence with an ATCUD; finalized→canceled needs a message; draft→settled is refused", async () => {
      const first = await finalized();
      expect(first.document).toMatchObject({ status: "final", sequence_number: "1/A", inverted_sequence_number: "A/1", atcud: expect.stringMatching(/-1$/) });
      expect((await finalized()).document).toMatchObject({ sequence_number: "2/A" });
      // Another type has its own counter.
      expect((await finalized("invoice_receipts")).document).toMatchObject({ sequence_number: "1/A" });

      const noMessage = await api("PUT", `/invoices/${first.id}/change-state.json`, { invoice: { state: "canceled" } });
      expect(noMessage.status).toBe(422);
      expect(noMessage.body).toEqual({ errors: [{ error: "Cancel message can't be blank" }] });
      const canceled = await api("PUT", `/invoices/${first.id}/change-state.json`, { invoice: { state: "canceled", message: "Order cancelled in Shopify" } });
      expect(canceled.status).toBe(200);
      expect(canceled.body.invoice).toMatchObject({ status: "canceled", sequence_number: "1/A" });

      const draft = await createDocument();
      const draftId = (draft.body.invoice as { id: number }).id;
      const settle = await api("PUT", `/invoices/${draftId}/change-state.json`, { invoice: { state: "settled" } });
      expect(settle.status).toBe(422);
      expect(settle.body).toEqual({ errors: [{ error: "Invalid state" }] });
      expect((await api("PUT", `/invoices/${draftId}/change-state.json`, { invoice: { state: "finalize" } })).status).toBe(422);
      expect(account.documents.get(draftId)).toMatchObject({ status: "draft", sequence_number: "draft" });
    });

    it("GIVEN a draft WHEN it is deleted THEN it leaves the lists and cannot be read, and its number is never used", async () => {
      const draft = await createDocument();
      const id = (draft.body.invoice as { id: number }).id;
      const deleted = await api("PUT", `/invoices/${id}/change-state.json`, { invoice: { state: "deleted" } });
      expect(deleted.status).toBe(200);
      expect((await api("GET", "/invoices.json")).body.invoices).toEqual([]);
      expect((await api("GET", `/invoices/${id}.json`)).status).toBe(404);
      expect((await finalized()).document).toMatchObject({ sequence_number: "1/A" });
    });

    it("GIVEN a finalized document WHEN another is finalized with an earlier date THEN it is refused (a series runs in date order)", async () => {
      await finalized("invoices", { date: "21/11/2026", due_date: "21/11/2026" });
      const earlier = await createDocument("invoices", { date: "20/11/2026", due_date: "20/11/2026" });
      const r = await api("PUT", `/invoices/${(earlier.body.invoice as { id: number }).id}/change-state.json`, { invoice: { state: "finalized" } });
      expect(r.status).toBe(422);
    });
  });

  describe("e-mail and PDF", () => {
    const message = { message: { client: { email: "compras@cafe-central.example", save: "0" }, subject: "Fatura", body: "Segue a fatura.", cc: "contab@cafe-central.example" } };

    it("GIVEN a draft WHEN it is e-mailed THEN it is refused; GIVEN a finalized invoice THEN the e-mail is recorded", async () => {
      const draft = await createDocument();
      const draftId = (draft.body.invoice as { id: number }).id;
      const refused = await api("PUT", `/invoices/${draftId}/email-document.json`, message);
      expect(refused.status).toBe(406);
      expect(account.emails).toEqual([]);

      const { id } = await finalized();
      const badAddress = await api("PUT", `/invoices/${id}/email-document.json`, { message: { ...message.message, client: { email: "not-an-email", save: "0" } } });
      expect(badAddress.status).toBe(422);
      expect(badAddress.body).toEqual({ errors: [{ error: "Email: is an invalid email" }] });

      const sent = await api("PUT", `/invoices/${id}/email-document.json`, message);
      expect(sent.status).toBe(200);
      expect(account.emails).toEqual([expect.objectContaining({ document_id: id, document_type: "Invoice", subject: "Fatura", cc: "contab@cafe-central.example", client: { email: "compras@cafe-central.example", save: "0" } })]);
    });

    it("GIVEN a draft THEN its PDF is 406; GIVEN a finalized invoice THEN the PDF answers 202 while made, then 200 with a pdfUrl serving a real PDF without the api_key", async () => {
      account.pdfPolls = 2;
      const draft = await createDocument();
      expect((await api("GET", `/api/pdf/${(draft.body.invoice as { id: number }).id}.json`)).status).toBe(406);
      expect((await api("GET", "/api/pdf/999999.json")).status).toBe(404);

      const { id } = await finalized();
      const first = await api("GET", `/api/pdf/${id}.json`);
      const second = await api("GET", `/api/pdf/${id}.json`);
      expect([first.status, second.status]).toEqual([202, 202]);
      expect(first.text).toBe("");
      const ready = await api("GET", `/api/pdf/${id}.json`);
      expect(ready.status).toBe(200);
      const pdfUrl = (ready.body.output as { pdfUrl: string }).pdfUrl;
      expect(pdfUrl).toMatch(new RegExp(`^${sim.url}/files/[0-9a-f]+\\.pdf$`));

      const file = await fetch(pdfUrl);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toBe("application/pdf");
      const bytes = new Uint8Array(await file.arrayBuffer());
      expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe("%PDF-");
      const pdf = await PDFDocument.load(bytes);
      expect(pdf.getTitle()).toBe("Fatura 1/A");
      expect(pdf.getPageCount()).toBe(1);
      expect((await fetch(`${sim.url}/files/${"0".repeat(32)}.pdf`)).status).toBe(404);
    });
  });

  describe("listing", () => {
    it("GIVEN several documents WHEN listed with `text` THEN only the one whose reference contains it comes back; `reference` is not a documented filter and is ignored", async () => {
      await createDocument("invoices", { reference: "ib:shop:1001:invoice:order" });
      await createDocument("invoices", { reference: "ib:shop:1002:invoice:order" });
      const wanted = await createDocument("invoice_receipts", { reference: "ib:shop:1003:invoice:order" });

      const byText = await api("GET", `/invoices.json?text=${encodeURIComponent("ib:shop:1003")}`);
      expect(byText.status).toBe(200);
      expect((byText.body.invoices as Array<{ id: number }>).map((d) => d.id)).toEqual([(wanted.body.invoice_receipt as { id: number }).id]);
      expect(byText.body.pagination).toEqual({ total_entries: 1, current_page: 1, total_pages: 1, per_page: 10 });

      const byReference = await api("GET", `/invoices.json?reference=${encodeURIComponent("ib:shop:1003:invoice:order")}`);
      expect((byReference.body.invoices as unknown[]).length).toBe(3);

      const receipts = await api("GET", "/invoices.json?type[]=InvoiceReceipt&status[]=draft");
      expect((receipts.body.invoices as unknown[]).length).toBe(1);
      expect((await api("GET", "/invoices.json?date[from]=2026-11-01")).status).toBe(422);
      expect((await api("GET", "/invoice_receipts.json")).body).toMatchObject({ invoice_receipts: [expect.objectContaining({ type: "InvoiceReceipt" })] });
    });

    it("GIVEN 25 documents WHEN listed page by page THEN the vendor's pagination block describes the pages", async () => {
      for (let i = 1; i <= 25; i++) await createDocument("invoices", { reference: `R-${i}` });
      const page3 = await api("GET", "/invoices.json?page=3");
      expect((page3.body.invoices as unknown[]).length).toBe(5);
      expect(page3.body.pagination).toEqual({ total_entries: 25, current_page: 3, total_pages: 3, per_page: 10 });
      const all = await api("GET", "/invoices.json?per_page=30");
      expect((all.body.invoices as Array<{ reference: string }>)[0].reference).toBe("R-25");
    });
  });

  describe("clients", () => {
    it("GIVEN a client WHEN another with the same name or code is created THEN 422 on that field", async () => {
      const created = await api("POST", "/clients.json", { client: { name: "Loja Norte", code: "N1", email: "norte@example.pt" } });
      expect(created.status).toBe(201);
      expect(created.body.client).toMatchObject({ name: "Loja Norte", code: "N1", country: "Portugal" });
      const id = (created.body.client as { id: number }).id;
      expect((await api("GET", `/clients/${id}.json`)).body.client).toMatchObject({ id });
      expect((await api("POST", "/clients.json", { client: { name: "Loja Norte", code: "N2" } })).body.errors).toEqual({ name: ["has already been taken"] });
      expect((await api("POST", "/clients.json", { client: { name: "Loja Sul", code: "N1" } })).body.errors).toEqual({ code: ["has already been taken"] });
      expect((await api("GET", "/clients/find-by-code.json?client_code=NOPE")).status).toBe(404);
    });
  });

  describe("faults and control API", () => {
    it("GIVEN a lost-response fault on create WHEN the invoice is posted THEN the caller gets no answer but the document is stored", async () => {
      sim.faults.add({ kind: "lost-response", match: "POST /acme/invoices.json" });
      await expect(api("POST", "/invoices.json", { invoice: invoice() })).rejects.toThrow();
      expect([...account.documents.values()]).toEqual([expect.objectContaining({ reference: "ib:shop.myshopify.com:1001:invoice:order", status: "draft" })]);
      const listed = await api("GET", `/invoices.json?text=${encodeURIComponent("1001:invoice")}`);
      expect((listed.body.invoices as unknown[]).length).toBe(1);
    });

    it("GIVEN the control API WHEN an account is added, used, inspected and reset THEN it behaves as the class does", async () => {
      const added = await fetch(`${sim.url}/_control/accounts`, { method: "POST", body: JSON.stringify({ name: "beta", apiKey: "b-key", pdfPolls: 0 }) });
      expect(added.status).toBe(201);
      expect(await added.json()).toEqual({ name: "beta", url: `${sim.url}/beta` });
      await api("POST", "/invoices.json", { invoice: invoice() }, { account: "beta", key: "b-key" });

      await fetch(`${sim.url}/_control/faults`, { method: "POST", body: JSON.stringify({ kind: "status", status: 503, match: "/beta/taxes.json" }) });
      expect((await api("GET", "/taxes.json", undefined, { account: "beta", key: "b-key" })).status).toBe(503);
      expect((await api("GET", "/taxes.json", undefined, { account: "beta", key: "b-key" })).status).toBe(200);

      const state = await (await fetch(`${sim.url}/_control/state?account=beta`)).json();
      expect(state).toMatchObject({ clients: [expect.objectContaining({ name: "Café Central Lda" })], documents: [expect.objectContaining({ type: "Invoice" })], emails: [], items: [expect.objectContaining({ name: "MUG-1" })] });

      expect((await fetch(`${sim.url}/_control/reset`, { method: "POST" })).status).toBe(200);
      expect(sim.accounts.size).toBe(0);
      expect((await fetch(`${sim.url}/_control/state?account=beta`)).status).toBe(404);
    });
  });
});
