// What the customer-account endpoints answer (app/routes/api.account.*), as one contract for the app and for
// the extension that reads it (extensions/invoice-account imports these types; nothing else: it is bundled
// apart from the app). Types only, no imports.

export type InvoiceStatus = "open" | "paid" | "overdue" | "credited";

export type AccountDocument = {
  id: string;
  kind: "invoice" | "creditNote";
  number: string | null;
  /** The Shopify order; null for an invoice issued directly in the accounting system. */
  orderId: string | null;
  orderName: string | null;
  issuedOn: string;
  dueDate: string | null;
  /** The amount in the document's currency, as a decimal string ("289.00"), and formatted with it. */
  amount: string | null;
  currency: string | null;
  total: string | null;
  /** What is still owed, as a decimal string, where the accounting system says (its own invoices); else null. */
  outstanding: string | null;
  /** Invoices only; a credit note credits the invoice it names. */
  status: InvoiceStatus | null;
  download: string;
  /** The UBL e-invoice (XML), where the shop issued one (its own invoices); else null. */
  einvoice: string | null;
};

/** GET /api/account/orders/:orderId */
export type OrderDocuments = { order: { id: string; name: string }; invoices: AccountDocument[]; creditNotes: AccountDocument[] };

/** GET /api/account/invoices?page=N */
export type InvoicesPage = { company: { name: string; locations: string[] } | null; total: number; page: number; pages: number; documents: AccountDocument[] };
