// Seam 1: the accounting provider. One interface, one folder per provider, each built by a factory from
// the stored connection. Methods take one input object and return typed results, or raise the typed
// errors of app/lib/errors.ts (permanent, retryable, auth), classified once, inside the provider.
import { createHash } from "node:crypto";
import type { Db } from "../db.server";
import type { Ratio } from "../lib/money";

/** Whether a document's prices include VAT (gross) or not (net), as the accounting system takes them. */
export type PriceBasis = "net" | "gross";

// The document plan (made by app/invoicing/plan.ts from the order): provider-neutral lines whose total is
// checked against Shopify's total to the minor unit. It is what createDocument is given.
export type PlanLine = {
  kind: "product" | "discount" | "shipping" | "shipping-discount" | "tip" | "duties" | "adjustment" | "sales-tax" | "rounding";
  /** The order line it comes from, when it does. */
  lineId: string | null;
  sku: string | null;
  productNumber: string | null;
  description: string;
  quantity: number;
  /** Per unit, in the plan's price basis. */
  unitPrice: bigint;
  vatRate: Ratio;
  /** Totals of the line: net, its own VAT rounded alone (for display; the document's VAT is per rate), gross. */
  net: bigint;
  vat: bigint;
  gross: bigint;
};

export type TotalsCheck =
  | { outcome: "equal"; shopifyTotal: bigint; documentTotal: bigint; difference: 0n }
  | { outcome: "rounded"; shopifyTotal: bigint; documentTotal: bigint; difference: bigint }
  | { outcome: "mismatch"; shopifyTotal: bigint; documentTotal: bigint; difference: bigint; message: string };

export type DocumentPlan = {
  currency: string;
  priceBasis: PriceBasis;
  lines: PlanLine[];
  vatBreakdown: Array<{ rate: string; net: bigint; vat: bigint }>;
  totals: { net: bigint; vat: bigint; gross: bigint };
  giftCardPaid: bigint | null;
  /** The order's PO number, where the buyer gave one. */
  buyerReference?: string | null;
  check: TotalsCheck;
};

export type EInvoiceOutcome =
  | { made: false; reason: "off" }
  | { made: false; reason: "refused"; code: string; field: string; message: string }
  | { made: true; pdf: Uint8Array; ubl: string | null };

export type ProviderType = "economic" | "visma" | "invoicexpress" | "intact" | "collector" | "shop";

export type DocumentKind = "draft" | "invoice" | "order" | "creditNote";

/** What a provider can do, declared, so that the rules and the UI never guess. */
export type Capabilities = {
  documentKinds: DocumentKind[];
  priceBasis: PriceBasis;
  /** The most decimals an amount may have there (e-conomic: 2). */
  maxAmountDecimals: number;
  /** Whether products are matched by SKU in a catalogue (false: items are named on the document and created on the fly). */
  productCatalog: boolean;
  /** Whether a document may carry negative lines (discounts, rounding); where not, discounts are folded into prices. */
  negativeLines: boolean;
  /**
   * send, extendDueDate, cancel (a finalized document), partActivate: the staff actions of the order block.
   * cancelPreliminary: a document made but not finalized is withdrawn there (Collector's CancelInvoice) when
   * the order is cancelled. replace: such a document takes the order's new lines after an edit.
   */
  lifecycle: { send: boolean; extendDueDate: boolean; cancel: boolean; partActivate: boolean; replace: boolean; cancelPreliminary: boolean };
  /**
   * Whether a document takes a due date of its own when it is made (createDocument's dates.dueDate). Where
   * not (Visma: the customer's terms of payment decide), staff are told so instead of picking a date.
   */
  staffDueDate: boolean;
  listCustomerInvoices: boolean;
};

export type CustomerInput = {
  shopifyCustomerId: string | null;
  email: string | null;
  name: string;
  companyName: string | null;
  address: { address1: string | null; city: string | null; zip: string | null; countryCode: string | null } | null;
  currency: string;
  isB2B: boolean;
  /** A B2B buyer's VAT number (the company location's tax registration id), where Shopify has it. */
  vatNumber?: string | null;
  /** For a provider whose accounts are named by the shop's data (`accounts`): that data, read fresh. */
  account?: AccountSubject;
};

export type CustomerRef = { externalId: string; matchedBy: "email" | "name" | "link" | "collective" | "created" | "mapping" };

/**
 * A buyer as the shop's own data names them, for a system whose customer accounts are named by a mapping
 * (Intact's account codes) rather than matched by e-mail: the customer, and for a B2B buyer the company.
 * `metafield` is the value of the metafield the mapping names (accounts.metafield), where it is set.
 */
export type AccountSubject = {
  customer: { id: string | null; email: string | null; metafield: string | null } | null;
  company: { id: string; name: string; externalId: string | null; metafield: string | null } | null;
};

/** The account a subject names, or what the merchant sets so that it names one. */
export type AccountMatch = { account: string } | { missing: string };

export type MissingProductPolicy = "halt" | "default" | "create";

/**
 * A line's product: goods by their SKU, services (shipping, tip, duties, rounding) by the configured
 * product number; with a description and the line's VAT rate ("0.25").
 */
export type ProductLine = { kind: "goods" | "service"; sku: string | null; description: string; vatRate: string };

/** For each product line (by productKey), the provider's product number, and whether it was created. */
export type ProductMatches = Map<string | null, { productNumber: string; created: boolean }>;

/** The key of a product line in ProductMatches: goods by SKU (null: no SKU), services by number and VAT rate. */
export function productKey(line: Pick<ProductLine, "kind" | "sku" | "vatRate">): string | null {
  return line.kind === "service" ? `${line.sku}@${line.vatRate}` : line.sku;
}

export type DocumentRef = {
  providerRef: string;
  number: string | null;
  state: "draft" | "booked";
  /** The document's gross total as the provider computed it, in minor units (a credit note's as a positive amount). */
  totalMinor: bigint | null;
  /** YYYY-MM-DD, where the provider says. */
  dueDate?: string | null;
};

/**
 * Where a provider keeps credentials that change while in use (OAuth tokens): the stored copy, which
 * another job may have refreshed meanwhile, and a compare-and-set save.
 */
export interface CredentialStore<T> {
  load(): Promise<T>;
  /** Saves `next` in place of `previous`; false when the stored copy is no longer `previous` (someone else saved first). */
  save(next: T, previous: T): Promise<boolean>;
}

/** What a provider gets from the running app besides its connection: token storage and request pacing. */
export type ProviderRuntime = {
  credentialStore?: CredentialStore<unknown>;
  /** Waits until one more request to this endpoint keeps within the provider's published rate limit. */
  pace?: (endpoint: string) => Promise<void>;
  /** The app's own OAuth client, for providers connected with OAuth (Visma). */
  oauthClient?: { clientId: string; clientSecret: string };
  /** The app's database, for a provider whose documents live in it (the shop's own invoices). */
  db?: Db;
  /** The shop the connection belongs to, for a provider that keeps per-shop state in the database. */
  shopDomain?: string;
};

/**
 * The idempotency key in a form that fits small reference fields (Visma: 50 characters): the Shopify
 * order id, readable, and a hash of the whole key, which tells documents of one order apart.
 */
export function shortReference(idempotencyKey: string): string {
  const orderId = idempotencyKey.split(":")[2] ?? "";
  const hash = createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 10);
  return `Shopify ${orderId.slice(0, 24)} ${hash}`;
}

/** An invoice as the accounting system lists it for a customer: ours, or one issued there directly. */
export type ListedInvoice = {
  document: DocumentRef;
  /** YYYY-MM-DD. */
  issueDate: string;
  dueDate: string | null;
  currency: string;
  /** What is still unpaid, in minor units; null where the system does not say. */
  outstandingMinor: bigint | null;
  isCreditNote: boolean;
  /** Cancelled (or credited in full) in the system. */
  cancelled?: boolean;
};

/** The units of one order line shipped so far, as a provider that activates per article needs them. */
export type ShippedUnits = { lineId: string; sku: string | null; description: string; quantity: number };

export type SendInput = { document: DocumentRef; to: string; subject: string; body: string };

export interface AccountingProvider {
  readonly type: ProviderType;
  readonly capabilities: Capabilities;
  /**
   * When the document may be finalized: "booking" (as soon as the rules allow) or "fulfilment" (Visma's
   * order workflow: an order is converted to an invoice when the Shopify order is fulfilled) or "system"
   * (the system invoices what it was given by itself: Intact's sales orders; the app never books them).
   */
  readonly finalizeOn?: "booking" | "fulfilment" | "system";
  /** The price basis for this buyer, where it depends on the buyer (Visma: private persons see gross prices). */
  priceBasisFor?(buyer: { isB2B: boolean }): PriceBasis;
  verifyConnection(): Promise<void>;
  /**
   * guests: where a buyer without an e-mail goes: the collective customer of the settings (where the
   * system has one; the default), or a customer of their own.
   */
  findOrCreateCustomer(input: { customer: CustomerInput; linkedExternalId: string | null; guests?: "collective" | "individual" }): Promise<CustomerRef>;
  findOrCreateProducts(input: { lines: ProductLine[]; policy: MissingProductPolicy }): Promise<ProductMatches>;
  createDocument(input: {
    kind: DocumentKind;
    plan: DocumentPlan;
    customer: CustomerRef & { name: string; countryCode: string | null; isB2B: boolean };
    products: ProductMatches;
    idempotencyKey: string;
    dates: { issueDate: string; dueDate?: string };
    /** For a credit note: the invoice it credits. */
    credits?: DocumentRef;
    /** For a credit note: the credit notes already made for the same invoice (oldest first). */
    earlierCredits?: DocumentRef[];
    /**
     * The buyer's language as the order's locale gives it ("da-DK", "pt-BR", "sv"), for providers that
     * write the document themselves (the shop's own invoice); absent: the connection's default language.
     */
    language?: string;
  }): Promise<DocumentRef>;
  /** Book, convert or activate, as the provider calls it. */
  finalizeDocument(input: { document: DocumentRef }): Promise<DocumentRef>;
  /**
   * For crash recovery: the document carrying this key, if the provider has it. A system that cannot be
   * asked (Collector: no lookup by order) has no such method; then an attempt whose answer was lost stops
   * with words instead of making the document again (issue-document.use-case.ts).
   */
  findDocumentByReference?(input: { idempotencyKey: string }): Promise<DocumentRef | null>;
  /** Without a lookup: the system's name and where the merchant finds an order's document there by hand. */
  readonly lookUpByHand?: { system: string; where: (orderId: string) => string };
  /**
   * Where customer accounts are named by the shop's data (Intact: a metafield, the company's external id, or
   * a table), not matched by e-mail: the metafield to read from Shopify (namespace and key; null: none), and
   * the account a subject names. The app resolves it for each document and for the buyer's Invoices page.
   */
  readonly accounts?: { metafield: { namespace: string; key: string } | null; accountFor(subject: AccountSubject): AccountMatch };
  /** How long a PDF of an invoice issued in the system (listCustomerInvoices) may be served from the app's copy. */
  readonly pdfFreshForMs?: number;
  /**
   * Whether the system itself delivers the finalized document to the buyer (Collector sends its invoice on
   * activation), so that neither the app nor sendDocument sends it again on booking.
   */
  readonly deliversOnFinalize?: boolean;
  getPdf(input: { document: DocumentRef }): Promise<Uint8Array>;
  /**
   * The document as an EN 16931 e-invoice, made from the PDF getPdf gave (the shop's own invoices): the
   * Factur-X PDF that replaces it, and the UBL file where the merchant asks for it too; or, where the
   * document cannot be one, why, in the merchant's words. Absent where the system makes no e-invoices.
   */
  getEInvoice?(input: { document: DocumentRef; pdf: Uint8Array }): Promise<EInvoiceOutcome>;
  /** Cancels a finalized document in the accounting system itself (capabilities.lifecycle.cancel). */
  cancelDocument?(input: { document: DocumentRef; reason: string }): Promise<void>;
  /** Has the accounting system e-mail the finalized document (capabilities.lifecycle.send). */
  sendDocument?(input: SendInput): Promise<void>;
  /** A customer's booked invoices and credit notes, newest first, at most `limit` (capabilities.listCustomerInvoices). */
  listCustomerInvoices?(input: { customerExternalId: string; limit: number }): Promise<ListedInvoice[]>;
  /** Moves a finalized document's due date to a later day, YYYY-MM-DD (capabilities.lifecycle.extendDueDate). */
  extendDueDate?(input: { document: DocumentRef; dueDate: string }): Promise<DocumentRef>;
  /**
   * Activates the part of a preliminary document that has shipped (capabilities.lifecycle.partActivate):
   * `shipped` is every unit shipped so far, per order line; the provider activates what it has not yet, and
   * hands the same reference back when there is nothing new to activate.
   */
  partActivateDocument?(input: { document: DocumentRef; shipped: ShippedUnits[] }): Promise<DocumentRef>;
  /**
   * Withdraws a document made but not finalized (capabilities.lifecycle.cancelPreliminary); what is already
   * finalized of it stays. Returns what remains: totalMinor 0 when nothing does.
   */
  cancelPreliminaryDocument?(input: { document: DocumentRef }): Promise<DocumentRef>;
  /** Replaces a not yet finalized document's lines with the plan's (capabilities.lifecycle.replace). */
  replaceDocument?(input: { document: DocumentRef; plan: DocumentPlan }): Promise<DocumentRef>;
}
