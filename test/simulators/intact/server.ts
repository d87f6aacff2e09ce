// The Intact iQ WebShop simulator: SOAP 1.1 over HTTP on loopback with the `soap` package's server
// (soap.listen), from the same WSDL the client loads (app/providers/intact/IntactWebShop.wsdl). It checks each
// request body against the WSDL's schema and the Username/Password headers against its users; it holds
// customer accounts with their invoices (issued in Intact itself, as a bookkeeper would) and the sales orders
// the app pushes, serves each invoice as a real PDF (base64 in the answer), and answers the way a WCF service
// does: faults a:AUTHENTICATION_FAILED, a:ACCOUNT_NOT_FOUND, a:INVOICE_NOT_FOUND, a:VALIDATION_ERROR.
//
// Control API (JSON over HTTP):
//   POST /_control/users     {username, password}
//   POST /_control/accounts  {code, name}
//   POST /_control/invoices  {account, number, invoiceDate, dueDate?, currency, net, tax, outstanding?, status?, isCreditNote?}
//   POST /_control/invoice-sales-order  {number, on?}   Intact invoices a pushed sales order (as it would in its own time)
//   POST /_control/faults    {kind: status|timeout|slow|lost-response|garbage, match?: <operation name>, times?, …}
//   GET  /_control/state     the accounts, invoices, sales orders and how often each PDF was fetched
//   POST /_control/reset
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { checkAgainstSchema, type ParsedWsdl } from "../../../app/providers/soap-schema";
import { FaultInjector, readBody, sendJson, type FaultRule } from "../faults";
import { startSoapServer, type SoapSimulatorServer } from "../soap-server";

export const INTACT_NS = "urn:invoice-bridge:intact-webshop:v1";
export const INTACT_WSDL = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../app/providers/intact/IntactWebShop.wsdl");
export const SERVICE_PATH = "/iq/IntactWebShop.svc";

export type IntactInvoice = {
  account: string;
  number: string;
  invoiceDate: string;
  dueDate: string | null;
  currency: string;
  /** Amounts as decimal strings, as Intact keeps them ("1250.00"). */
  net: string;
  tax: string;
  outstanding: string;
  status: "open" | "paid" | "overdue" | "cancelled";
  isCreditNote: boolean;
};
export type IntactSalesOrder = {
  number: string;
  account: string;
  reference: string;
  currency: string;
  orderDate: string;
  lines: Array<Record<string, unknown>>;
  gross: string;
  /** The invoice Intact made of it, once it has. */
  invoice?: string;
};

class IntactFault extends Error {
  constructor(
    readonly code: "AUTHENTICATION_FAILED" | "ACCOUNT_NOT_FOUND" | "INVOICE_NOT_FOUND" | "VALIDATION_ERROR",
    message: string,
  ) {
    super(message);
  }
}

/** soap reads an xs:date as a Date; Intact keeps the day. */
const day = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value));
/** Intact keeps amounts in the currency's own minor unit (JPY: whole yen), as ISO 4217 has it. */
const digits = (currency: string) => new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
const minor = (amount: string | number, currency: string) => Math.round(Number(amount) * 10 ** digits(currency));
const money = (m: number, currency: string) => (m / 10 ** digits(currency)).toFixed(digits(currency));

export class IntactSimulator {
  readonly faults = new FaultInjector();
  readonly users = new Map<string, string>();
  readonly accounts = new Map<string, { code: string; name: string }>();
  readonly invoices: IntactInvoice[] = [];
  readonly salesOrders: IntactSalesOrder[] = [];
  /** How often the WSDL was read (the client keeps what it read for a while). */
  wsdlReads = 0;
  /** How often each invoice's PDF was fetched, by invoice number. */
  readonly pdfFetches = new Map<string, number>();
  private nextOrder = 70_001;
  private nextInvoice = 30_001;
  private server: SoapSimulatorServer | undefined;
  private wsdl: ParsedWsdl | undefined;
  url = "";

  constructor(private readonly options: { port?: number } = {}) {}

  get endpoint() {
    return `${this.url}${SERVICE_PATH}`;
  }

  addUser(username: string, password: string) {
    this.users.set(username, password);
  }
  addAccount(account: { code: string; name: string }) {
    this.accounts.set(account.code, account);
    return account;
  }
  addInvoice(invoice: Omit<IntactInvoice, "outstanding" | "status" | "isCreditNote" | "dueDate"> & Partial<IntactInvoice>) {
    const gross = money(minor(invoice.net, invoice.currency) + minor(invoice.tax, invoice.currency), invoice.currency);
    const full: IntactInvoice = { dueDate: null, status: "open", isCreditNote: false, outstanding: gross, ...invoice };
    this.invoices.push(full);
    return full;
  }

  /** What Intact does with a pushed sales order in its own time: invoices it, on the order's account. */
  invoiceSalesOrder(number: string, on = new Date().toISOString().slice(0, 10)): IntactInvoice {
    const order = this.salesOrders.find((o) => o.number === number);
    if (!order) throw new Error(`no sales order ${number}`);
    if (order.invoice) return this.invoices.find((i) => i.number === order.invoice)!;
    const c = order.currency;
    const net = order.lines.reduce((sum, l) => sum + Math.round(minor(String(l.UnitPrice), c) * Number(l.Quantity)), 0);
    const due = new Date(Date.parse(on) + 30 * 86_400_000).toISOString().slice(0, 10);
    order.invoice = `INV-${this.nextInvoice++}`;
    return this.addInvoice({ account: order.account, number: order.invoice, invoiceDate: on, dueDate: due, currency: order.currency, net: money(net, c), tax: money(minor(order.gross, c) - net, c) });
  }

  async start(): Promise<string> {
    // The control API (and the PDFs) in front of the SOAP service; the parsed WSDL checks each request body.
    this.server = await startSoapServer({
      wsdlFile: INTACT_WSDL,
      servicePath: SERVICE_PATH,
      services: { IntactWebShop: { BasicHttpBinding_IWebShopService: this.operations() } },
      faults: this.faults,
      port: this.options.port,
      route: async (req, res, url) => {
        if (url.pathname.startsWith("/_control/")) return this.control(req, res, url).then(() => true);
        if (req.method === "GET" && url.searchParams.has("wsdl")) this.wsdlReads += 1;
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

  private operations() {
    type Args = Record<string, unknown>;
    type Headers = { Username?: string; Password?: string } | undefined;
    const op = (element: string, work: (args: Args) => Args | Promise<Args>) => async (args: Args, _cb: unknown, headers: Headers) => {
      try {
        const problems = checkAgainstSchema(this.wsdl!, INTACT_NS, element, args ?? {});
        if (problems.length) throw new IntactFault("VALIDATION_ERROR", `The request does not follow the service's contract: ${problems.join("; ")}`);
        if (!headers?.Username || this.users.get(headers.Username) !== headers.Password) throw new IntactFault("AUTHENTICATION_FAILED", "Authentication failed: unknown user or wrong password.");
        return await work(args ?? {});
      } catch (error) {
        if (!(error instanceof IntactFault)) throw error;
        throw { Fault: { faultcode: `a:${error.code}`, faultstring: error.message, statusCode: 500 } };
      }
    };
    const account = (code: unknown) => {
      const found = this.accounts.get(String(code));
      if (!found) throw new IntactFault("ACCOUNT_NOT_FOUND", `Customer account ${String(code)} does not exist.`);
      return found;
    };
    return {
      GetServerInfo: op("GetServerInfoRequest", () => ({ Build: "iQ 2026.2 (simulator)", Company: "Intact simulator Ltd" })),
      GetAccountInvoices: op("GetAccountInvoicesRequest", (args) => {
        const { code } = account(args.AccountCode);
        const invoices = this.invoices
          .filter((i) => i.account === code)
          .sort((a, b) => b.invoiceDate.localeCompare(a.invoiceDate) || b.number.localeCompare(a.number))
          .slice(0, Number(args.MaxResults));
        return {
          Invoices: {
            Invoice: invoices.map((i) => ({
              Currency: i.currency,
              ...(i.dueDate ? { DueDate: i.dueDate } : {}),
              GrossTotal: money(minor(i.net, i.currency) + minor(i.tax, i.currency), i.currency),
              InvoiceDate: i.invoiceDate,
              InvoiceNumber: i.number,
              IsCreditNote: i.isCreditNote,
              NetTotal: i.net,
              Outstanding: i.outstanding,
              Status: i.status,
              TaxTotal: i.tax,
            })),
          },
        };
      }),
      GetInvoicePdf: op("GetInvoicePdfRequest", async (args) => {
        const { code, name } = account(args.AccountCode);
        const invoice = this.invoices.find((i) => i.account === code && i.number === String(args.InvoiceNumber));
        if (!invoice) throw new IntactFault("INVOICE_NOT_FOUND", `Invoice ${String(args.InvoiceNumber)} does not exist on account ${code}.`);
        this.pdfFetches.set(invoice.number, (this.pdfFetches.get(invoice.number) ?? 0) + 1);
        return { FileName: `${invoice.number}.pdf`, PdfData: Buffer.from(await this.pdf(invoice, name)).toString("base64") };
      }),
      CreateSalesOrder: op("CreateSalesOrderRequest", (args) => {
        const { code } = account(args.AccountCode);
        const raw = (args.Lines as { SalesOrderLine?: unknown } | undefined)?.SalesOrderLine ?? [];
        const lines = (Array.isArray(raw) ? raw : [raw]) as Array<Record<string, unknown>>;
        if (lines.length === 0) throw new IntactFault("VALIDATION_ERROR", "A sales order needs at least one line.");
        // As Intact totals a document: the net per tax rate, and the tax of each rate rounded once.
        const netByRate = new Map<number, number>();
        const currency = String(args.Currency);
        for (const l of lines) netByRate.set(Number(l.TaxRate), (netByRate.get(Number(l.TaxRate)) ?? 0) + Math.round(minor(String(l.UnitPrice), currency) * Number(l.Quantity)));
        const gross = [...netByRate].reduce((sum, [rate, net]) => sum + net + Math.sign(net) * Math.round((Math.abs(net) * rate) / 100), 0);
        const order: IntactSalesOrder = { number: `SO${this.nextOrder++}`, account: code, reference: String(args.Reference), currency, orderDate: day(args.OrderDate), lines, gross: money(gross, currency) };
        this.salesOrders.push(order);
        return { GrossTotal: order.gross, SalesOrderNumber: order.number };
      }),
      FindSalesOrder: op("FindSalesOrderRequest", (args) => {
        const order = this.salesOrders.find((o) => o.reference === String(args.Reference));
        return order ? { Currency: order.currency, GrossTotal: order.gross, SalesOrderNumber: order.number } : {};
      }),
    };
  }

  private async pdf(invoice: IntactInvoice, accountName: string) {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595, 842]);
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const lines = [
      `${invoice.isCreditNote ? "Credit note" : "Invoice"} ${invoice.number}`,
      `Intact simulator, account ${invoice.account} (${accountName.replace(/[^\x20-\x7e]/g, "?")})`,
      `Date ${invoice.invoiceDate}${invoice.dueDate ? `, due ${invoice.dueDate}` : ""}`,
      `Net ${invoice.net} + tax ${invoice.tax} = ${money(minor(invoice.net, invoice.currency) + minor(invoice.tax, invoice.currency), invoice.currency)} ${invoice.currency}`,
    ];
    lines.forEach((text, i) => page.drawText(text, { x: 50, y: 790 - i * 18, size: 11, font }));
    return pdf.save();
  }

  private async control(req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = req.method === "POST" ? JSON.parse((await readBody(req)) || "{}") : {};
    switch (`${req.method} ${url.pathname}`) {
      case "POST /_control/users":
        this.addUser(String(body.username), String(body.password));
        return sendJson(res, 201, { ok: true });
      case "POST /_control/accounts":
        return sendJson(res, 201, this.addAccount(body as { code: string; name: string }));
      case "POST /_control/invoices":
        return sendJson(res, 201, this.addInvoice(body as IntactInvoice));
      case "POST /_control/invoice-sales-order":
        return sendJson(res, 201, this.invoiceSalesOrder(String(body.number), body.on ? String(body.on) : undefined));
      case "POST /_control/faults":
        this.faults.add(body as FaultRule);
        return sendJson(res, 201, { ok: true });
      case "GET /_control/state":
        return sendJson(res, 200, { accounts: [...this.accounts.values()], invoices: this.invoices, salesOrders: this.salesOrders, pdfFetches: Object.fromEntries(this.pdfFetches) });
      case "POST /_control/reset":
        this.users.clear();
        this.accounts.clear();
        this.invoices.length = 0;
        this.salesOrders.length = 0;
        this.pdfFetches.clear();
        this.nextOrder = 70_001;
        this.nextInvoice = 30_001;
        this.faults.clear();
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: `no control route ${req.method} ${url.pathname}` });
    }
  }
}
