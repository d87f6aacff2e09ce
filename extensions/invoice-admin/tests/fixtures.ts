// What the app's backend answers, as fixtures with overrides, and a fetch double that records the calls.
import { vi } from "vitest";
import type { DocumentRow, OrderState, Preview } from "../src/backend";

export const ORDER_GID = "gid://shopify/Order/5550000000001";

export function previewAnswer(overrides: Partial<Preview> = {}): Preview {
  return {
    order: { id: "5550000000001", name: "#1001", currency: "DKK" },
    kinds: ["draft", "invoice"],
    kind: "invoice",
    willMake: true,
    reasons: ["A booked invoice, as requested."],
    customer: { name: "Bo Buyer", email: "bo@example.dk", match: "matched by e-mail, or created" },
    lines: [
      { kind: "product", productNumber: "MUG", description: "Mug", quantity: 2, unitPrice: "100.00", vatRate: "0.25", gross: "250.00" },
      { kind: "shipping", productNumber: "SHIPPING", description: "Shipping: GLS", quantity: 1, unitPrice: "31.20", vatRate: "0.25", gross: "39.00" },
    ],
    vat: [{ rate: "0.25", net: "231.20", vat: "57.80" }],
    totals: { net: "231.20", vat: "57.80", gross: "289.00" },
    check: { outcome: "equal", shopifyTotal: "289.00", documentTotal: "289.00", difference: "0.00" },
    dueDate: { settable: true, suggested: null, note: "Empty: the payment terms set in e-conomic" },
    ...overrides,
  };
}

export function documentRow(overrides: Partial<DocumentRow> = {}): DocumentRow {
  return {
    id: "doc-1",
    kind: "invoice",
    source: "order",
    number: "10001",
    state: "finalized",
    total: "289.00 DKK",
    dueDate: "2026-12-20",
    provider: "e-conomic",
    pdf: "https://app.example.com/documents/doc-1.pdf?for=admin&expires=1&signature=x",
    einvoice: null,
    working: false,
    actions: { send: false, resend: true, takeBack: null, extendDueDate: false, partActivate: false },
    ...overrides,
  };
}

export function stateAnswer(overrides: Partial<OrderState> = {}): OrderState {
  return { provider: { type: "economic", name: "e-conomic", kinds: ["draft", "invoice"], staffDueDate: true }, hasInvoice: false, generating: false, documents: [], lastLog: null, ...overrides };
}

/** A fetch double: each call is answered by `answer(url, init)`, and recorded with its parsed JSON body. */
export function backend(answer: (url: string, body: Record<string, unknown> | null, method: string) => { status?: number; body: unknown }) {
  const calls: Array<{ url: string; method: string; body: Record<string, unknown> | null }> = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    const body = typeof init?.body === "string" && init.body.startsWith("{") ? (JSON.parse(init.body) as Record<string, unknown>) : null;
    calls.push({ url, method, body });
    const reply = answer(url, body, method);
    return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200, headers: { "Content-Type": "application/json" } });
  });
  return { fetch, calls };
}
