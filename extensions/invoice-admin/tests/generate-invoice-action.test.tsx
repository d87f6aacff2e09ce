/// <reference types="@shopify/ui-extensions/admin.order-details.action.render" />
// "Generate invoice" in the official tester's mock admin: the preview, the dates, confirm, the result or the error.
import { fireEvent, waitFor } from "@testing-library/preact";
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backend, documentRow, ORDER_GID, previewAnswer, stateAnswer } from "./fixtures";

const extension = getExtension("admin.order-details.action.render");

const text = () => document.body.textContent ?? "";
/** An s-* element's property as Preact set it: a property where the element defines one, else an attribute. */
const prop = (element: Element | null, name: string) => ((element as unknown as Record<string, unknown> | null)?.[name] as string | undefined) ?? element?.getAttribute(name) ?? null;
const headings = () => [...document.body.querySelectorAll("s-banner")].map((b) => prop(b, "heading"));
const primary = () => document.body.querySelector('s-button[slot="primary-action"]') as HTMLElement & { disabled?: boolean };

describe("Generate invoice (admin.order-details.action.render)", () => {
  beforeEach(() => {
    extension.setUp();
    extension.shopify.data = { ...extension.shopify.data, selected: [{ id: ORDER_GID }] };
  });
  afterEach(() => extension.tearDown());

  it("shows the plan before anything is posted: lines, VAT per rate, the totals check and the customer", async () => {
    const api = backend(() => ({ body: previewAnswer() }));
    extension.fetch = api.fetch;
    await extension.render();
    await waitFor(() => expect(text()).toContain("Equals Shopify's total of 289.00 DKK."));
    expect(text()).toContain("MUG · Mug · 2 × 100.00 DKK · VAT 25% · 250.00 DKK");
    expect(text()).toContain("VAT 25% on 231.20 DKK: 57.80 DKK");
    expect(text()).toContain("Bo Buyer (bo@example.dk): matched by e-mail, or created");
    expect(api.calls).toEqual([{ url: "/api/admin/orders/5550000000001", method: "POST", body: { intent: "preview" } }]);
    const dateField = document.body.querySelector('s-date-field[name="invoiceDate"]') as HTMLElement & { value: string };
    expect(prop(dateField, "value")).toBe(new Date().toISOString().slice(0, 10));
  });

  it("confirm posts the chosen kind and dates once, then shows the number and the PDF link", async () => {
    let generated = false;
    const api = backend((_url, body, method) => {
      if (body?.intent === "preview") return { body: previewAnswer() };
      if (body?.intent === "generate") {
        generated = true;
        return { body: { ok: true, jobId: "job-1", queued: true } };
      }
      expect(method).toBe("GET");
      return { body: stateAnswer({ hasInvoice: generated, documents: generated ? [documentRow()] : [] }) };
    });
    extension.fetch = api.fetch;
    await extension.render();
    await waitFor(() => expect(text()).toContain("Equals Shopify's total"));
    const due = document.body.querySelector('s-date-field[name="dueDate"]') as HTMLElement & { value: string };
    due.value = "2026-12-20";
    fireEvent.change(due);
    const kind = document.body.querySelector('s-select[name="kind"]') as HTMLElement & { value: string };
    kind.value = "draft";
    fireEvent.change(kind);
    await waitFor(() => expect(api.calls.filter((c) => c.body?.intent === "preview")).toHaveLength(2));
    fireEvent.click(primary());
    await waitFor(() => expect(headings()).toContain("Invoice 10001 booked in e-conomic"));
    expect(text()).toContain("Total 289.00 DKK, due 2026-12-20.");
    expect(prop(document.body.querySelector("s-link"), "href")).toBe("https://app.example.com/documents/doc-1.pdf?for=admin&expires=1&signature=x");
    const posts = api.calls.filter((c) => c.body?.intent === "generate");
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toMatchObject({ intent: "generate", kind: "draft", invoiceDate: new Date().toISOString().slice(0, 10), dueDate: "2026-12-20", requestId: expect.stringMatching(/^click-/) });
  });

  it("a failure is shown in the sync log's words", async () => {
    let generated = false;
    const api = backend((_url, body) => {
      if (body?.intent === "preview") return { body: previewAnswer() };
      if (body?.intent === "generate") {
        generated = true;
        return { body: { ok: true, jobId: "job-1", queued: true } };
      }
      return { body: stateAnswer({ lastLog: generated ? { status: "failed", message: "No e-conomic product group is set for VAT 12%.", at: "2026-12-06T12:00:00Z", retry: true } : null }) };
    });
    extension.fetch = api.fetch;
    await extension.render();
    await waitFor(() => expect(text()).toContain("Equals Shopify's total"));
    fireEvent.click(primary());
    await waitFor(() => expect(headings()).toContain("No invoice was made"));
    expect(text()).toContain("No e-conomic product group is set for VAT 12%.");
  });

  it("a B2B order names the company; a mismatch says by how much and makes a draft", async () => {
    extension.fetch = backend(() => ({
      body: previewAnswer({
        kind: "draft",
        customer: { name: "Acme ApS", email: "ap@acme.example", match: "matched before (42)" },
        check: { outcome: "mismatch", shopifyTotal: "289.00", documentTotal: "290.00", difference: "-1.00" },
        reasons: ["The document would total 290.00 DKK, but Shopify's total is 289.00 DKK."],
      }),
    })).fetch;
    await extension.render();
    await waitFor(() => expect(text()).toContain("Differs from Shopify's total of 289.00 DKK by -1.00 DKK."));
    expect(text()).toContain("Acme ApS (ap@acme.example): matched before (42)");
    expect(primary().textContent).toBe("Generate draft");
  });

  it("without an accounting system the button stays off and the reason is shown; an error answer is shown in words", async () => {
    extension.fetch = backend(() => ({ body: previewAnswer({ willMake: false, reasons: ["No accounting system is connected, so nothing can be made yet."] }) })).fetch;
    await extension.render();
    await waitFor(() => expect(text()).toContain("No accounting system is connected"));
    expect(primary().hasAttribute("disabled") || primary().disabled === true).toBe(true);
    extension.tearDown();
    extension.setUp();
    extension.shopify.data = { ...extension.shopify.data, selected: [{ id: ORDER_GID }] };
    extension.fetch = backend(() => ({ status: 404, body: { ok: false, message: "This order does not exist in this shop." } })).fetch;
    await extension.render();
    await waitFor(() => expect(text()).toContain("This order does not exist in this shop."));
  });

  it("the due date starts from the order's payment terms, and is fixed where the system sets it (Visma)", async () => {
    extension.fetch = backend(() => ({ body: previewAnswer({ dueDate: { settable: true, suggested: "2027-01-05", note: "From the order's payment terms (Net 30)." } }) })).fetch;
    await extension.render();
    const field = () => document.body.querySelector('s-date-field[name="dueDate"]');
    await waitFor(() => expect(prop(field(), "value")).toBe("2027-01-05"));
    expect(prop(field(), "details")).toBe("From the order's payment terms (Net 30).");
    extension.tearDown();
    extension.setUp();
    extension.shopify.data = { ...extension.shopify.data, selected: [{ id: ORDER_GID }] };
    const api = backend((_url, body) =>
      body?.intent === "generate" ? { body: { ok: true, jobId: "j", queued: true } } : body?.intent === "preview" ? { body: previewAnswer({ dueDate: { settable: false, suggested: null, note: "Visma eAccounting sets the due date from the customer's terms of payment." } }) } : { body: stateAnswer({ documents: [documentRow()] }) },
    );
    extension.fetch = api.fetch;
    await extension.render();
    await waitFor(() => expect(prop(field(), "details")).toBe("Visma eAccounting sets the due date from the customer's terms of payment."));
    expect(prop(field(), "disabled")).toBeTruthy();
    fireEvent.click(primary());
    await waitFor(() => expect(api.calls.some((c) => c.body?.intent === "generate")).toBe(true));
    expect(api.calls.find((c) => c.body?.intent === "generate")!.body).toMatchObject({ dueDate: null });
  });

  it("a B2B order: the company is the customer it matches, with its payment terms as the due date", async () => {
    extension.fetch = backend(() => ({
      body: previewAnswer({
        customer: { name: "Nordic Trade ApS", email: "buyer@nordic.example", match: "matched before (2001)" },
        dueDate: { settable: true, suggested: "2027-01-05", note: "From the order's payment terms (Net 30)." },
      }),
    })).fetch;
    await extension.render();
    await waitFor(() => expect(text()).toContain("Nordic Trade ApS (buyer@nordic.example): matched before (2001)"));
    expect(prop(document.body.querySelector('s-date-field[name="dueDate"]'), "value")).toBe("2027-01-05");
  });
});
