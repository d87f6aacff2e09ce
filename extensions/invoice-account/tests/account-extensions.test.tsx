/// <reference types="@shopify/ui-extensions/customer-account.page.render" />
// The customer-account targets in @shopify/ui-extensions-tester's mock customer account: no invoice, one,
// several with credit notes, a B2B company's page, an error; the buyer's session token as the Bearer header; the
// buyer's language from the extension's locale files.
import { fireEvent, waitFor } from "@testing-library/preact";
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, describe, expect, it, vi } from "vitest";
import { accountDocument, backend, i18nFor, LOCALES, locale, ORDER_GID, orderAnswer, pageAnswer } from "./fixtures";

// Intl puts no-break spaces between a currency and its amount; compared as plain spaces.
const text = () => (document.body.textContent ?? "").replace(/[\u00a0\u202f]/g, " ");
const prop = (element: Element | null, name: string) => ((element as unknown as Record<string, unknown> | null)?.[name] as string | undefined) ?? element?.getAttribute(name) ?? null;
const links = () => [...document.body.querySelectorAll<Element>("s-link")].map((l) => [l.textContent, prop(l, "href")]);

const status = getExtension("customer-account.order-status.block.render");
const menuItem = getExtension("customer-account.order.action.menu-item.render");
const action = getExtension("customer-account.order.action.render");
const page = getExtension("customer-account.page.render");

const INVOICE = accountDocument();
const CREDIT = accountDocument({ id: "doc-2", kind: "creditNote", number: "10002", amount: "50.00", total: "50.00 DKK", status: null, dueDate: null, download: "https://app.example.com/documents/doc-2.pdf?sig" });

describe("Download invoice on the order status page (customer-account.order-status.block.render)", () => {
  afterEach(() => status.tearDown());
  const open = async (answer: Parameters<typeof backend>[0]) => {
    status.setUp();
    status.shopify.order.value = { id: ORDER_GID, name: "#1001" } as never;
    status.shopify.i18n = i18nFor("en.default", "en") as never;
    const api = backend(answer);
    status.fetch = api.fetch;
    await status.render();
    return api;
  };

  it("no invoice: draws nothing", async () => {
    const api = await open(() => ({ body: orderAnswer() }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(document.body.querySelector("s-section")).toBeNull();
    expect(api.calls[0]).toEqual({ url: "/api/account/orders/5550000000001", authorization: "Bearer mock-session-token" });
  });

  it("an invoice and a credit note: a signed link each, the credit note under the invoice", async () => {
    await open(() => ({ body: orderAnswer({ invoices: [INVOICE], creditNotes: [CREDIT] }) }));
    await waitFor(() => expect(links()).toHaveLength(2));
    expect(links()).toEqual([
      ["Download invoice 10001", INVOICE.download],
      ["Download credit note 10002", CREDIT.download],
    ]);
    expect(text()).toContain("DKK 289.00 · Dec 1, 2026");
    expect(text()).toContain("Credit notes");
  });

  it("an own invoice with its e-invoice: the XML's signed link beside the PDF's, in the buyer's words", async () => {
    const xml = "https://app.example.com/documents/doc-1.xml?for=buyer&expires=1&signature=x";
    await open(() => ({ body: orderAnswer({ invoices: [accountDocument({ einvoice: xml })] }) }));
    await waitFor(() => expect(links()).toHaveLength(2));
    expect(links()).toEqual([
      ["Download invoice 10001", INVOICE.download],
      ["Download e-invoice (XML)", xml],
    ]);
  });

  it("an order the buyer may not see (404) draws nothing; another error is shown in words", async () => {
    await open(() => ({ status: 404, body: { ok: false, message: "There is no such order in your account." } }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(text()).toBe("");
    status.tearDown();
    await open(() => ({ status: 401, body: { ok: false, message: "Sign in to your account to see your invoices." } }));
    await waitFor(() => expect(text()).toContain("Sign in to your account to see your invoices."));
  });
});

describe("Download invoice in the order's action menu (menu item and modal)", () => {
  afterEach(() => {
    menuItem.tearDown();
    action.tearDown();
  });

  it("the menu item shows only when the order has an invoice", async () => {
    menuItem.setUp();
    menuItem.shopify.i18n = i18nFor("da", "da") as never;
    menuItem.fetch = backend(() => ({ body: orderAnswer() })).fetch;
    await menuItem.render();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(document.body.querySelector("s-button")).toBeNull();
    menuItem.tearDown();
    menuItem.setUp();
    menuItem.shopify.i18n = i18nFor("da", "da") as never;
    const api = backend(() => ({ body: orderAnswer({ invoices: [INVOICE] }) }));
    menuItem.fetch = api.fetch;
    await menuItem.render();
    await waitFor(() => expect(document.body.querySelector("s-button")?.textContent).toBe("Download faktura"));
    expect(api.calls[0].url).toBe("/api/account/orders/1");
  });

  it("the modal lists several invoices and credit notes with their status, in Swedish; Close closes it", async () => {
    action.setUp();
    action.shopify.i18n = i18nFor("sv", "sv") as never;
    action.shopify.close = vi.fn();
    const second = accountDocument({ id: "doc-3", number: "10003", status: "paid", download: "https://app.example.com/documents/doc-3.pdf?sig" });
    action.fetch = backend(() => ({ body: orderAnswer({ invoices: [INVOICE, second], creditNotes: [CREDIT] }) })).fetch;
    await action.render();
    await waitFor(() => expect(links()).toHaveLength(3));
    expect(prop(document.body.querySelector("s-customer-account-action"), "heading")).toBe("Fakturor för order #1001");
    expect(links().map((l) => l[0])).toEqual(["Ladda ner faktura 10001", "Ladda ner faktura 10003", "Ladda ner kreditnota 10002"]);
    expect(text()).toContain("Obetald");
    expect(text()).toContain("Betald");
    fireEvent.click(document.body.querySelector('s-button[slot="primary-action"]')!);
    expect(action.shopify.close).toHaveBeenCalled();
  });
});

describe("the Invoices page (customer-account.page.render)", () => {
  afterEach(() => page.tearDown());
  const open = async (answer: Parameters<typeof backend>[0], language: (typeof LOCALES)[number] = "en.default", tag = "en") => {
    page.setUp();
    page.shopify.i18n = i18nFor(language, tag) as never;
    const api = backend(answer);
    page.fetch = api.fetch;
    await page.render();
    return api;
  };

  it("no invoices yet: says so", async () => {
    await open(() => ({ body: pageAnswer() }));
    await waitFor(() => expect(text()).toContain("You have no invoices yet."));
  });

  it("a B2B company: its name and locations, each invoice with number, order, dates, amount, status and download", async () => {
    const overdue = accountDocument({ id: "doc-4", number: "10004", orderName: "#1004", status: "overdue", dueDate: "2026-11-01", download: "https://app.example.com/documents/doc-4.pdf?sig" });
    await open(() => ({ body: pageAnswer({ company: { name: "Nordic Trade ApS", locations: ["Aarhus"] }, total: 3, documents: [INVOICE, overdue, CREDIT] }) }));
    await waitFor(() => expect(links()).toHaveLength(3));
    expect(prop(document.body.querySelector("s-page"), "subheading")).toBe("Invoices of Nordic Trade ApS (Aarhus)");
    expect(text()).toContain("Order #1001 · Date Dec 1, 2026 · Due Dec 15, 2026 · Amount DKK 289.00");
    expect([...document.body.querySelectorAll<Element>("s-badge")].map((b) => [b.textContent, prop(b, "tone")])).toEqual([
      ["Open", "auto"],
      ["Overdue", "critical"],
      ["Credit note", "neutral"],
    ]);
  });

  it("an invoice issued directly in the accounting system: no order to name, its own download link", async () => {
    const erp = accountDocument({ id: "erp:economic:10020", number: "10020", orderId: null, orderName: null, issuedOn: "2026-10-01", dueDate: "2026-10-15", status: "overdue", download: "https://app.example.com/account/erp-invoices/key.pdf?sig" });
    await open(() => ({ body: pageAnswer({ total: 2, documents: [INVOICE, erp] }) }));
    await waitFor(() => expect(links()).toHaveLength(2));
    expect(text()).toContain("Invoice 10020");
    expect(text()).toContain("Date Oct 1, 2026 · Due Oct 15, 2026 · Amount DKK 289.00");
    expect(text()).not.toMatch(/Order\s+· Date Oct 1/);
    expect(links()[1]).toEqual(["Download invoice 10020", "https://app.example.com/account/erp-invoices/key.pdf?sig"]);
  });

  it("what is still owed, where the accounting system says: on an open invoice, not on a paid one", async () => {
    const partly = accountDocument({ id: "erp:intact:INV-1", number: "INV-1", orderId: null, orderName: null, status: "open", amount: "1094.40", total: "1094.40 DKK", outstanding: "500.00" });
    const paid = accountDocument({ id: "erp:intact:INV-2", number: "INV-2", orderId: null, orderName: null, status: "paid", outstanding: "0.00" });
    await open(() => ({ body: pageAnswer({ total: 2, documents: [partly, paid] }) }));
    await waitFor(() => expect(links()).toHaveLength(2));
    expect(text()).toContain("Amount DKK 1,094.40 · Outstanding DKK 500.00");
    expect(text().match(/Outstanding/g)).toHaveLength(1);
  });

  it("pages: Next asks for page 2", async () => {
    const api = await open((url) => ({ body: pageAnswer({ total: 25, pages: 2, page: url.endsWith("page=2") ? 2 : 1, documents: [INVOICE] }) }));
    await waitFor(() => expect(text()).toContain("Page 1 of 2"));
    fireEvent.click([...document.body.querySelectorAll("s-button")].find((b) => b.textContent === "Next")!);
    await waitFor(() => expect(text()).toContain("Page 2 of 2"));
    expect(api.calls.map((c) => c.url)).toEqual(["/api/account/invoices?page=1", "/api/account/invoices?page=2"]);
  });

  it("in the buyer's language: Portuguese and German", async () => {
    await open(() => ({ body: pageAnswer({ total: 1, documents: [accountDocument({ status: "credited" })] }) }), "pt", "pt-PT");
    await waitFor(() => expect(text()).toContain("Creditada"));
    expect(links()[0][0]).toBe("Descarregar fatura 10001");
    page.tearDown();
    await open(() => ({ body: pageAnswer({ total: 1, documents: [accountDocument({ status: "paid" })] }) }), "de", "de-DE");
    await waitFor(() => expect(text()).toContain("Bezahlt"));
    expect(text()).toContain("289,00");
  });

  it("an error is shown in words", async () => {
    await open(() => ({ status: 503, body: { ok: false, message: "Your invoices cannot be loaded right now. Try again in a moment." } }));
    await waitFor(() => expect(text()).toContain("Your invoices cannot be loaded right now."));
  });
});

describe("the locale files", () => {
  const keys = (node: Record<string, unknown>, prefix = ""): string[] =>
    Object.entries(node).flatMap(([k, v]) => (typeof v === "object" && v !== null ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
  it.each(LOCALES.slice(1))("%s has every key of en.default, none empty", (name) => {
    expect(keys(locale(name)).sort()).toEqual(keys(locale("en.default")).sort());
    expect(keys(locale(name)).filter((k) => !String(k.split(".").reduce<unknown>((n, p) => (n as Record<string, unknown>)[p], locale(name))).trim())).toEqual([]);
  });
});
