// The app's backend as the customer-account extensions see it (app/routes/api.account.*). A customer-account
// extension calls the app at its full address, with the buyer's session token as a Bearer header.

import type { AccountDocument, InvoicesPage, OrderDocuments } from "../../../app/account/wire";

export type { AccountDocument, InvoicesPage, OrderDocuments };

export type Answer<T> = { ok: true; data: T } | { ok: false; status: number; message: string };

// Replaced with a string when the extensions are built (scripts/build-extensions.ts); read as is in tests.
declare const process: { env: Record<string, string | undefined> };

/** The app's address, set when the extensions are built (npm run build:extensions); empty: the same origin. */
const APP_URL = (process.env.INVOICE_BRIDGE_APP_URL ?? "").replace(/\/$/, "");

type SessionToken = { get(): Promise<string> };

async function get<T>(sessionToken: SessionToken, path: string, fallback: string): Promise<Answer<T>> {
  try {
    const token = await sessionToken.get();
    const response = await fetch(`${APP_URL}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await response.json().catch(() => null)) as (T & { message?: string }) | null;
    if (!response.ok || body === null) return { ok: false, status: response.status, message: body?.message ?? fallback };
    return { ok: true, data: body };
  } catch {
    return { ok: false, status: 0, message: fallback };
  }
}

/** "gid://shopify/Order/123" → "123". */
export function orderNumberOf(gid: string | undefined | null): string | null {
  const id = /^gid:\/\/shopify\/Order\/(\d+)$/.exec(gid ?? "")?.[1];
  return id ?? null;
}

/** The calls, with the target's session token (shopify.sessionToken); `fallback` is the words for a failed call. */
export function accountApi(sessionToken: SessionToken, fallback: string) {
  return {
    orderDocuments: (orderId: string) => get<OrderDocuments>(sessionToken, `/api/account/orders/${encodeURIComponent(orderId)}`, fallback),
    invoicesPage: (page: number) => get<InvoicesPage>(sessionToken, `/api/account/invoices?page=${page}`, fallback),
  };
}
