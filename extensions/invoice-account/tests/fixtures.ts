// The backend's answers as fixtures, a fetch double that records each call with its Authorization header, and
// an i18n that translates with the extension's own locale files (the tester's echoes keys).
import { vi } from "vitest";
import da from "../locales/da.json";
import de from "../locales/de.json";
import en from "../locales/en.default.json";
import pt from "../locales/pt.json";
import sv from "../locales/sv.json";
import type { AccountDocument, InvoicesPage, OrderDocuments } from "../src/backend";

export const ORDER_GID = "gid://shopify/Order/5550000000001";

export function accountDocument(overrides: Partial<AccountDocument> = {}): AccountDocument {
  return {
    id: "doc-1",
    kind: "invoice",
    number: "10001",
    orderId: "5550000000001",
    orderName: "#1001",
    issuedOn: "2026-12-01",
    dueDate: "2026-12-15",
    amount: "289.00",
    currency: "DKK",
    total: "289.00 DKK",
    outstanding: null,
    status: "open",
    download: "https://app.example.com/documents/doc-1.pdf?for=buyer&expires=1&signature=x",
    einvoice: null,
    ...overrides,
  };
}

export function orderAnswer(overrides: Partial<OrderDocuments> = {}): OrderDocuments {
  return { order: { id: "5550000000001", name: "#1001" }, invoices: [], creditNotes: [], ...overrides };
}

export function pageAnswer(overrides: Partial<InvoicesPage> = {}): InvoicesPage {
  return { company: null, total: 0, page: 1, pages: 1, documents: [], ...overrides };
}

export function backend(answer: (url: string) => { status?: number; body: unknown }) {
  const calls: Array<{ url: string; authorization: string | null }> = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, authorization: new Headers(init?.headers).get("Authorization") });
    const reply = answer(url);
    return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200, headers: { "Content-Type": "application/json" } });
  });
  return { fetch, calls };
}

export const LOCALES = ["en.default", "da", "sv", "pt", "de"] as const;

const FILES: Record<(typeof LOCALES)[number], Record<string, unknown>> = { "en.default": en, da, sv, pt, de };

export function locale(name: (typeof LOCALES)[number]): Record<string, unknown> {
  return FILES[name];
}

/** shopify.i18n in a language: translate from the locale file, amounts and dates in the language's format. */
export function i18nFor(name: (typeof LOCALES)[number], language: string) {
  const strings = locale(name);
  return {
    translate: (key: string, options: Record<string, string | number> = {}) => {
      const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], strings);
      if (typeof value !== "string") throw new Error(`no ${key} in ${name}.json`);
      return value.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => String(options[k] ?? ""));
    },
    formatCurrency: (value: number | bigint, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat(language, { style: "currency", ...options }).format(value),
    formatNumber: (value: number | bigint) => new Intl.NumberFormat(language).format(value),
    formatDate: (date: Date, options?: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(language, options).format(date),
  };
}
