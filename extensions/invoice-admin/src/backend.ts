// The app's backend as the admin extensions see it (app/routes/api.admin.orders.$orderId.tsx). From an admin
// extension, a relative fetch goes to the app's URL and carries the admin's ID token.

export type DocumentRow = {
  id: string;
  kind: string;
  source: string;
  number: string | null;
  state: string;
  total: string | null;
  dueDate: string | null;
  provider: string;
  pdf: string | null;
  /** The UBL e-invoice (XML), where one was stored beside the PDF. */
  einvoice: string | null;
  /** A staff action on it is queued or running. */
  working: boolean;
  actions: { send: boolean; resend: boolean; takeBack: "cancel" | "credit" | null; extendDueDate: boolean; partActivate: boolean };
};

export type OrderState = {
  /** staffDueDate false: the system sets due dates itself, and extends them by its own period (no date to pick). */
  provider: { type: string; name: string; kinds: Array<"draft" | "invoice">; staffDueDate: boolean } | null;
  hasInvoice: boolean;
  generating: boolean;
  documents: DocumentRow[];
  lastLog: { status: string; message: string; at: string; retry: boolean } | null;
};

export type Preview = {
  order: { id: string; name: string; currency: string };
  kinds: Array<"draft" | "invoice">;
  kind: "draft" | "invoice" | null;
  willMake: boolean;
  reasons: string[];
  customer: { name: string; email: string | null; match: string };
  lines: Array<{ kind: string; productNumber: string | null; description: string; quantity: number; unitPrice: string; vatRate: string; gross: string }>;
  vat: Array<{ rate: string; net: string; vat: string }>;
  totals: { net: string; vat: string; gross: string };
  check: { outcome: "equal" | "rounded" | "mismatch"; shopifyTotal: string; documentTotal: string; difference: string };
  dueDate: { settable: boolean; suggested: string | null; note: string };
};

export type BulkSummary = {
  kind: "draft" | "invoice" | null;
  kinds: Array<"draft" | "invoice">;
  rows: Array<{ orderId: string; orderName: string; outcome: "queued" | "invoiced" | "not-eligible"; reason?: string }>;
  counts: { selected: number; queued: number; invoiced: number; notEligible: number };
};

export type Answer<T> = { ok: true; data: T } | { ok: false; message: string };

/** "gid://shopify/Order/123" (what the admin passes as data.selected) → "123". */
export function orderIdOf(selected: Array<{ id: string }> | undefined): string | null {
  const id = selected?.[0]?.id;
  return id ? id.replace(/^gid:\/\/shopify\/Order\//, "") : null;
}

async function call<T>(orderId: string, init?: { body: unknown }): Promise<Answer<T>> {
  return request<T>(`/api/admin/orders/${encodeURIComponent(orderId)}`, init);
}

async function request<T>(path: string, init?: { body: unknown }): Promise<Answer<T>> {
  try {
    const response = await fetch(path, {
      method: init ? "POST" : "GET",
      headers: init ? { "Content-Type": "application/json" } : undefined,
      body: init ? JSON.stringify(init.body) : undefined,
    });
    const body = (await response.json().catch(() => null)) as (T & { message?: string }) | null;
    if (!response.ok || body === null) {
      return { ok: false, message: body?.message ?? (response.status === 401 ? "Your session has expired. Reload the page." : `Invoice Bridge answered ${response.status}. Try again in a moment.`) };
    }
    return { ok: true, data: body };
  } catch {
    return { ok: false, message: "Invoice Bridge cannot be reached right now. Try again in a moment." };
  }
}

export const orderState = (orderId: string) => call<OrderState>(orderId);
export const previewInvoice = (orderId: string, kind?: string) => call<Preview>(orderId, { body: { intent: "preview", ...(kind ? { kind } : {}) } });
export const generateInvoice = (orderId: string, input: { kind: string; invoiceDate: string; dueDate: string | null; requestId: string }) =>
  call<{ ok: true; jobId: string; queued: boolean }>(orderId, { body: { intent: "generate", ...input } });

type Queued = { ok: true; jobId: string; queued: boolean };
export const retryOrder = (orderId: string) => call<{ ok: true; queued: number }>(orderId, { body: { intent: "retry" } });
export const documentAction = (orderId: string, input: { intent: "credit" | "partActivate" | "send"; documentId: string } | { intent: "extendDueDate"; documentId: string; dueDate?: string }) =>
  call<Queued>(orderId, { body: { ...input, requestId: requestId() } });

export const bulkSummary = (orderIds: string[], kind?: string) => request<BulkSummary>("/api/admin/bulk-generate", { body: { intent: "summary", orderIds, ...(kind ? { kind } : {}) } });
export const bulkGenerate = (input: { orderIds: string[]; kind?: string; invoiceDate: string; requestId: string }) =>
  request<{ ok: true; runId: string; queued: number; invoiced: number; notEligible: number }>("/api/admin/bulk-generate", { body: { intent: "generate", ...input } });

/** Waits until no staff action on the document is queued or running, then gives the order's state. */
export async function waitForAction(orderId: string, documentId: string, options: { everyMs: number; tries: number }): Promise<Answer<OrderState>> {
  let state = await orderState(orderId);
  for (let attempt = 1; attempt < options.tries && state.ok && state.data.documents.find((d) => d.id === documentId)?.working; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, options.everyMs));
    state = await orderState(orderId);
  }
  return state;
}

/** Waits for the generated document (or the failure that stopped it), asking every `everyMs`. */
export async function waitForInvoice(orderId: string, options: { everyMs: number; tries: number }): Promise<Answer<DocumentRow>> {
  for (let attempt = 0; attempt < options.tries; attempt++) {
    const state = await orderState(orderId);
    if (!state.ok) return state;
    const made = state.data.documents.find((d) => (d.kind === "invoice" || d.kind === "draft") && d.source === "order" && (d.state === "finalized" || d.state === "created"));
    if (made && !state.data.generating) return { ok: true, data: made };
    if (!state.data.generating && state.data.lastLog && state.data.lastLog.status !== "done") return { ok: false, message: state.data.lastLog.message };
    await new Promise((resolve) => setTimeout(resolve, options.everyMs));
  }
  return { ok: false, message: "The invoice is still being made. Its result will show in the Invoice Bridge block on this page." };
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function requestId(): string {
  return `click-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function percent(rate: string): string {
  return `${String(Number((Number(rate) * 100).toFixed(4)))}%`;
}
