// The Collector (Walley) Invoice Service simulator: SOAP 1.1 over HTTP on loopback with the `soap` package's
// server (soap.listen), from the same WSDL the client loads (app/providers/collector/InvoiceServiceV31.wsdl).
// Every request body is checked against the WSDL's schema (element order, required elements, lengths) and the
// Username/Password headers against the store's; it keeps each invoice's state machine (preliminary →
// activated, part-activated, cancelled, credited) and rejects what the real service rejects, with faults the
// way its WCF service sends them (faultcode a:<CODE>). Activated invoices and credit notes are real PDFs.
//
// Control API (JSON over HTTP):
//   POST /_control/stores   {storeId, countryCode, username, password}
//   POST /_control/faults   {kind: status|timeout|slow|lost-response|garbage, match?: <operation name>, times?, …}
//   GET  /_control/state    the stores and invoices
//   POST /_control/reset
//   GET  /invoices/<no>.pdf, /credit-notes/<no>-<n>.pdf   the documents' PDFs
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { checkAgainstSchema, type ParsedWsdl } from "../../../app/providers/soap-schema";
import { FaultInjector, readBody, sendJson, type FaultRule } from "../faults";
import { startSoapServer, type SoapSimulatorServer } from "../soap-server";

export const COLLECTOR_NS = "http://schemas.ecommerce.collector.se/v30/InvoiceService";
export const COLLECTOR_WSDL = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../app/providers/collector/InvoiceServiceV31.wsdl");
export const SERVICE_PATH = "/v3.0/InvoiceServiceV31.svc";

type Row = { ArticleId: string; Description: string; Quantity: number; UnitPrice: number; VAT: number };
export type CollectorStore = { storeId: number; countryCode: string; username: string; password: string };
export type CollectorInvoice = {
  invoiceNo: string;
  storeId: number;
  countryCode: string;
  currency: string;
  orderNo: string | null;
  reference: string | null;
  email: string | null;
  status: "preliminary" | "activated" | "cancelled" | "credited";
  rows: Row[];
  dueDate: string | null;
  credits: Array<{ rows: Row[]; at: string }>;
  sent: Array<{ method: number; email: string | null }>;
};

/** Collector's faults, as its service names them. */
class CollectorFault extends Error {
  constructor(
    readonly code: "INVOICE_NOT_FOUND" | "INVALID_INVOICE_STATUS" | "INVALID_TRANSACTION_AMOUNT" | "AUTHORIZATION_FAILED" | "VALIDATION_ERROR",
    message: string,
  ) {
    super(message);
  }
}

const cents = (amount: number) => Math.round(amount * 100);
const totalOf = (rows: Row[]) => rows.reduce((sum, r) => sum + Math.round(cents(r.UnitPrice) * Number(r.Quantity)), 0) / 100;
const day = (date: Date) => date.toISOString().slice(0, 10);

export class CollectorSimulator {
  readonly faults = new FaultInjector();
  readonly stores = new Map<number, CollectorStore>();
  readonly invoices = new Map<string, CollectorInvoice>();
  private nextNo = 5_000_001;
  private server: SoapSimulatorServer | undefined;
  private wsdl: ParsedWsdl | undefined;
  url = "";

  constructor(private readonly options: { port?: number } = {}) {}

  /** The service's address, as a connection's endpoint. */
  get endpoint() {
    return `${this.url}${SERVICE_PATH}`;
  }

  addStore(store: CollectorStore) {
    this.stores.set(store.storeId, store);
    return store;
  }

  async start(): Promise<string> {
    // The control API (and the PDFs) in front of the SOAP service; the parsed WSDL checks each request body.
    this.server = await startSoapServer({
      wsdlFile: COLLECTOR_WSDL,
      servicePath: SERVICE_PATH,
      services: { InvoiceServiceV31: { BasicHttpBinding_IInvoiceServiceV31: this.operations() } },
      faults: this.faults,
      port: this.options.port,
      route: async (req, res, url) => {
        if (url.pathname.startsWith("/_control/")) return this.control(req, res, url).then(() => true);
        const pdf = /^\/(invoices|credit-notes)\/([\w-]+)\.pdf$/.exec(url.pathname);
        if (pdf && req.method === "GET") return this.servePdf(res, pdf[1] as "invoices" | "credit-notes", pdf[2]).then(() => true);
        return false;
      },
    });
    this.wsdl = this.server.wsdl;
    this.url = this.server.url;
    return this.url;
  }

  async close() {
    await this.server?.close();
  }

  /** Each operation: headers checked, the body checked against the WSDL, then the state machine. */
  private operations() {
    type Args = Record<string, unknown>;
    type Headers = { Username?: string; Password?: string } | undefined;
    const op = (name: string, requestElement: string, work: (args: Args, store: CollectorStore) => Args) => (args: Args, _cb: unknown, headers: Headers) => {
      try {
        const problems = checkAgainstSchema(this.wsdl!, COLLECTOR_NS, requestElement, args);
        if (problems.length) throw new CollectorFault("VALIDATION_ERROR", `The request does not follow the service's contract: ${problems.join("; ")}`);
        const store = this.stores.get(Number(args.StoreId));
        if (!store || headers?.Username !== store.username || headers?.Password !== store.password) {
          throw new CollectorFault("AUTHORIZATION_FAILED", "Authorization failed: the username, password or store id is wrong.");
        }
        if (String(args.CountryCode) !== store.countryCode) throw new CollectorFault("VALIDATION_ERROR", `Store ${store.storeId} sells in ${store.countryCode}, not ${String(args.CountryCode)}.`);
        return { CorrelationId: args.CorrelationId ?? undefined, ...work(args, store) };
      } catch (error) {
        if (!(error instanceof CollectorFault)) throw error;
        throw { Fault: { faultcode: `a:${error.code}`, faultstring: error.message, statusCode: 500 } };
      }
    };
    const rowsOf = (list: unknown): Row[] => {
      const rows = (list as { InvoiceRow?: Row | Row[] } | undefined)?.InvoiceRow ?? [];
      return (Array.isArray(rows) ? rows : [rows]).map((r) => ({ ...r, Quantity: Number(r.Quantity), UnitPrice: Number(r.UnitPrice), VAT: Number(r.VAT) }));
    };
    const articlesOf = (list: unknown) => {
      const items = (list as { ArticleListItem?: unknown } | undefined)?.ArticleListItem ?? [];
      return (Array.isArray(items) ? items : [items]) as Array<{ ArticleId: string; Quantity: number }>;
    };
    const invoice = (args: Args, store: CollectorStore, ...allowed: CollectorInvoice["status"][]) => {
      const found = this.invoices.get(String(args.InvoiceNo));
      if (!found || found.storeId !== store.storeId) throw new CollectorFault("INVOICE_NOT_FOUND", `Invoice ${String(args.InvoiceNo)} was not found.`);
      if (!allowed.includes(found.status)) throw new CollectorFault("INVALID_INVOICE_STATUS", `Invoice ${found.invoiceNo} is ${found.status}; this operation needs it ${allowed.join(" or ")}.`);
      return found;
    };
    /** Takes the listed articles off `rows` (each at most the quantity there); an unknown article is refused. */
    const take = (rows: Row[], articles: Array<{ ArticleId: string; Quantity: number }>) => {
      const taken: Row[] = [];
      for (const article of articles) {
        const row = rows.find((r) => r.ArticleId === article.ArticleId && r.Quantity > 0);
        const quantity = Number(article.Quantity);
        if (!row || quantity <= 0 || quantity > row.Quantity) throw new CollectorFault("INVALID_TRANSACTION_AMOUNT", `Article ${article.ArticleId} × ${quantity} is not on the invoice.`);
        row.Quantity -= quantity;
        taken.push({ ...row, Quantity: quantity });
      }
      return { taken, left: rows.filter((r) => r.Quantity > 0) };
    };
    const due = () => day(new Date(Date.now() + 14 * 86_400_000));
    const pdfUrl = (kind: "invoices" | "credit-notes", id: string) => `${this.url}/${kind}/${id}.pdf`;

    return {
      AddInvoice: op("AddInvoice", "AddInvoiceRequest", (args, store) => {
        const rows = rowsOf(args.InvoiceRows);
        if (rows.length === 0) throw new CollectorFault("INVALID_TRANSACTION_AMOUNT", "An invoice needs at least one row.");
        if (totalOf(rows) <= 0) throw new CollectorFault("INVALID_TRANSACTION_AMOUNT", "The invoice's total must be above zero.");
        const activate = Number(args.ActivationOption) === 1;
        const invoice: CollectorInvoice = {
          invoiceNo: String(this.nextNo++),
          storeId: store.storeId,
          countryCode: store.countryCode,
          currency: String(args.Currency),
          orderNo: (args.OrderNo as string | undefined) ?? null,
          reference: (args.Reference as string | undefined) ?? null,
          email: ((args.InvoiceAddress as Args | undefined)?.Email as string | undefined) ?? null,
          status: activate ? "activated" : "preliminary",
          rows,
          dueDate: activate ? due() : null,
          credits: [],
          sent: [],
        };
        this.invoices.set(invoice.invoiceNo, invoice);
        return { DueDate: invoice.dueDate ?? undefined, InvoiceNo: invoice.invoiceNo, InvoiceStatus: activate ? 2 : 1, InvoiceUrl: activate ? pdfUrl("invoices", invoice.invoiceNo) : undefined, TotalAmount: totalOf(rows) };
      }),
      ActivateInvoice: op("ActivateInvoice", "ActivateInvoiceRequest", (args, store) => {
        const found = invoice(args, store, "preliminary");
        found.status = "activated";
        found.dueDate = due();
        return { DueDate: found.dueDate, InvoiceUrl: pdfUrl("invoices", found.invoiceNo), TotalAmount: totalOf(found.rows) };
      }),
      PartActivateInvoice: op("PartActivateInvoice", "PartActivateInvoiceRequest", (args, store) => {
        const found = invoice(args, store, "preliminary");
        const { taken, left } = take(found.rows.map((r) => ({ ...r })), articlesOf(args.ArticleList));
        // The activated part keeps the invoice number; what is left stays preliminary under a new one.
        found.rows = taken;
        found.status = "activated";
        found.dueDate = due();
        let newNo: string | undefined;
        if (left.length) {
          newNo = String(this.nextNo++);
          this.invoices.set(newNo, { ...found, invoiceNo: newNo, rows: left, status: "preliminary", dueDate: null, credits: [], sent: [] });
        }
        return { DueDate: found.dueDate, InvoiceUrl: pdfUrl("invoices", found.invoiceNo), NewInvoiceNo: newNo, TotalAmount: totalOf(taken) };
      }),
      CancelInvoice: op("CancelInvoice", "CancelInvoiceRequest", (args, store) => {
        invoice(args, store, "preliminary").status = "cancelled";
        return {};
      }),
      CreditInvoice: op("CreditInvoice", "CreditInvoiceRequest", (args, store) => {
        const found = invoice(args, store, "activated");
        if (found.credits.length) throw new CollectorFault("INVALID_TRANSACTION_AMOUNT", `Invoice ${found.invoiceNo} is already credited in part; credit the rest by article.`);
        found.credits.push({ rows: found.rows, at: new Date().toISOString() });
        found.status = "credited";
        return { CreditNoteUrl: pdfUrl("credit-notes", `${found.invoiceNo}-1`) };
      }),
      PartCreditInvoice: op("PartCreditInvoice", "PartCreditInvoiceRequest", (args, store) => {
        const found = invoice(args, store, "activated");
        const open = found.rows.map((r) => ({ ...r, Quantity: r.Quantity - found.credits.flatMap((c) => c.rows).filter((c) => c.ArticleId === r.ArticleId).reduce((s, c) => s + c.Quantity, 0) }));
        const { taken, left } = take(open, articlesOf(args.ArticleList));
        found.credits.push({ rows: taken, at: new Date().toISOString() });
        if (left.length === 0) found.status = "credited";
        return { CreditNoteUrl: pdfUrl("credit-notes", `${found.invoiceNo}-${found.credits.length}`) };
      }),
      ReplaceInvoice: op("ReplaceInvoice", "ReplaceInvoiceRequest", (args, store) => {
        const found = invoice(args, store, "preliminary");
        const rows = rowsOf(args.InvoiceRows);
        if (rows.length === 0 || totalOf(rows) <= 0) throw new CollectorFault("INVALID_TRANSACTION_AMOUNT", "The replacing rows must total above zero.");
        found.rows = rows;
        return { InvoiceStatus: 1, TotalAmount: totalOf(rows) };
      }),
      SendInvoice: op("SendInvoice", "SendInvoiceRequest", (args, store) => {
        const found = invoice(args, store, "activated");
        const method = Number(args.InvoiceDeliveryMethod);
        if (method === 2 && !args.Email && !found.email) throw new CollectorFault("VALIDATION_ERROR", "E-mail delivery needs an e-mail address.");
        found.sent.push({ method, email: (args.Email as string | undefined) ?? found.email });
        return {};
      }),
      ExtendDueDate: op("ExtendDueDate", "ExtendDueDateRequest", (args, store) => {
        const found = invoice(args, store, "activated");
        // Collector moves the due date on by the store's extension period (30 days here).
        found.dueDate = day(new Date(Date.parse(found.dueDate ?? day(new Date())) + 30 * 86_400_000));
        return { DueDate: found.dueDate };
      }),
    };
  }

  private async servePdf(res: ServerResponse, kind: "invoices" | "credit-notes", id: string) {
    const [invoiceNo, credit] = id.split("-");
    const invoice = this.invoices.get(invoiceNo);
    const rows = kind === "invoices" ? invoice?.rows : invoice?.credits[Number(credit) - 1]?.rows;
    if (!invoice || !rows || (kind === "invoices" && invoice.status === "preliminary")) return sendJson(res, 404, { error: "No such document." });
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595, 842]);
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const lines = [
      `${kind === "invoices" ? "Invoice" : "Credit note"} ${invoiceNo}${credit ? `-${credit}` : ""}`,
      `Collector simulator, store ${invoice.storeId}`,
      ...rows.map((r) => `${r.ArticleId}  ${r.Description.replace(/[^\x20-\x7e]/g, "?")}  ${r.Quantity} x ${r.UnitPrice.toFixed(2)} (VAT ${r.VAT}%)`),
      `Total ${totalOf(rows).toFixed(2)} ${invoice.currency}`,
    ];
    lines.forEach((text, i) => page.drawText(text, { x: 50, y: 790 - i * 18, size: 11, font }));
    const bytes = await pdf.save();
    res.writeHead(200, { "Content-Type": "application/pdf", "Content-Length": bytes.length });
    res.end(Buffer.from(bytes));
  }

  private async control(req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = req.method === "POST" ? JSON.parse((await readBody(req)) || "{}") : {};
    switch (`${req.method} ${url.pathname}`) {
      case "POST /_control/stores":
        return sendJson(res, 201, this.addStore(body as CollectorStore));
      case "POST /_control/faults":
        this.faults.add(body as FaultRule);
        return sendJson(res, 201, { ok: true });
      case "GET /_control/state":
        return sendJson(res, 200, { stores: [...this.stores.values()].map(({ password: _p, ...s }) => s), invoices: [...this.invoices.values()] });
      case "POST /_control/reset":
        this.stores.clear();
        this.invoices.clear();
        this.faults.clear();
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: `no control route ${req.method} ${url.pathname}` });
    }
  }
}
