import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EconomicSimulator } from "../simulators/economic/server";

const TOKENS = { "X-AppSecretToken": "app-secret", "X-AgreementGrantToken": "grant-1" };
let sim: EconomicSimulator;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = TOKENS) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...headers, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, headers: response.headers, body: type.includes("json") ? await response.json() : new Uint8Array(await response.arrayBuffer()) };
}

const customer = (overrides: Record<string, unknown> = {}) => ({
  name: "Nordic Cafés ApS",
  currency: "DKK",
  customerGroup: { customerGroupNumber: 1 },
  paymentTerms: { paymentTermsNumber: 1 },
  vatZone: { vatZoneNumber: 1 },
  email: "purchasing@nordic-cafes.example",
  ...overrides,
});

describe("e-conomic simulator", () => {
  beforeAll(async () => {
    sim = new EconomicSimulator();
    await sim.start();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.agreements.clear();
    sim.faults.clear();
    sim.addAgreement({ appSecretToken: "app-secret", agreementGrantToken: "grant-1" });
  });

  it("refuses missing or wrong tokens with e-conomic's error body", async () => {
    for (const headers of [{}, { ...TOKENS, "X-AppSecretToken": "other" }]) {
      const r = await api("GET", "/customers", undefined, headers);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ httpStatusCode: 401, errorCode: "E04010", message: expect.any(String), logId: expect.any(String), logTime: expect.any(String) });
    }
  });

  it("validates a new customer against e-conomic's schema, naming every missing field", async () => {
    const r = await api("POST", "/customers", { email: "x@example.com" });
    expect(r.status).toBe(400);
    expect(Object.keys((r.body as { errors: object }).errors).sort()).toEqual(["currency", "customerGroup", "name", "paymentTerms", "vatZone"]);
    const ok = await api("POST", "/customers", customer());
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ customerNumber: 1, self: `${sim.url}/customers/1` });
    expect((await api("GET", "/customers/1")).body).toMatchObject({ name: "Nordic Cafés ApS" });
  });

  it("filters with the documented syntax and escapes, and pages", async () => {
    for (let i = 1; i <= 25; i++) await api("POST", "/customers", customer({ name: `Customer ${i}`, email: i === 7 ? "a(b)$c@example.com" : `c${i}@example.com` }));
    const escaped = await api("GET", `/customers?filter=${encodeURIComponent("email$eq:a$(b$)$$c@example.com")}`);
    expect((escaped.body as { collection: Array<{ name: string }> }).collection.map((c) => c.name)).toEqual(["Customer 7"]);
    const like = await api("GET", `/customers?filter=${encodeURIComponent("name$like:Customer 2*$or:name$eq:Customer 9")}`);
    expect((like.body as { collection: Array<{ name: string }> }).collection.map((c) => c.name).sort()).toEqual(
      ["Customer 2", "Customer 20", "Customer 21", "Customer 22", "Customer 23", "Customer 24", "Customer 25", "Customer 9"].sort(),
    );
    const page = await api("GET", "/customers?pagesize=10&skippages=2");
    const body = page.body as { collection: unknown[]; pagination: { results: number; nextPage?: string } };
    expect(body.collection).toHaveLength(5);
    expect(body.pagination).toMatchObject({ results: 25, pageSize: 10, skipPages: 2 });
    expect(body.pagination.nextPage).toBeUndefined();
    const first = await api("GET", "/customers");
    expect((first.body as { collection: unknown[]; pagination: { nextPage?: string } }).collection).toHaveLength(20);
    expect((first.body as { pagination: { nextPage?: string } }).pagination.nextPage).toContain("skippages=1");
  });

  it("answers 400 to a filter on a field that cannot be filtered, and to a page size over 1000", async () => {
    expect((await api("GET", `/customers?filter=${encodeURIComponent("balance$gt:5")}`)).status).toBe(400);
    expect((await api("GET", "/customers?pagesize=1001")).status).toBe(400);
  });

  it("keeps product numbers to 25 characters and encodes special characters in self links", async () => {
    const tooLong = await api("POST", "/products", { productNumber: "X".repeat(26), name: "Long", productGroup: { productGroupNumber: 1 } });
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as { errors: object }).errors).toHaveProperty("productNumber");
    const mug = await api("POST", "/products", { productNumber: "MUG BLUE/1", name: "Mug", productGroup: { productGroupNumber: 1 } });
    expect(mug.body).toMatchObject({ self: `${sim.url}/products/MUG_9_BLUE_6_1` });
    expect((await api("GET", "/products/MUG_9_BLUE_6_1")).body).toMatchObject({ productNumber: "MUG BLUE/1" });
  });

  it("makes a draft with VAT per rate, finds it by references.other, books it with the next number, and serves a PDF", async () => {
    await api("POST", "/customers", customer());
    await api("POST", "/products", { productNumber: "MUG", name: "Mug", productGroup: { productGroupNumber: 1 } });
    const draft = await api("POST", "/invoices/drafts", {
      date: "2026-11-21",
      currency: "DKK",
      customer: { customerNumber: 1 },
      paymentTerms: { paymentTermsNumber: 1 },
      layout: { layoutNumber: 19 },
      recipient: { name: "Nordic Cafés ApS", vatZone: { vatZoneNumber: 1 } },
      references: { other: "ib:shop.myshopify.com:1001:invoice:order" },
      lines: [{ product: { productNumber: "MUG" }, description: "Mug", quantity: 3, unitNetPrice: 99.95 }],
    });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ draftInvoiceNumber: 1, netAmount: 299.85, vatAmount: 74.96, grossAmount: 374.81 });
    const byReference = await api("GET", `/invoices/drafts?filter=${encodeURIComponent("references.other$eq:ib:shop.myshopify.com:1001:invoice:order")}`);
    expect((byReference.body as { collection: Array<{ draftInvoiceNumber: number }> }).collection.map((d) => d.draftInvoiceNumber)).toEqual([1]);

    const booked = await api("POST", "/invoices/booked", { draftInvoice: { draftInvoiceNumber: 1 } });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ bookedInvoiceNumber: 10001, pdf: { download: `${sim.url}/invoices/booked/10001/pdf` } });
    expect((await api("POST", "/invoices/booked", { draftInvoice: { draftInvoiceNumber: 1 } })).status).toBe(404);
    expect((await api("GET", "/invoices/drafts/1")).status).toBe(404);

    const pdf = await api("GET", "/invoices/booked/10001/pdf");
    expect(pdf.status).toBe(200);
    const bytes = pdf.body as Uint8Array;
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe("%PDF-");
    const document = await PDFDocument.load(bytes);
    expect(document.getTitle()).toBe("Invoice 10001");
    expect(document.getPageCount()).toBe(1);
  });

  it("refuses an amount with more decimals than the schema allows, and an unknown product", async () => {
    await api("POST", "/customers", customer());
    const base = {
      date: "2026-11-21",
      currency: "DKK",
      customer: { customerNumber: 1 },
      paymentTerms: { paymentTermsNumber: 1 },
      layout: { layoutNumber: 19 },
      recipient: { name: "X", vatZone: { vatZoneNumber: 1 } },
    };
    const decimals = await api("POST", "/invoices/drafts", { ...base, lines: [{ description: "x", quantity: 1, unitNetPrice: 1.234 }] });
    expect(decimals.status).toBe(400);
    expect(JSON.stringify(decimals.body)).toContain("too many decimals");
    const unknown = await api("POST", "/invoices/drafts", { ...base, lines: [{ product: { productNumber: "NOPE" }, quantity: 1, unitNetPrice: 1 }] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("Product 'NOPE' not found");
  });

  it("commits a write and loses the answer on request, and answers 429 with Retry-After", async () => {
    await api("POST", "/customers", customer());
    sim.faults.add({ kind: "lost-response", match: "POST /customers" });
    await expect(api("POST", "/customers", customer({ name: "Committed, answer lost" }))).rejects.toThrow();
    expect([...sim.agreements.get("grant-1")!.customers.values()].map((c) => c.name)).toContain("Committed, answer lost");
    sim.faults.add({ kind: "status", status: 429, retryAfter: 3, body: { message: "Too many requests", httpStatusCode: 429 } });
    const limited = await api("GET", "/customers");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
  });
});
