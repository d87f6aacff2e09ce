/// <reference types="@shopify/ui-extensions/admin.order-details.print-action.render" />
// Print (the invoice PDF in the admin's print dialog) and Generate invoices (the order list's selection action)
// in the official tester's mock admin.
import { fireEvent, waitFor } from "@testing-library/preact";
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, describe, expect, it } from "vitest";
import { backend, documentRow, ORDER_GID, stateAnswer } from "./fixtures";
import { button, prop, text } from "./helpers";
import type { BulkSummary } from "../src/backend";

const print = getExtension("admin.order-details.print-action.render");
const bulk = getExtension("admin.order-index.selection-action.render");
const printSrc = () => prop(document.body.querySelector("s-admin-print-action"), "src");

describe("Print (admin.order-details.print-action.render)", () => {
  afterEach(() => print.tearDown());
  const open = async (answer: Parameters<typeof backend>[0]) => {
    print.setUp();
    print.shopify.data = { ...print.shopify.data, selected: [{ id: ORDER_GID }] };
    const api = backend(answer);
    print.fetch = api.fetch;
    await print.render();
    return api;
  };

  it("no booked invoice: says so, and gives the print dialog nothing to print", async () => {
    await open(() => ({ body: stateAnswer({ documents: [documentRow({ state: "created", pdf: null })] }) }));
    await waitFor(() => expect(text()).toContain("This order has no booked invoice to print yet."));
    expect(printSrc()).toBeNull();
  });

  it("an invoice: its signed PDF link is what the print dialog prints", async () => {
    const api = await open(() => ({ body: stateAnswer({ hasInvoice: true, documents: [documentRow()] }) }));
    await waitFor(() => expect(printSrc()).toBe(documentRow().pdf));
    expect(text()).toContain("Invoice 10001 · 289.00 DKK");
    expect(api.calls).toEqual([{ url: "/api/admin/orders/5550000000001", method: "GET", body: null }]);
  });

  it("an invoice and a credit note: the invoice first, the credit note when chosen", async () => {
    const credit = documentRow({ id: "doc-2", kind: "creditNote", number: "10002", total: "50.00 DKK", pdf: "https://app.example.com/documents/doc-2.pdf?sig" });
    await open(() => ({ body: stateAnswer({ hasInvoice: true, documents: [credit, documentRow()] }) }));
    await waitFor(() => expect(printSrc()).toBe(documentRow().pdf));
    const list = document.body.querySelector("s-choice-list") as HTMLElement & { values?: string[] };
    expect([...list.querySelectorAll("s-choice")].map((c) => c.textContent)).toEqual(["Credit note 10002 · 50.00 DKK", "Invoice 10001 · 289.00 DKK"]);
    Object.defineProperty(list, "values", { value: ["doc-2"], configurable: true });
    fireEvent.change(list);
    await waitFor(() => expect(printSrc()).toBe("https://app.example.com/documents/doc-2.pdf?sig"));
  });

  it("an error answer is shown in words", async () => {
    await open(() => ({ status: 503, body: { ok: false, message: "e-conomic is not answering right now." } }));
    await waitFor(() => expect(text()).toContain("e-conomic is not answering right now."));
    expect(printSrc()).toBeNull();
  });
});

function summary(overrides: Partial<BulkSummary> = {}): BulkSummary {
  return {
    kind: "invoice",
    kinds: ["draft", "invoice"],
    rows: [
      { orderId: "1", orderName: "#1001", outcome: "queued" },
      { orderId: "2", orderName: "#1002", outcome: "queued" },
      { orderId: "3", orderName: "#1003", outcome: "invoiced", reason: "Already has invoice 10001." },
      { orderId: "4", orderName: "#1004", outcome: "not-eligible", reason: "Skipped: order #1004 is cancelled." },
    ],
    counts: { selected: 4, queued: 2, invoiced: 1, notEligible: 1 },
    ...overrides,
  };
}

describe("Generate invoices (admin.order-index.selection-action.render)", () => {
  afterEach(() => bulk.tearDown());
  const SELECTED = ["1", "2", "3", "4"].map((n) => ({ id: `gid://shopify/Order/${n}` }));
  const open = async (answer: Parameters<typeof backend>[0]) => {
    bulk.setUp();
    bulk.shopify.data = { ...bulk.shopify.data, selected: SELECTED };
    const api = backend(answer);
    bulk.fetch = api.fetch;
    await bulk.render();
    return api;
  };

  it("summarises first, nothing posted: queued, already invoiced, not eligible and why", async () => {
    const api = await open(() => ({ body: summary() }));
    await waitFor(() => expect(text()).toContain("2 of 4 selected order(s) will get invoices."));
    expect(text()).toContain("1 already invoiced: #1003.");
    expect(text()).toContain("#1004: Skipped: order #1004 is cancelled.");
    expect(api.calls).toEqual([{ url: "/api/admin/bulk-generate", method: "POST", body: { intent: "summary", orderIds: SELECTED.map((s) => s.id) } }]);
    expect(button("Generate 2 invoices")).toBeTruthy();
  });

  it("confirm queues once with one request id, then points to the Invoices page", async () => {
    const api = await open((_url, body) => (body?.intent === "generate" ? { body: { ok: true, runId: "run-1", queued: 2, invoiced: 1, notEligible: 1 } } : { body: summary() }));
    await waitFor(() => expect(text()).toContain("will get invoices"));
    fireEvent.click(button("Generate 2 invoices"));
    await waitFor(() => expect(prop(document.body.querySelector("s-banner"), "heading")).toBe("2 order(s) queued"));
    expect(text()).toContain("Follow them on the Invoices page of Invoice Bridge");
    const posts = api.calls.filter((c) => c.body?.intent === "generate");
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toMatchObject({ orderIds: SELECTED.map((s) => s.id), kind: "invoice", invoiceDate: new Date().toISOString().slice(0, 10), requestId: expect.stringMatching(/^click-/) });
    expect(prop(button("Generate 2 invoices"), "disabled")).toBeTruthy();
  });

  it("nothing eligible: the button stays disabled; a refusal is shown in words", async () => {
    await open(() => ({ body: summary({ rows: [], counts: { selected: 4, queued: 0, invoiced: 4, notEligible: 0 } }) }));
    await waitFor(() => expect(text()).toContain("0 of 4 selected order(s) will get invoices."));
    expect(prop(button("Generate invoices"), "disabled")).toBeTruthy();
    bulk.tearDown();
    await open(() => ({ status: 400, body: { ok: false, message: "Select at most 250 orders at a time (251 selected)." } }));
    await waitFor(() => expect(text()).toContain("Select at most 250 orders at a time (251 selected)."));
  });
});
