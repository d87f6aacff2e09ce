// The InvoicExpress (InvoiceXpress) API v2 simulator: a stateful REST server on loopback that answers like
// https://{account}.app.invoicexpress.com. Many accounts share one port: the account is the first path
// segment, so production's https://acme.app.invoicexpress.com/invoices.json?api_key=K is
// `${sim.url}/acme/invoices.json?api_key=K` here (the provider's baseUrl is `${sim.url}/acme`).
//
// It checks the api_key, keeps clients, items and documents of every type, creates clients and items on the
// fly as the vendor does, computes totals in integer cents, runs the documented state machine (sequence
// numbers on finalizing), records e-mails, serves PDFs through the documented 202-then-200 polling with real
// PDF files, answers errors in the vendor's body shapes, and injects faults (target `${method} ${pathname}`).
//
// Control API (no auth): POST /_control/reset, POST /_control/faults {kind, match?, times?, …} (../faults.ts),
// POST /_control/accounts {name, apiKey, country?, pdfPolls?, …}, GET /_control/state?account=<name>.
//
// Vendor facts and their sources:
// - Create (https://docs.invoicexpress.com/invoices/createinvoice.md, https://invoicexpress.com/api-v2/invoices/create):
//   POST /{invoices-type}.json, invoices-type one of invoices, invoice_receipts, simplified_invoices,
//   credit_notes, debit_notes. The request body is {"invoice":{…}} for every type; required: invoice.date and
//   invoice.due_date ("dd/mm/yyyy"), invoice.client.name and invoice.client.code; optional reference,
//   observations, retention, tax_exemption (example "M00"), sequence_id, manual_sequence_number; items carry
//   name, description, unit_price, quantity ("100", "5" as strings in the example), unit, discount, tax.name.
//   "If the client name does not exist, a new one is created. If items do not exist with the given names, new
//   ones will be created. If item name already exists, the item is updated with the new values." "If the tax
//   name is not found, the default tax is applyed to that item. Portuguese accounts should also send the IVA
//   exemption reason if the invoice contains exempt items (IVA 0%)." "Simplified Invoices are only available in
//   Portugal." (currency_code, rate and owner_invoice_id appear in the v2 example request.)
// - Document fields (https://docs.invoicexpress.com/invoices/changeinvoicestate.md response fields, and the v2
//   response examples): id, status, archived, type ("Invoice"), sequence_number ("6/G"),
//   inverted_sequence_number ("G/6"), atcud ("ABCD1234-6"), sequence_id, tax_exemption ("M01"), date, due_date,
//   reference, observations, retention, permalink, saft_hash, sum, discount, before_taxes, taxes, total,
//   currency ("Euro"), client {id, name, country}, items [{name, description, unit_price ("24.3902"), unit,
//   quantity ("1.0"), tax {id, name, value}, discount, subtotal, tax_amount, discount_amount, total}].
//   Responses are wrapped in a key named after the document type ({"invoice_receipt":{…}}): the app's
//   /work/shared/PROVIDERS.md "Quirks (seen)", although the vendor's pages show "invoice" everywhere.
// - Change state (https://invoicexpress.com/api-v2/invoices/change-state, changeinvoicestate.md):
//   PUT /{type}/{id}/change-state.json with {"invoice":{"state","message"}}. draft→final (finalized, all);
//   draft→settled (finalized, invoice_receipt only); draft→deleted (deleted); final→canceled (canceled, all);
//   settled→canceled (invoice_receipt only); final→settled (settled); settled→final (unsettled, credit_note and
//   debit_note only). "Any other transitions will fail. When cancelling a document you must specify a reason."
// - Errors (https://invoicexpress.com/api-v2/documentation/error-codes-responses): 401 "The API Key parameter is
//   missing or is incorrectly entered", 404 "The requested resource does not exist", 406 "The :document-id
//   provided is in an invalid state", 422 "Some parameters were incorrect" — Change State: "Invalid state",
//   "Cancel message can't be blank"; Create or Update: "Due date must be later than date", "Quantity must be a
//   number greater than 0", "Unit price must be a number", "Discount is not a number", "Email must be an email
//   address", "Items element should be of type array"; Send by Email: "No content type or wrongly specified",
//   "Email: is an invalid email", "Cc: …", "Bcc: …"; clients and items: "Name has already been taken".
//   Unknown account: 404 "Account not found" (https://invoicexpress.com/api-v1/debit-notes/change-state-5).
// - List (https://invoicexpress.com/api-v2/invoices/list-all): GET /invoices.json with text, type[], status[],
//   date[from], date[to], due_date[from], due_date[to], total_before_taxes[from], total_before_taxes[to],
//   non_archived, archived, page, per_page (dates dd/mm/yyyy). /invoice_receipts.json, /credit_notes.json …
//   "return only those types of documents. Note: When applying filters use /invoices.json." There is NO
//   documented `reference` filter: it is ignored here. Pagination block {total_entries, current_page,
//   total_pages, per_page} (v2 list response example).
// - PDF (https://invoicexpress.com/api-v1/debit-notes/documents-5; v2 path GET /api/pdf/{id}.json): "an
//   asynchronous operation … use a polling technique": 202 "You need to keep requesting until you get a response
//   with HTTP status code 200", then 200 with the URL; 404 for an unknown id; 406 "in an invalid state" (a
//   draft); optional second_copy. The JSON is {"output":{"pdfUrl":…}} (PROVIDERS.md "seen", and the v2 example;
//   one third-party client reads `pdf_url` instead, which the simulator does not answer).
// - E-mail (https://invoicexpress.com/api-v2/send-by-email-2/): PUT /{type}/{id}/email-document.json with
//   {"message":{"client":{"email","save":"0"},"subject","body","cc","bcc","logo":"0"}}.
// - Clients (https://2023.invoicexpress.com/api-v2/find-by-code/): GET /clients/find-by-name.json?client_name=,
//   /clients/find-by-code.json?client_code= answer {"client":{…}}; POST /clients.json {"client":{…}}.
//   Taxes: GET /taxes.json {"taxes":[{id, name, value, region, default_tax}]}. Items
//   (https://invoicexpress.com/api-v2/items/create): POST /items.json {"item":{name, description, unit_price,
//   unit, tax:{name}}}; "Name. Must be unique."; unit price "equal or greater than 0.0" (api/items/create).
//
// Not confirmed, so the simulator takes the stricter reading (each marked "UNCONFIRMED" below): the body
// shape per status; the draft sequence_number "draft"; what `text` searches; default (10) and maximum (100)
// per_page; 422 (not 406) for a refused transition; 406 for e-mailing a draft; the rounding rule
// (./amounts.ts); unit prices of at most 4 decimals and quantities of at most 3 (refused, not rounded);
// owner_invoice_id required on credit notes; a foreign currency_code needing a rate; dates in order within a
// series on finalizing; client codes unique; a request wrapped in the type's own key ({"credit_note":…}) or
// an exemption sent as `tax_exemption_reason` (it appears in an old example, not in the field list) is not
// accepted; an e-mailed document keeps its status (the list filter knows a "sent" status, never set here);
// an existing client is not updated from an invoice's client block.
//
// Error body shapes (the three seen shapes; which one where is UNCONFIRMED):
//   401                         {"errors":[{"error":"Unauthorized"}]}
//   404                         {"error":"…not found"}
//   406                         {"errors":[{"error":"…"}]}
//   422 field validation        {"errors":{"<field>":["<message>",…]}}  create document / client / item, list filters
//   422 rule or state           {"errors":[{"error":"<message>"}]}      change-state, email-document, bad body/content type
//   500                         {"errors":[{"error":"Internal Server Error"}]}
import type http from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { FaultInjector, listenOnLoopback, readBody, sendJson, type LoopbackServer } from "../faults";
import {
  AmountError,
  centsToNumber,
  documentTotals,
  formatScaled,
  lineAmounts,
  parseDate,
  parseScaled,
  PERCENT_SCALE,
  QUANTITY_SCALE,
  UNIT_PRICE_SCALE,
  type LineAmounts,
} from "./amounts";
import { documentPdf } from "./pdf";

export type Row = Record<string, unknown>;

export type IxAccount = {
  name: string;
  apiKey: string;
  /** "Portugal" by default (Portuguese rules: 0% lines need an exemption reason). */
  country: string;
  /** Shape as GET /taxes.json; seeded IVA23 (default), IVA13, IVA6, IVA0. */
  taxes: Row[];
  clients: Map<number, Row>;
  /** Every document of every type, each with its `type` and `status`. Deleted drafts stay here with status "deleted". */
  documents: Map<number, Row>;
  /** Bodies of email-document calls, with the document id and type. */
  emails: Row[];
  /** How many 202 answers each new PDF gives before 200. */
  pdfPolls: number;
  nextId: number;
};

type Kind = { path: string; type: string; key: string; code: string };

const KINDS: Kind[] = [
  { path: "invoices", type: "Invoice", key: "invoice", code: "FT" },
  { path: "invoice_receipts", type: "InvoiceReceipt", key: "invoice_receipt", code: "FR" },
  { path: "simplified_invoices", type: "SimplifiedInvoice", key: "simplified_invoice", code: "FS" },
  { path: "credit_notes", type: "CreditNote", key: "credit_note", code: "NC" },
  { path: "debit_notes", type: "DebitNote", key: "debit_note", code: "ND" },
];
const KIND_BY_PATH = new Map(KINDS.map((k) => [k.path, k]));
const KIND_BY_TYPE = new Map(KINDS.map((k) => [k.type, k]));
const KIND_PATHS = KINDS.map((k) => k.path).join("|");

/** Documents that a credit or debit note may correct. */
const OWNER_TYPES = new Set(["Invoice", "InvoiceReceipt", "SimplifiedInvoice", "DebitNote"]);

/** Statuses the list filter knows (the vendor's example filters status[]=sent). */
const LIST_STATUSES = new Set(["draft", "final", "sent", "settled", "canceled", "second_copy"]);

/** The documented transition table (changeinvoicestate.md). */
const TRANSITIONS: Array<{ from: string; state: string; to: string; only?: string[] }> = [
  { from: "draft", state: "finalized", to: "settled", only: ["InvoiceReceipt"] },
  { from: "draft", state: "finalized", to: "final" },
  { from: "draft", state: "deleted", to: "deleted" },
  { from: "final", state: "canceled", to: "canceled" },
  { from: "settled", state: "canceled", to: "canceled", only: ["InvoiceReceipt"] },
  { from: "final", state: "settled", to: "settled" },
  { from: "settled", state: "unsettled", to: "final", only: ["CreditNote", "DebitNote"] },
];

/** The series every document type numbers in (one series, one counter per type, as a new account has). */
const SERIES = "A";
/** ATCUD = validation code of the series for the type + "-" + number (vendor example "ABCD1234-6"). */
const VALIDATION_CODES: Record<string, string> = {
  Invoice: "JFT4AB12",
  InvoiceReceipt: "JFR4AB12",
  SimplifiedInvoice: "JFS4AB12",
  CreditNote: "JNC4AB12",
  DebitNote: "JND4AB12",
};

/** UNCONFIRMED page sizes: a small default forces callers to page; larger requests are capped silently. */
const DEFAULT_PER_PAGE = 10;
const MAX_PER_PAGE = 100;

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
/** Portuguese VAT exemption reasons are M01…M99 (M00 is not a reason). */
const EXEMPTION_REASON = /^M(0[1-9]|[1-9]\d)$/;

class IxError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(JSON.stringify(body));
  }
}
/** 422, field validation: {"errors":{field:[messages]}}. */
const fieldErrors = (errors: Record<string, string[]>) => new IxError(422, { errors });
/** Rule, state or request errors: {"errors":[{"error":message}]}. */
const ruleError = (status: number, message: string) => new IxError(status, { errors: [{ error: message }] });
/** Not found: {"error":message}. */
const notFound = (message: string) => new IxError(404, { error: message });

type Answer = { status: number; json?: unknown; pdf?: Uint8Array };

export class InvoicExpressSimulator {
  readonly faults = new FaultInjector();
  readonly accounts = new Map<string, IxAccount>();
  url = "";
  private server: LoopbackServer | undefined;
  /** Items per account (kept outside IxAccount so that its type stays as agreed). */
  private readonly items = new WeakMap<IxAccount, Map<string, Row>>();
  /** PDF generation per account: `${id}:${secondCopy}` → polls left and the file's token. */
  private readonly pdfs = new WeakMap<IxAccount, Map<string, { remaining: number; token: string }>>();
  /** File token → the document it renders. The token is the capability: no api_key on the file URL. */
  private readonly files = new Map<string, { account: IxAccount; id: number; secondCopy: boolean }>();

  constructor(private readonly options: { port?: number } = {}) {}

  async start(): Promise<string> {
    this.server = await listenOnLoopback((req, res) => this.handle(req, res), {
      port: this.options.port,
      failureBody: () => ({ errors: [{ error: "Internal Server Error" }] }),
    });
    this.url = this.server.url;
    return this.url;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  accountUrl(name: string): string {
    return `${this.url}/${encodeURIComponent(name)}`;
  }

  addAccount(input: Partial<IxAccount> & { name: string; apiKey: string }): IxAccount {
    const account: IxAccount = {
      country: "Portugal",
      taxes: defaultTaxes(),
      emails: [],
      pdfPolls: 1,
      nextId: 1,
      ...input,
      clients: toMap(input.clients),
      documents: toMap(input.documents),
    };
    this.accounts.set(account.name, account);
    return account;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    if (url.pathname.startsWith("/_control/")) return this.control(req, res, url);
    const method = req.method ?? "GET";
    const fault = this.faults.take(`${method} ${url.pathname}`);
    await this.faults.apply(fault, res, async () => {
      let answer: Answer;
      try {
        answer = await this.route(req, method, url);
      } catch (error) {
        if (error instanceof IxError) return sendJson(res, error.status, error.body);
        throw error;
      }
      if (answer.pdf) {
        res.writeHead(answer.status, { "Content-Type": "application/pdf", "Content-Length": answer.pdf.length });
        res.end(Buffer.from(answer.pdf));
      } else if (answer.json === undefined) {
        // 202 while a PDF is being made, 200 after an e-mail: no body.
        res.writeHead(answer.status);
        res.end();
      } else {
        sendJson(res, answer.status, answer.json);
      }
    });
  }

  private async route(req: http.IncomingMessage, method: string, url: URL): Promise<Answer> {
    const file = /^\/files\/([0-9a-f]+)\.pdf$/.exec(url.pathname);
    if (file && method === "GET") {
      const entry = this.files.get(file[1]);
      const document = entry && this.accounts.get(entry.account.name) === entry.account ? entry.account.documents.get(entry.id) : undefined;
      if (!entry || !document) throw notFound("File not found");
      return { status: 200, pdf: await documentPdf(document, { accountName: entry.account.name, secondCopy: entry.secondCopy }) };
    }
    const [, accountName = "", ...rest] = url.pathname.split("/");
    const account = this.accounts.get(decodeURIComponent(accountName));
    if (!account) throw notFound("Account not found");
    // UNCONFIRMED body; the status and its meaning are documented.
    if (url.searchParams.get("api_key") !== account.apiKey) throw ruleError(401, "Unauthorized");
    const body = method === "POST" || method === "PUT" ? await readJsonBody(req) : undefined;
    return this.accountRoute(account, method, `/${rest.join("/")}`, url, body);
  }

  private async accountRoute(a: IxAccount, method: string, path: string, url: URL, body: unknown): Promise<Answer> {
    let m: RegExpExecArray | null;
    if (path === "/taxes.json" && method === "GET") return { status: 200, json: { taxes: a.taxes } };

    if (path === "/clients.json" && method === "GET") return { status: 200, json: paginate(url, [...a.clients.values()].reverse(), "clients") };
    if (path === "/clients.json" && method === "POST") return { status: 201, json: { client: this.createClient(a, wrapped(body, "client")) } };
    if (path === "/clients/find-by-name.json" && method === "GET") {
      // Exact, case-sensitive match (UNCONFIRMED; the stricter reading).
      const name = url.searchParams.get("client_name") ?? "";
      const client = [...a.clients.values()].find((c) => c.name === name);
      if (!client) throw notFound("Client not found");
      return { status: 200, json: { client } };
    }
    if (path === "/clients/find-by-code.json" && method === "GET") {
      const code = url.searchParams.get("client_code") ?? "";
      const client = [...a.clients.values()].find((c) => c.code === code);
      if (!client) throw notFound("Client not found");
      return { status: 200, json: { client } };
    }
    if ((m = /^\/clients\/(\d+)\.json$/.exec(path)) && method === "GET") {
      const client = a.clients.get(Number(m[1]));
      if (!client) throw notFound("Client not found");
      return { status: 200, json: { client } };
    }

    if (path === "/items.json" && method === "GET") return { status: 200, json: paginate(url, [...this.itemsOf(a).values()].reverse(), "items") };
    if (path === "/items.json" && method === "POST") return { status: 201, json: { item: this.createItem(a, wrapped(body, "item")) } };
    if ((m = /^\/items\/(\d+)\.json$/.exec(path)) && method === "GET") {
      const item = [...this.itemsOf(a).values()].find((i) => i.id === Number(m?.[1]));
      if (!item) throw notFound("Item not found");
      return { status: 200, json: { item } };
    }

    if ((m = /^\/api\/pdf\/(\d+)\.json$/.exec(path)) && method === "GET") return this.pdf(a, Number(m[1]), url);

    if ((m = new RegExp(`^/(${KIND_PATHS})\\.json$`).exec(path))) {
      const kind = KIND_BY_PATH.get(m[1]) as Kind;
      if (method === "GET") return { status: 200, json: this.list(a, kind, url) };
      if (method === "POST") return { status: 201, json: { [kind.key]: this.createDocument(a, kind, body) } };
    }
    if ((m = new RegExp(`^/(${KIND_PATHS})/(\\d+)\\.json$`).exec(path)) && method === "GET") {
      const kind = KIND_BY_PATH.get(m[1]) as Kind;
      return { status: 200, json: { [kind.key]: this.document(a, kind, Number(m[2])) } };
    }
    if ((m = new RegExp(`^/(${KIND_PATHS})/(\\d+)/change-state\\.json$`).exec(path)) && method === "PUT") {
      const kind = KIND_BY_PATH.get(m[1]) as Kind;
      return { status: 200, json: { [kind.key]: this.changeState(a, this.document(a, kind, Number(m[2])), body) } };
    }
    if ((m = new RegExp(`^/(${KIND_PATHS})/(\\d+)/email-document\\.json$`).exec(path)) && method === "PUT") {
      const kind = KIND_BY_PATH.get(m[1]) as Kind;
      this.email(a, this.document(a, kind, Number(m[2])), body);
      // UNCONFIRMED: the vendor documents 200 and no body.
      return { status: 200 };
    }
    throw notFound(`No route ${method} ${path}`);
  }

  // ---- documents ---------------------------------------------------------------------------------------

  /** A live document of this type (a deleted draft, or an id of another type, is not found). */
  private document(a: IxAccount, kind: Kind, id: number): Row {
    const document = a.documents.get(id);
    if (!document || document.type !== kind.type || document.status === "deleted") throw notFound("Document not found");
    return document;
  }

  private createDocument(a: IxAccount, kind: Kind, body: unknown): Row {
    // Requests use "invoice" for every type (createinvoice.md). A body wrapped in the type's own key
    // ({"credit_note":…}) is refused: the stricter reading of an undocumented variant.
    const input = wrapped(body, "invoice");
    const errors: Record<string, string[]> = {};
    const add = (field: string, message: string) => (errors[field] ??= []).push(message);

    if (kind.type === "SimplifiedInvoice" && a.country !== "Portugal") add("type", "Simplified invoices are only available in Portugal");

    const date = requiredDate(input, "date", add);
    const dueDate = requiredDate(input, "due_date", add);
    if (date !== null && dueDate !== null && dueDate < date) add("due_date", "must be later than date");

    const client = isObject(input.client) ? input.client : undefined;
    if (!client) add("client", "can't be blank");
    else {
      if (!nonEmpty(client.name)) add("client.name", "can't be blank");
      // Documented as required (createinvoice.md: `invoice.client.code` (string, required)).
      if (!nonEmpty(client.code)) add("client.code", "can't be blank");
      if (client.email !== undefined && client.email !== null && client.email !== "" && !(typeof client.email === "string" && EMAIL.test(client.email))) {
        add("client.email", "must be an email address");
      }
    }

    const lines: Array<{ input: Row; tax: Row; amounts: LineAmounts; unitPrice: bigint; quantity: bigint; discount: bigint }> = [];
    if (!Array.isArray(input.items)) add("items", "element should be of type array");
    else if (input.items.length === 0) add("items", "can't be blank");
    else {
      input.items.forEach((raw: unknown, i: number) => {
        const field = (name: string) => `items[${i}].${name}`;
        if (!isObject(raw)) return add(`items[${i}]`, "is invalid");
        if (!nonEmpty(raw.name)) add(field("name"), "can't be blank");
        const unitPrice = amount(raw.unit_price, UNIT_PRICE_SCALE, field("unit_price"), "must be a number greater than or equal to 0", add);
        const quantity = amount(raw.quantity, QUANTITY_SCALE, field("quantity"), "must be a number greater than 0", add);
        if (quantity !== null && quantity <= 0n) add(field("quantity"), "must be a number greater than 0");
        const discount = raw.discount === undefined || raw.discount === null || raw.discount === "" ? 0n : amount(raw.discount, PERCENT_SCALE, field("discount"), "is not a number", add);
        if (discount !== null && discount > 100n * 10n ** BigInt(PERCENT_SCALE)) add(field("discount"), "must be less than or equal to 100");
        if (raw.tax !== undefined && raw.tax !== null && !(isObject(raw.tax) && (raw.tax.name === undefined || typeof raw.tax.name === "string"))) {
          add(field("tax"), "is invalid");
        }
        // An unknown tax name silently becomes the account's default tax: the documented, real behaviour.
        const taxName = isObject(raw.tax) ? raw.tax.name : undefined;
        const tax = a.taxes.find((t) => t.name === taxName) ?? defaultTax(a);
        if (unitPrice === null || quantity === null || discount === null) return;
        const rate = parseScaled(tax.value, PERCENT_SCALE);
        lines.push({ input: raw, tax, unitPrice, quantity, discount, amounts: lineAmounts({ unitPrice, quantity, discount, rate }) });
      });
    }

    const exemption = input.tax_exemption;
    if (exemption !== undefined && exemption !== null && exemption !== "" && !(typeof exemption === "string" && /^M\d{2}$/.test(exemption))) {
      add("tax_exemption", "is not a valid exemption reason (M01…M99)");
    } else if (a.country === "Portugal" && lines.some((l) => Number(l.tax.value) === 0) && !(typeof exemption === "string" && EXEMPTION_REASON.test(exemption))) {
      add("tax_exemption", "must be given (M01…M99) when an item is exempt from IVA (0%)");
    }

    for (const key of ["reference", "observations", "retention"]) {
      if (input[key] !== undefined && input[key] !== null && typeof input[key] !== "string" && typeof input[key] !== "number") add(key, "is invalid");
    }

    const currency = input.currency_code;
    if (currency !== undefined && currency !== null && currency !== "") {
      if (!(typeof currency === "string" && /^[A-Z]{3}$/.test(currency))) add("currency_code", "is invalid");
      // UNCONFIRMED: a foreign currency needs its exchange rate.
      else if (currency !== "EUR") {
        let rate: bigint | null = null;
        try {
          rate = input.rate === undefined || input.rate === null || input.rate === "" ? null : parseScaled(input.rate, 10);
        } catch {
          rate = null;
        }
        if (rate === null || rate <= 0n) add("rate", "must be a number greater than 0 when currency_code is not EUR");
      }
    }

    const ownerId = input.owner_invoice_id;
    if (ownerId === undefined || ownerId === null || ownerId === "") {
      // UNCONFIRMED: a Portuguese credit note must name the invoice it corrects; the simulator requires it.
      if (kind.type === "CreditNote") add("owner_invoice_id", "can't be blank");
    } else {
      const owner = a.documents.get(Number(ownerId));
      if (!owner || !OWNER_TYPES.has(String(owner.type)) || !["final", "settled", "sent"].includes(String(owner.status))) {
        add("owner_invoice_id", "must be a finalized invoice of this account");
      }
    }

    if (Object.keys(errors).length > 0) throw fieldErrors(errors);

    const clientRow = this.resolveClient(a, client as Row);
    for (const line of lines) this.upsertItem(a, line.input, line.tax);
    const totals = documentTotals(lines.map((l) => l.amounts));
    const id = a.nextId++;
    const document: Row = {
      id,
      status: "draft",
      archived: false,
      type: kind.type,
      // UNCONFIRMED: a draft has no number yet; the simulator says "draft" in both number fields.
      sequence_number: "draft",
      inverted_sequence_number: "draft",
      atcud: null,
      sequence_id: typeof input.sequence_id === "string" || typeof input.sequence_id === "number" ? String(input.sequence_id) : "1",
      tax_exemption: typeof exemption === "string" && exemption !== "" ? exemption : null,
      date: input.date,
      due_date: input.due_date,
      reference: input.reference === undefined || input.reference === null ? null : String(input.reference),
      observations: input.observations === undefined || input.observations === null ? null : String(input.observations),
      retention: input.retention === undefined || input.retention === null ? null : String(input.retention),
      permalink: `${this.url}/documents/${randomBytes(20).toString("hex")}`,
      saft_hash: null,
      sum: centsToNumber(totals.sum),
      discount: centsToNumber(totals.discount),
      before_taxes: centsToNumber(totals.beforeTaxes),
      taxes: centsToNumber(totals.taxes),
      total: centsToNumber(totals.total),
      currency: typeof currency === "string" && currency !== "" && currency !== "EUR" ? currency : "Euro",
      client: { id: clientRow.id, name: clientRow.name, country: clientRow.country },
      items: lines.map((l) => ({
        name: l.input.name,
        description: l.input.description ?? null,
        unit_price: formatScaled(l.unitPrice, UNIT_PRICE_SCALE, 2),
        unit: l.input.unit ?? null,
        quantity: formatScaled(l.quantity, QUANTITY_SCALE, 1),
        tax: { id: l.tax.id, name: l.tax.name, value: l.tax.value },
        discount: Number(formatScaled(l.discount, PERCENT_SCALE, 0)),
        subtotal: centsToNumber(l.amounts.gross),
        tax_amount: centsToNumber(l.amounts.tax),
        discount_amount: centsToNumber(l.amounts.discount),
        total: centsToNumber(l.amounts.total),
      })),
      ...(ownerId !== undefined && ownerId !== null && ownerId !== "" ? { owner_invoice_id: Number(ownerId) } : {}),
    };
    a.documents.set(id, document);
    return document;
  }

  private changeState(a: IxAccount, document: Row, body: unknown): Row {
    const input = isObject(body) && isObject(body.invoice) ? body.invoice : undefined;
    if (!input) throw ruleError(422, "Invoice can't be blank");
    const state = input.state;
    const transition = TRANSITIONS.find((t) => t.from === document.status && t.state === state && (!t.only || t.only.includes(String(document.type))));
    // UNCONFIRMED status: a refused transition answers 422 "Invalid state" (the message is documented under
    // 422 for Change State; 406 is documented only as "the :document-id provided is in an invalid state").
    if (!transition) throw ruleError(422, "Invalid state");
    if (state === "canceled" && !nonEmpty(input.message)) throw ruleError(422, "Cancel message can't be blank");
    if (state === "finalized") this.assignNumber(a, document);
    document.status = transition.to;
    return document;
  }

  /** Finalizing numbers the document in its type's series: "n/A", inverted "A/n", ATCUD "CODE-n". */
  private assignNumber(a: IxAccount, document: Row) {
    const numbered = [...a.documents.values()].filter((d) => d.type === document.type && typeof d.sequence_number === "string" && d.sequence_number !== "draft");
    // UNCONFIRMED at this vendor, but Portuguese law: a series is numbered in date order, so a document may not
    // be dated before the last one already finalized in its series.
    const last = Math.max(-Infinity, ...numbered.map((d) => parseDate(d.date) ?? -Infinity));
    if ((parseDate(document.date) ?? 0) < last) throw ruleError(422, "Date can't be earlier than the date of the last finalized document of this series");
    const n = numbered.length + 1;
    document.sequence_number = `${n}/${SERIES}`;
    document.inverted_sequence_number = `${SERIES}/${n}`;
    document.atcud = `${VALIDATION_CODES[String(document.type)]}-${n}`;
    document.saft_hash = createHash("sha1").update(`${a.name}:${String(document.id)}:${n}`).digest("base64").slice(0, 4);
  }

  private email(a: IxAccount, document: Row, body: unknown) {
    // UNCONFIRMED status: a draft cannot be sent; 406 is the vendor's "document in an invalid state".
    if (!["final", "settled", "sent"].includes(String(document.status))) {
      throw ruleError(406, `The document is ${String(document.status)}: only finalized documents can be sent`);
    }
    const message = isObject(body) && isObject(body.message) ? body.message : undefined;
    if (!message) throw ruleError(422, "Message can't be blank");
    const client = isObject(message.client) ? message.client : undefined;
    if (!client || typeof client.email !== "string" || !EMAIL.test(client.email)) throw ruleError(422, "Email: is an invalid email");
    for (const key of ["cc", "bcc"] as const) {
      const value = message[key];
      if (value === undefined || value === null || value === "") continue;
      const addresses = typeof value === "string" ? value.split(/[,;]/).map((s) => s.trim()) : [""];
      if (!addresses.every((s) => EMAIL.test(s))) throw ruleError(422, `${key === "cc" ? "Cc" : "Bcc"}: is an invalid email`);
    }
    // UNCONFIRMED: subject and body are required (the stricter reading).
    if (!nonEmpty(message.subject)) throw ruleError(422, "Subject can't be blank");
    if (!nonEmpty(message.body)) throw ruleError(422, "Body can't be blank");
    if (String(client.save) === "1") {
      const stored = a.clients.get(Number((document.client as Row).id));
      if (stored) stored.email = client.email;
    }
    a.emails.push({ document_id: document.id, document_type: document.type, ...message });
  }

  private async pdf(a: IxAccount, id: number, url: URL): Promise<Answer> {
    const document = a.documents.get(id);
    if (!document || document.status === "deleted") throw notFound("Document not found");
    if (document.status === "draft") throw ruleError(406, "The document is in an invalid state: a draft has no PDF");
    const secondCopy = url.searchParams.get("second_copy") === "true";
    let pdfs = this.pdfs.get(a);
    if (!pdfs) this.pdfs.set(a, (pdfs = new Map()));
    const key = `${id}:${secondCopy}`;
    let state = pdfs.get(key);
    if (!state) {
      state = { remaining: a.pdfPolls, token: randomBytes(16).toString("hex") };
      pdfs.set(key, state);
      this.files.set(state.token, { account: a, id, secondCopy });
    }
    if (state.remaining > 0) {
      state.remaining -= 1;
      return { status: 202 };
    }
    return { status: 200, json: { output: { pdfUrl: `${this.url}/files/${state.token}.pdf` } } };
  }

  /**
   * GET /invoices.json with the documented filters; /invoice_receipts.json etc. list one type and take only
   * page and per_page ("When applying filters use /invoices.json"). Newest first.
   */
  private list(a: IxAccount, kind: Kind, url: URL) {
    const live = [...a.documents.values()].filter((d) => d.status !== "deleted").reverse();
    if (kind.path !== "invoices") return paginate(url, live.filter((d) => d.type === kind.type), kind.path);
    const q = url.searchParams;
    const errors: Record<string, string[]> = {};
    const add = (field: string, message: string) => (errors[field] ??= []).push(message);

    const types = q.getAll("type[]");
    for (const t of types) if (!KIND_BY_TYPE.has(t)) add("type", `${t} is not a document type`);
    const statuses = q.getAll("status[]");
    for (const s of statuses) if (!LIST_STATUSES.has(s)) add("status", `${s} is not a status`);
    const range = (field: string) => {
      const bound = (end: "from" | "to") => {
        const raw = q.get(`${field}[${end}]`);
        if (raw === null || raw === "") return null;
        const day = parseDate(raw);
        if (day === null) add(`${field}[${end}]`, "is not a valid date (DD/MM/YYYY)");
        return day;
      };
      return { from: bound("from"), to: bound("to") };
    };
    const dates = range("date");
    const dueDates = range("due_date");
    const totalBound = (end: "from" | "to") => {
      const raw = q.get(`total_before_taxes[${end}]`);
      if (raw === null || raw === "") return null;
      const value = Number(raw);
      if (!Number.isFinite(value)) add(`total_before_taxes[${end}]`, "is not a number");
      return value;
    };
    const totalFrom = totalBound("from");
    const totalTo = totalBound("to");
    if (Object.keys(errors).length > 0) throw fieldErrors(errors);

    // UNCONFIRMED: `text` is a case-insensitive substring search over the reference, the client's name, the
    // number (either way round) and the observations — never an exact match, so a caller must check what it gets.
    const text = (q.get("text") ?? "").trim().toLowerCase();
    const archived = q.get("archived") === "true";
    const nonArchived = q.get("non_archived") === "true";
    const inRange = (day: number | null, r: { from: number | null; to: number | null }) =>
      day !== null && (r.from === null || day >= r.from) && (r.to === null || day <= r.to);
    const rows = live.filter((d) => {
      if (types.length > 0 && !types.includes(String(d.type))) return false;
      if (statuses.length > 0 && !statuses.includes(String(d.status))) return false;
      if ((dates.from !== null || dates.to !== null) && !inRange(parseDate(d.date), dates)) return false;
      if ((dueDates.from !== null || dueDates.to !== null) && !inRange(parseDate(d.due_date), dueDates)) return false;
      if (totalFrom !== null && Number(d.before_taxes) < totalFrom) return false;
      if (totalTo !== null && Number(d.before_taxes) > totalTo) return false;
      if (archived !== nonArchived && Boolean(d.archived) !== archived) return false;
      if (text) {
        const haystack = [d.reference, (d.client as Row | undefined)?.name, d.sequence_number, d.inverted_sequence_number, d.observations];
        if (!haystack.some((v) => typeof v === "string" && v.toLowerCase().includes(text))) return false;
      }
      return true;
    });
    return paginate(url, rows, "invoices");
  }

  // ---- clients and items -------------------------------------------------------------------------------

  private createClient(a: IxAccount, input: Row): Row {
    const errors: Record<string, string[]> = {};
    const add = (field: string, message: string) => (errors[field] ??= []).push(message);
    if (!nonEmpty(input.name)) add("name", "can't be blank");
    else if ([...a.clients.values()].some((c) => c.name === input.name)) add("name", "has already been taken");
    // UNCONFIRMED: codes are unique like names.
    if (nonEmpty(input.code) && [...a.clients.values()].some((c) => c.code === input.code)) add("code", "has already been taken");
    if (input.email !== undefined && input.email !== null && input.email !== "" && !(typeof input.email === "string" && EMAIL.test(input.email))) add("email", "is invalid");
    if (Object.keys(errors).length > 0) throw fieldErrors(errors);
    return this.storeClient(a, input);
  }

  private storeClient(a: IxAccount, input: Row): Row {
    const text = (v: unknown) => (v === undefined || v === null || v === "" ? null : String(v));
    const contact = isObject(input.preferred_contact) ? input.preferred_contact : {};
    const client: Row = {
      id: a.nextId++,
      name: String(input.name),
      code: text(input.code),
      email: text(input.email),
      language: text(input.language),
      address: text(input.address),
      city: text(input.city),
      postal_code: text(input.postal_code),
      country: text(input.country) ?? a.country,
      fiscal_id: text(input.fiscal_id),
      website: text(input.website),
      phone: text(input.phone),
      fax: text(input.fax),
      preferred_contact: { name: text(contact.name), email: text(contact.email), phone: text(contact.phone) },
      observations: text(input.observations),
      send_options: input.send_options === undefined ? 1 : input.send_options,
    };
    a.clients.set(client.id as number, client);
    return client;
  }

  /**
   * The document's client: an existing one with the given code, else one with the given name, else a new
   * client made from the request (documented: "If the client name does not exist, a new one is created").
   * An existing client is not updated from the request (UNCONFIRMED).
   */
  private resolveClient(a: IxAccount, input: Row): Row {
    const clients = [...a.clients.values()];
    return (
      (nonEmpty(input.code) ? clients.find((c) => c.code === input.code) : undefined) ??
      clients.find((c) => c.name === input.name) ??
      this.storeClient(a, input)
    );
  }

  private itemsOf(a: IxAccount): Map<string, Row> {
    let items = this.items.get(a);
    if (!items) this.items.set(a, (items = new Map()));
    return items;
  }

  private createItem(a: IxAccount, input: Row): Row {
    const errors: Record<string, string[]> = {};
    const add = (field: string, message: string) => (errors[field] ??= []).push(message);
    if (!nonEmpty(input.name)) add("name", "can't be blank");
    else if (this.itemsOf(a).has(String(input.name))) add("name", "has already been taken");
    if (input.unit_price === undefined || input.unit_price === null || input.unit_price === "") add("unit_price", "can't be blank");
    else amount(input.unit_price, UNIT_PRICE_SCALE, "unit_price", "must be a number greater than or equal to 0", add);
    if (Object.keys(errors).length > 0) throw fieldErrors(errors);
    const taxName = isObject(input.tax) ? input.tax.name : undefined;
    return this.upsertItem(a, input, a.taxes.find((t) => t.name === taxName) ?? defaultTax(a));
  }

  /** Documented: an unknown item name creates the item; a known one is updated with the new values. */
  private upsertItem(a: IxAccount, input: Row, tax: Row): Row {
    const items = this.itemsOf(a);
    const name = String(input.name);
    const existing = items.get(name);
    const values = {
      name,
      description: input.description ?? existing?.description ?? null,
      unit_price: Number(formatScaled(parseScaled(input.unit_price, UNIT_PRICE_SCALE), UNIT_PRICE_SCALE, 0)),
      unit: input.unit ?? existing?.unit ?? null,
      tax: { id: tax.id, name: tax.name, value: tax.value },
    };
    if (existing) return Object.assign(existing, values);
    const item: Row = { id: a.nextId++, ...values };
    items.set(name, item);
    return item;
  }

  // ---- control API -------------------------------------------------------------------------------------

  private async control(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    let body: Row = {};
    if (req.method === "POST") {
      const text = await readBody(req);
      try {
        body = text ? (JSON.parse(text) as Row) : {};
      } catch {
        return sendJson(res, 400, { error: "invalid JSON" });
      }
    }
    switch (`${req.method} ${url.pathname}`) {
      case "POST /_control/accounts": {
        if (!nonEmpty(body.name) || !nonEmpty(body.apiKey)) return sendJson(res, 400, { error: "name and apiKey are required" });
        const account = this.addAccount(body as Partial<IxAccount> & { name: string; apiKey: string });
        return sendJson(res, 201, { name: account.name, url: this.accountUrl(account.name) });
      }
      case "POST /_control/faults":
        this.faults.add(body as never);
        return sendJson(res, 201, { ok: true });
      case "GET /_control/state": {
        const a = this.accounts.get(url.searchParams.get("account") ?? "");
        if (!a) return sendJson(res, 404, { error: "unknown account" });
        return sendJson(res, 200, {
          clients: [...a.clients.values()],
          documents: [...a.documents.values()],
          emails: a.emails,
          items: [...this.itemsOf(a).values()],
          taxes: a.taxes,
        });
      }
      case "POST /_control/reset":
        this.accounts.clear();
        this.files.clear();
        this.faults.clear();
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: "no such control route" });
    }
  }
}

// ---- helpers -------------------------------------------------------------------------------------------

function defaultTaxes(): Row[] {
  return [
    { id: 1, name: "IVA23", value: 23.0, region: "PT", default_tax: 1 },
    { id: 2, name: "IVA13", value: 13.0, region: "PT", default_tax: 0 },
    { id: 3, name: "IVA6", value: 6.0, region: "PT", default_tax: 0 },
    { id: 4, name: "IVA0", value: 0.0, region: "PT", default_tax: 0 },
  ];
}

function defaultTax(a: IxAccount): Row {
  const tax = a.taxes.find((t) => Number(t.default_tax) === 1) ?? a.taxes[0];
  if (!tax) throw new Error(`Account ${a.name} has no taxes`);
  return tax;
}

/** Accounts given over the control API carry plain JSON: turn arrays of rows into maps by id. */
function toMap(value: unknown): Map<number, Row> {
  if (value instanceof Map) return value as Map<number, Row>;
  const rows = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
  return new Map(rows.filter(isObject).map((row) => [Number(row.id), row]));
}

async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  // Documented 422: "No content type or wrongly specified".
  if (!/^application\/json\b/i.test(String(req.headers["content-type"] ?? ""))) throw ruleError(422, "No content type or wrongly specified");
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    // UNCONFIRMED: the vendor documents no 400; an unreadable body is one more "parameters were incorrect".
    throw ruleError(422, "The request body is not valid JSON");
  }
}

/** The object under the request's wrapper key, or a 422 naming the key. */
function wrapped(body: unknown, key: string): Row {
  const value = isObject(body) ? body[key] : undefined;
  if (!isObject(value)) throw fieldErrors({ [key]: ["can't be blank"] });
  return value;
}

function isObject(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === "string" && value.trim() !== "";
}

function requiredDate(input: Row, field: string, add: (field: string, message: string) => void): number | null {
  const raw = input[field];
  if (raw === undefined || raw === null || raw === "") {
    add(field, "can't be blank");
    return null;
  }
  const day = parseDate(raw);
  if (day === null) add(field, "is not a valid date (DD/MM/YYYY)");
  return day;
}

/**
 * A decimal field, or null after adding its error. `notANumber` is the vendor's wording for that field
 * ("Unit price must be a number", "Quantity must be a number greater than 0", "Discount is not a number").
 */
function amount(value: unknown, scale: number, field: string, notANumber: string, add: (field: string, message: string) => void): bigint | null {
  if (value === undefined || value === null || value === "") {
    add(field, "can't be blank");
    return null;
  }
  try {
    return parseScaled(value, scale);
  } catch (error) {
    if (!(error instanceof AmountError)) throw error;
    add(field, error.message.startsWith("can have") ? error.message : notANumber);
    return null;
  }
}

/** The vendor's pagination: page (from 1), per_page, and {total_entries, current_page, total_pages, per_page}. */
function paginate(url: URL, rows: Row[], key: string) {
  const page = url.searchParams.get("page");
  const perPage = url.searchParams.get("per_page");
  const errors: Record<string, string[]> = {};
  const current = page === null || page === "" ? 1 : Number(page);
  const size = perPage === null || perPage === "" ? DEFAULT_PER_PAGE : Number(perPage);
  if (!Number.isInteger(current) || current < 1) errors.page = ["must be a whole number from 1"];
  if (!Number.isInteger(size) || size < 1) errors.per_page = ["must be a whole number from 1"];
  if (Object.keys(errors).length > 0) throw fieldErrors(errors);
  const perPageUsed = Math.min(size, MAX_PER_PAGE);
  return {
    [key]: rows.slice((current - 1) * perPageUsed, current * perPageUsed),
    pagination: {
      total_entries: rows.length,
      current_page: current,
      total_pages: Math.ceil(rows.length / perPageUsed),
      per_page: perPageUsed,
    },
  };
}
