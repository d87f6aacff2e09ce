/// <reference types="@shopify/ui-extensions/admin.order-details.action.should-render" />
// "Generate invoice" is hidden once the order has its invoice.
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backend, documentRow, ORDER_GID, stateAnswer } from "./fixtures";

const extension = getExtension("admin.order-details.action.should-render");

describe("Generate invoice's should-render", () => {
  beforeEach(() => {
    extension.setUp();
    extension.shopify.data = { ...extension.shopify.data, selected: [{ id: ORDER_GID }] };
  });
  afterEach(() => extension.tearDown());

  const run = async () => {
    const module = (await import("../src/GenerateInvoiceShouldRender")) as { default: () => Promise<{ display: boolean }> };
    return module.default();
  };

  it("shows the action while the order has no invoice, and hides it once it has one", async () => {
    const api = backend(() => ({ body: stateAnswer() }));
    extension.fetch = api.fetch;
    expect(await run()).toEqual({ display: true });
    expect(api.calls.map((c) => [c.url, c.method])).toEqual([["/api/admin/orders/5550000000001", "GET"]]);
    extension.fetch = backend(() => ({ body: stateAnswer({ hasInvoice: true, documents: [documentRow()] }) })).fetch;
    expect(await run()).toEqual({ display: false });
  });

  it("stays visible when the app cannot answer, so that staff see why in the modal", async () => {
    extension.fetch = backend(() => ({ status: 503, body: { ok: false, message: "down" } })).fetch;
    expect(await run()).toEqual({ display: true });
  });
});
