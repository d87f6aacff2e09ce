/// <reference types="@shopify/ui-extensions/admin.order-details.block.render" />
// The order block and the action's should-render in the official tester's mock admin.
import { fireEvent, waitFor } from "@testing-library/preact";
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backend, documentRow, ORDER_GID, stateAnswer } from "./fixtures";

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
        : { body: stateAnswer({ hasInvoice: true, documents: [documentRow(), documentRow({ id: "doc-2", kind: "creditNote", number: "10002", total: "50.00 DKK", dueDate: null, actions: { resend: false, cancel: false, extendDueDate: false, partActivate: false } })], lastLog: { status: "done", message: "Credit note 10002 booked in e-conomic for the refund on order #1001 (50.00 DKK), crediting invoice 10001.", at: "2026-12-06T12:00:00Z", retry: false } }) },
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

  it("a failure: the last sync-log line in words, as a critical banner", async () => {
    block.fetch = backend(() => ({ body: stateAnswer({ lastLog: { status: "failed", message: "No e-conomic product group is set for VAT 12%.", at: "2026-12-06T12:00:00Z", retry: true } }) })).fetch;
    await block.render();
    await waitFor(() => expect(text()).toContain("No e-conomic product group is set for VAT 12%."));
    expect(document.body.querySelector("s-banner")?.getAttribute("tone")).toBe("critical");
  });

  it("a provider without a resend or cancel gets no such buttons; an error answer is shown in words", async () => {
    block.fetch = backend(() => ({ body: stateAnswer({ provider: { type: "shop", name: "Own invoice", kinds: ["invoice"] }, documents: [documentRow({ state: "created", number: null, pdf: null, actions: { resend: false, cancel: false, extendDueDate: false, partActivate: false } })] }) })).fetch;
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
});
