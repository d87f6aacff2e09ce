/// <reference types="@shopify/ui-extensions/admin.order-details.block.render" />
// The order block and the action's should-render in the official tester's mock admin.
import { fireEvent, waitFor } from "@testing-library/preact";
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backend, documentRow, ORDER_GID, stateAnswer } from "./fixtures";
import { button, prop } from "./helpers";

const block = getExtension("admin.order-details.block.render");
const text = () => document.body.textContent ?? "";

describe("the invoice block (admin.order-details.block.render)", () => {
  beforeEach(() => {
    block.setUp();
    block.shopify.data = { ...block.shopify.data, selected: [{ id: ORDER_GID }] };
  });
  afterEach(() => block.tearDown());

  it("no invoice yet: says so, naming the accounting system", async () => {
    block.fetch = backend(() => ({ body: stateAnswer() })).fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("No document in e-conomic yet."));
  });

  it("an invoice and a credit note: kind, number, state, total, due date, provider, PDF; Resend queues once per click", async () => {
    const api = backend((url) =>
      url.includes("/resend")
        ? { body: { ok: true, queued: true } }
        : { body: stateAnswer({ hasInvoice: true, documents: [documentRow(), documentRow({ id: "doc-2", kind: "creditNote", number: "10002", total: "50.00 DKK", dueDate: null, actions: { send: false, resend: false, takeBack: null, extendDueDate: false, partActivate: false } })], lastLog: { status: "done", message: "Credit note 10002 booked in e-conomic for the refund on order #1001 (50.00 DKK), crediting invoice 10001.", at: "2026-12-06T12:00:00Z", retry: false } }) },
    );
    block.fetch = api.fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("Invoice 10001"));
    expect(text()).toContain("289.00 DKK · e-conomic · due 2026-12-20");
    expect(text()).toContain("Credit note 10002");
    expect(text()).toContain("crediting invoice 10001.");
    expect([...document.body.querySelectorAll("s-badge")].map((b) => b.textContent)).toEqual(["Booked", "Booked"]);
    const buttons = [...document.body.querySelectorAll("s-button")];
    expect(buttons.map((b) => b.textContent)).toEqual(["Resend e-mail"]);
    fireEvent.click(buttons[0]);
    await waitFor(() => expect(text()).toContain("Invoice 10001 will be e-mailed to the buyer again."));
    const resends = api.calls.filter((c) => c.url.endsWith("/resend"));
    expect(resends.map((c) => [c.url, c.method])).toEqual([["/app/documents/doc-1/resend", "POST"]]);
  });

  it("an own invoice with its e-invoice: 'Download e-invoice (XML)' beside the PDF, on the signed link", async () => {
    const xml = "https://app.example.com/documents/doc-1.xml?for=admin&expires=1&signature=x";
    block.fetch = backend(() => ({ body: stateAnswer({ provider: { type: "shop", name: "Own invoice", kinds: ["invoice"], staffDueDate: true }, hasInvoice: true, documents: [documentRow({ provider: "Own invoice", einvoice: xml })] }) })).fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("Download e-invoice (XML)"));
    const links = [...document.body.querySelectorAll("s-link")].map((l) => [l.textContent, prop(l, "href")]);
    expect(links).toEqual([
      ["PDF", documentRow().pdf],
      ["Download e-invoice (XML)", xml],
    ]);
  });

  it("a failure: the last sync-log line in words, as a critical banner", async () => {
    block.fetch = backend(() => ({ body: stateAnswer({ lastLog: { status: "failed", message: "No e-conomic product group is set for VAT 12%.", at: "2026-12-06T12:00:00Z", retry: true } }) })).fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("No e-conomic product group is set for VAT 12%."));
    expect(document.body.querySelector("s-banner")?.getAttribute("tone")).toBe("critical");
  });

  it("a provider without a resend or cancel gets no such buttons; an error answer is shown in words", async () => {
    block.fetch = backend(() => ({ body: stateAnswer({ provider: { type: "shop", name: "Own invoice", kinds: ["invoice"], staffDueDate: true }, documents: [documentRow({ state: "created", number: null, pdf: null, actions: { send: false, resend: false, takeBack: null, extendDueDate: false, partActivate: false } })] }) })).fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("Draft"));
    expect(document.body.querySelectorAll("s-button")).toHaveLength(0);
    expect(document.body.querySelectorAll("s-link")).toHaveLength(0);
    block.tearDown();
    block.setUp();
    block.shopify.data = { ...block.shopify.data, selected: [{ id: ORDER_GID }] };
    block.fetch = backend(() => ({ status: 401, body: {} })).fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("Your session has expired. Reload the page."));
  });

  it("a failure with Retry: the button asks for the order's failed task again", async () => {
    const api = backend((_url, body) =>
      body?.intent === "retry"
        ? { body: { ok: true, queued: 1 } }
        : { body: stateAnswer({ lastLog: { status: "failed", message: "e-conomic did not answer.", at: "2026-12-06T12:00:00Z", retry: true } }) },
    );
    block.fetch = api.fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("e-conomic did not answer."));
    fireEvent.click(button("Retry"));
    await waitFor(() => expect(text()).toContain("The failed task will run again shortly."));
    expect(api.calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([{ intent: "retry" }]);
  });

  it("Credit in full asks first, then queues once and shows what the sync log says", async () => {
    let credited = false;
    const booked = documentRow({ actions: { send: false, resend: true, takeBack: "credit", extendDueDate: false, partActivate: false } });
    const api = backend((_url, body) => {
      if (body?.intent === "credit") {
        credited = true;
        return { body: { ok: true, jobId: "job-1", queued: true } };
      }
      return credited
        ? { body: stateAnswer({ hasInvoice: true, documents: [{ ...booked, actions: { ...booked.actions, takeBack: null } }, documentRow({ id: "doc-2", kind: "creditNote", number: "10002" })], lastLog: { status: "done", message: "At a staff member's request: credit note 10002 booked in e-conomic (289.00 DKK), crediting invoice 10001 in full.", at: "2026-12-06T12:00:00Z", retry: false } }) }
        : { body: stateAnswer({ hasInvoice: true, documents: [booked] }) };
    });
    block.fetch = api.fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("Invoice 10001"));
    fireEvent.click(button("Credit in full"));
    // Nothing is posted before the confirmation
    expect(api.calls.filter((c) => c.method === "POST")).toEqual([]);
    expect(text()).toContain("A credit note for 289.00 DKK is booked in e-conomic. This cannot be undone.");
    fireEvent.click(button("Book the credit note"));
    await waitFor(() => expect(text()).toContain("crediting invoice 10001 in full."));
    expect(api.calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([{ intent: "credit", documentId: "doc-1", requestId: expect.stringMatching(/^click-/) }]);
    expect(text()).toContain("Credit note 10002");
  });

  it("a provider with the lifecycle (Collector): Cancel invoice, Extend due date with the new date, Activate shipped items", async () => {
    const preliminary = documentRow({ id: "doc-3", state: "created", number: "77", pdf: null, actions: { send: false, resend: false, takeBack: null, extendDueDate: false, partActivate: true } });
    const booked = documentRow({ provider: "Collector", actions: { send: false, resend: true, takeBack: "cancel", extendDueDate: true, partActivate: false } });
    const api = backend((_url, body) =>
      body?.intent ? { body: { ok: true, jobId: "job-2", queued: true } } : { body: stateAnswer({ provider: { type: "collector", name: "Collector", kinds: ["invoice"], staffDueDate: true }, documents: [booked, preliminary] }) },
    );
    block.fetch = api.fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("Invoice 77"));
    expect(button("Cancel invoice")).toBeTruthy();
    expect(prop(button("Extend due date"), "disabled")).toBeTruthy();
    const field = document.body.querySelector('s-date-field[name="due-doc-1"]') as HTMLElement & { value: string };
    field.value = "2027-01-19";
    fireEvent.change(field);
    await waitFor(() => expect(prop(button("Extend due date"), "disabled")).toBeFalsy());
    fireEvent.click(button("Extend due date"));
    await waitFor(() => expect(api.calls.some((c) => c.body?.intent === "extendDueDate")).toBe(true));
    await waitFor(() => expect(prop(button("Activate shipped items"), "disabled")).toBeFalsy());
    fireEvent.click(button("Activate shipped items"));
    await waitFor(() => expect(api.calls.some((c) => c.body?.intent === "partActivate")).toBe(true));
    expect(api.calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([
      { intent: "extendDueDate", documentId: "doc-1", dueDate: "2027-01-19", requestId: expect.any(String) },
      { intent: "partActivate", documentId: "doc-3", requestId: expect.any(String) },
    ]);
  });

  it("Walley, which delivers and dates its own invoices: Send from Walley, and Extend due date by its agreed period (no date to pick)", async () => {
    const booked = documentRow({ provider: "Walley", actions: { send: true, resend: false, takeBack: "credit", extendDueDate: true, partActivate: false } });
    const api = backend((_url, body) =>
      body?.intent ? { body: { ok: true, jobId: "job-3", queued: true } } : { body: stateAnswer({ provider: { type: "collector", name: "Walley", kinds: ["invoice"], staffDueDate: false }, documents: [booked] }) },
    );
    block.fetch = api.fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("Send from Walley"));
    expect(text()).not.toContain("Resend e-mail");
    expect(document.body.querySelector("s-date-field")).toBeNull();
    expect(text()).toContain("Walley moves it by the period of your agreement.");
    fireEvent.click(button("Send from Walley"));
    await waitFor(() => expect(api.calls.some((c) => c.body?.intent === "send")).toBe(true));
    await waitFor(() => expect(prop(button("Extend due date"), "disabled")).toBeFalsy());
    fireEvent.click(button("Extend due date"));
    await waitFor(() => expect(api.calls.some((c) => c.body?.intent === "extendDueDate")).toBe(true));
    expect(api.calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([
      { intent: "send", documentId: "doc-1", requestId: expect.any(String) },
      { intent: "extendDueDate", documentId: "doc-1", requestId: expect.any(String) },
    ]);
  });
});
