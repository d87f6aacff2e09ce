// The shop's own invoice (provider "shop"): the app itself issues the invoice, as a PDF, with the shop as
// the seller. There is no system behind it but the app's database: a document is an OwnDocument row
// holding everything its PDF says, and it gets its number, gap-free per shop and series, when it is
// finalized (numbering.server.ts). The PDF is made from the row whenever it is asked for, and is the
// same each time.
import { z } from "zod";
import type { Db } from "../../db.server";
import { isUniqueViolation } from "../../db/errors";
import { AppError, PermanentError, RetryableError } from "../../lib/errors";
import { productKey, type AccountingProvider, type CustomerInput, type CustomerRef, type DocumentRef, type ProductMatches, type ProviderRuntime } from "../provider";
import { buyerSchema, contentFromPlan, ownInvoiceContentSchema, type Buyer, type OwnInvoiceContent } from "./own-invoice-content";
// The PDF library and its fonts are loaded on first use: a shop on another provider never pays for them.
const ownInvoicePdf = () => import("./own-invoice-pdf");
import { takeNumber, type Series } from "./numbering.server";
import { LANGUAGES, pickLanguage } from "./translations";

const optionalText = (max: number) => z.string().trim().min(1).max(max).optional();

/**
 * A number prefix: letters, digits and - / _ . #, and not ending in a digit, since the number follows
 * it directly ("INV-2026" + 1 would read INV-20261; it also keeps one series' numbers out of another's).
 */
const prefix = z
  .string()
  .max(20, { error: "a prefix has at most 20 characters" })
  .regex(/^[\p{L}\p{N}\-/_.#]*$/u, { error: "a prefix may hold letters, digits and - / _ . # only" })
  .refine((p) => !/\p{N}$/u.test(p), { error: "end the prefix with a separator such as '-', so that the number stays readable (INV-2026- gives INV-2026-1)" });

export const shopSettingsSchema = z
  .object({
    /** The seller, as every invoice must name it. */
    seller: z.object({
      name: z.string().trim().min(1, { error: "the shop's legal name is printed on every invoice" }).max(200),
      /** Street, postcode and city, one line each; the country is printed from countryCode. */
      addressLines: z
        .array(z.string().trim().min(1, { error: "an address line cannot be empty" }).max(200))
        .min(1, { error: "the shop's address is printed on every invoice" })
        .max(5, { error: "at most 5 address lines" }),
      countryCode: z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z]{2}$/, { error: "the shop's country as a two-letter code, such as DK or PT" }),
      vatId: z
        .string()
        .trim()
        .min(4, { error: "the shop's VAT number (such as DK12345678) is printed on every invoice" })
        .max(20, { error: "a VAT number has at most 20 characters" }),
      email: z.email({ error: "the shop's e-mail address is not valid" }).optional(),
      phone: optionalText(40),
      /** Printed under the payment terms, so that the buyer can pay by transfer. */
      bank: z
        .object({
          name: optionalText(100),
          iban: z
            .string()
            .trim()
            .regex(/^[A-Z]{2}\d{2}[A-Z0-9 ]{8,40}$/i, { error: "an IBAN starts with the country code and two check digits, such as DK50 0040 0440 1162 43" })
            .optional(),
          bic: z
            .string()
            .trim()
            .regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/i, { error: "a BIC has 8 or 11 letters and digits, such as DABADKKK" })
            .optional(),
          accountNumber: optionalText(40),
        })
        .optional(),
    }),
    /**
     * E-invoices (EN 16931): off, the Factur-X PDF (the PDF with its XML inside), or that plus the UBL file
     * attached to the e-mail. The seller's address is asked for in parts here, as the XML has a field for each.
     */
    einvoice: z
      .object({
        mode: z.enum(["off", "facturx", "facturx-ubl"], { error: "choose off, Factur-X PDF, or Factur-X PDF and UBL file" }).default("off"),
        street: optionalText(200),
        postcode: optionalText(20),
        city: optionalText(100),
        /** The legal registration id (BT-30): a French seller's SIREN. */
        companyId: optionalText(40),
        /** Why 0% lines of a domestic sale are exempt (VAT category E); without it they are zero-rated (Z). */
        exemptionReason: optionalText(300),
      })
      .superRefine((e, context) => {
        if (e.mode === "off") return;
        for (const [field, label] of [["street", "street"], ["postcode", "postcode"], ["city", "city"]] as const) {
          if (!e[field]) context.addIssue({ code: "custom", path: [field], message: `an e-invoice names the shop's ${label}: set it, or turn e-invoices off` });
        }
      })
      .default({ mode: "off" }),
    invoicePrefix: prefix.default("INV-"),
    creditNotePrefix: prefix.default("CN-"),
    /** The language of buyers whose order's language is not one the invoice is written in. */
    defaultLanguage: z.enum(LANGUAGES, { error: `choose one of ${LANGUAGES.join(", ")}` }).default("en"),
    /** The due date: the invoice date plus this many days, unless staff choose a date. */
    paymentTermsDays: z.number().int().min(0).max(365, { error: "payment terms run at most 365 days" }).default(14),
    /** Printed at the end of every invoice (registration details, a thank-you). */
    notes: z.string().trim().max(1000, { error: "notes have at most 1000 characters" }).optional(),
  })
  .refine((s) => s.einvoice.mode === "off" || s.seller.countryCode !== "FR" || Boolean(s.einvoice.companyId), {
    path: ["einvoice", "companyId"],
    error: "a French seller's e-invoice names its SIREN (9 digits): set it, or turn e-invoices off",
  })
  .refine((s) => s.invoicePrefix !== s.creditNotePrefix, {
    path: ["creditNotePrefix"],
    error: "credit notes need a prefix of their own (such as CN-), so that their numbers never read as invoice numbers",
  });
export type ShopSettings = z.infer<typeof shopSettingsSchema>;

/** For tests: a step run inside the finalizing transaction right after the number is taken. */
export type ShopProviderHooks = { afterNumberTaken?: (number: string) => Promise<void> | void };

/** Prisma's codes for a database that is away, busy or in conflict: try again later. */
const TRANSIENT_DB_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2034"]);

/** Database failures where they happen: transient ones are retryable, in words; the rest stay as they are. */
export function shopDbError(error: unknown, doing: string): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown; errorCode?: unknown } | null)?.code ?? (error as { errorCode?: unknown } | null)?.errorCode;
  if (typeof code === "string" && TRANSIENT_DB_CODES.has(code)) {
    return new RetryableError("shop_database_unavailable", `The app's database was unavailable while ${doing}; it will be retried.`, {
      cause: error,
      detail: `${code}: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`,
    });
  }
  return error;
}

/** Thrown inside the transaction to roll back a number taken for a document another attempt finalized first. */
class AlreadyFinal extends Error {}

/** The B2B buyer's VAT number (the company location's tax registration id), where Shopify has one. */
function vatNumberOf(customer: CustomerInput): string | null {
  return customer.vatNumber?.trim() || null;
}

export function createShopProvider(input: { settings: ShopSettings; runtime?: ProviderRuntime; hooks?: ShopProviderHooks }): AccountingProvider {
  const { settings, hooks } = input;
  // The database and the shop are needed for documents only: a connection is checked (verifyConnection)
  // before it is saved, when it has no runtime yet.
  const store = (): { db: Db; shopDomain: string } => {
    const db = input.runtime?.db;
    const shopDomain = input.runtime?.shopDomain;
    if (!db || !shopDomain) throw new Error("the shop's own invoicing needs runtime.db and runtime.shopDomain (app/providers/connections.server.ts)");
    return { db, shopDomain };
  };
  const seller = {
    name: settings.seller.name,
    addressLines: settings.seller.addressLines,
    countryCode: settings.seller.countryCode,
    vatId: settings.seller.vatId,
    email: settings.seller.email ?? null,
    phone: settings.seller.phone ?? null,
    bank: settings.seller.bank
      ? {
          name: settings.seller.bank.name ?? null,
          iban: settings.seller.bank.iban ?? null,
          bic: settings.seller.bank.bic ?? null,
          accountNumber: settings.seller.bank.accountNumber ?? null,
        }
      : null,
  };

  const contentOf = (row: { id: string; content: string }): OwnInvoiceContent => {
    const parsed = ownInvoiceContentSchema.safeParse(JSON.parse(row.content));
    if (!parsed.success) throw new Error(`own document ${row.id} holds content the app cannot read: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  };
  const toRef = (row: { id: string; state: string; number: string | null; content: string }): DocumentRef => {
    const content = contentOf(row);
    const final = row.state === "final";
    return {
      providerRef: `own:${row.id}`,
      number: final ? row.number : null,
      state: final ? "booked" : "draft",
      totalMinor: BigInt(content.totals.gross),
      dueDate: content.dueDate,
    };
  };
  const idOf = (document: DocumentRef) => {
    if (!document.providerRef.startsWith("own:")) throw new Error(`not a document of the shop's own invoicing: ${document.providerRef}`);
    return document.providerRef.slice("own:".length);
  };
  const load = async (db: Db, shopDomain: string, id: string) => {
    const row = await db.ownDocument.findUnique({ where: { id } }).catch((error: unknown) => {
      throw shopDbError(error, "reading the invoice");
    });
    if (!row || row.shopDomain !== shopDomain) {
      throw new PermanentError("shop_document_missing", "The invoice is no longer in the app (it may have been erased at the shop's request), so it cannot be booked or printed.");
    }
    return row;
  };

  /** The invoice a credit note corrects: its number, and its date where the app issued it. */
  const creditedInvoice = async (db: Db, shopDomain: string, invoice: DocumentRef | undefined) => {
    if (!invoice) throw new Error("a credit note of the shop's own invoicing needs the invoice it credits (createDocument's `credits`)");
    if (!invoice.providerRef.startsWith("own:")) {
      // An invoice from the accounting system the shop used before: its number is all the app knows.
      if (!invoice.number) throw new Error(`the credited invoice ${invoice.providerRef} has no number`);
      return { number: invoice.number, issueDate: null };
    }
    const row = await load(db, shopDomain, idOf(invoice));
    if (row.state !== "final" || !row.number) {
      throw new PermanentError("shop_credit_of_draft", "A credit note can only correct an issued invoice, and the invoice of this order is still a draft. Book the invoice first, then press Retry.");
    }
    return { number: row.number, issueDate: contentOf(row).issueDate };
  };

  return {
    type: "shop",
    capabilities: {
      documentKinds: ["draft", "invoice", "creditNote"],
      priceBasis: "net",
      // Exact in any ISO 4217 exponent: amounts are kept and printed from minor units.
      maxAmountDecimals: 3,
      productCatalog: false,
      negativeLines: true,
      lifecycle: { send: false, extendDueDate: false, cancel: false, partActivate: false, replace: false, cancelPreliminary: false },
      staffDueDate: true,
      listCustomerInvoices: false,
    },

    async verifyConnection() {
      // The settings were checked by their schema; what remains is what printing and numbering need.
      await (await ownInvoicePdf()).loadOwnInvoiceFonts();
      const db = input.runtime?.db;
      if (db) {
        await db.documentSequence.count({ where: { shopDomain: input.runtime?.shopDomain ?? "" } }).catch((error: unknown) => {
          throw shopDbError(error, "checking the invoice numbering");
        });
      }
    },

    /**
     * There is no customer register to match against: the invoice names the buyer in full. So the buyer
     * is its own reference (the buyer's details, as JSON), and the match is "collective", which tells the
     * use case not to remember it (CustomerLink): a remembered reference would print the address of the
     * buyer's first order on every later invoice, where each must carry the address of its own order.
     */
    async findOrCreateCustomer({ customer }): Promise<CustomerRef> {
      const address = customer.address;
      const buyer: Buyer = {
        name: customer.name,
        companyName: customer.companyName,
        vatId: vatNumberOf(customer),
        email: customer.email,
        addressLines: [address?.address1, [address?.zip, address?.city].filter(Boolean).join(" ")].filter((line): line is string => Boolean(line?.trim())),
        countryCode: address?.countryCode ?? null,
        isB2B: customer.isB2B,
      };
      return { externalId: JSON.stringify(buyer), matchedBy: "collective" };
    },

    /** No catalogue: each line is named on the invoice itself, so every line has its match. */
    async findOrCreateProducts({ lines }): Promise<ProductMatches> {
      return new Map(lines.map((line) => [productKey(line), { productNumber: line.sku ?? "", created: false }]));
    },

    async createDocument({ kind, plan, customer, idempotencyKey, dates, credits, language }) {
      const { db, shopDomain } = store();
      if (kind === "order") {
        throw new PermanentError("shop_document_kind", "The shop's own invoicing makes invoices and credit notes, not orders. Choose invoices in the app's settings, then press Retry.");
      }
      if (plan.priceBasis !== "net") throw new Error("the shop's own invoice states net prices; plan the document with priceBasis 'net'");
      const existing = await db.ownDocument.findUnique({ where: { idempotencyKey } }).catch((error: unknown) => {
        throw shopDbError(error, "looking for an earlier invoice");
      });
      if (existing) return toRef(existing);

      const series: Series = kind === "creditNote" ? "credit-note" : "invoice";
      const parsedBuyer = buyerSchema.safeParse(safeJson(customer.externalId));
      // A reference from elsewhere (not findOrCreateCustomer's) still names the buyer and the country.
      const buyer: Buyer = parsedBuyer.success
        ? { ...parsedBuyer.data, countryCode: parsedBuyer.data.countryCode ?? customer.countryCode }
        : { name: customer.name, companyName: null, vatId: null, email: null, addressLines: [], countryCode: customer.countryCode, isB2B: customer.isB2B };
      const content = contentFromPlan({
        kind: series,
        plan,
        seller,
        buyer,
        language: pickLanguage(language, settings.defaultLanguage),
        issueDate: dates.issueDate,
        dueDate: dates.dueDate,
        paymentTermsDays: settings.paymentTermsDays,
        credits: series === "credit-note" ? [await creditedInvoice(db, shopDomain, credits)] : [],
        notes: settings.notes ?? null,
      });
      try {
        const row = await db.ownDocument.create({ data: { shopDomain, idempotencyKey, series, state: "draft", content: JSON.stringify(content) } });
        return toRef(row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw shopDbError(error, "storing the invoice");
        // The same key at the same moment (a retry racing its original): the document that won is this one.
        return toRef(await db.ownDocument.findUniqueOrThrow({ where: { idempotencyKey } }));
      }
    },

    /**
     * The number is taken and written in one transaction: if anything fails before the commit, the
     * counter goes back with it, so no number is lost and none is used twice. Finalizing a final
     * document returns it as it is.
     */
    async finalizeDocument({ document }) {
      const { db, shopDomain } = store();
      const id = idOf(document);
      let number: string | null = null;
      try {
        const row = await db.$transaction(
          async (tx) => {
            const current = await tx.ownDocument.findUnique({ where: { id } });
            if (!current || current.shopDomain !== shopDomain) return null;
            if (current.state === "final") return current;
            const series = current.series as Series;
            number = await takeNumber(tx, { shopDomain, series, prefix: series === "credit-note" ? settings.creditNotePrefix : settings.invoicePrefix });
            await hooks?.afterNumberTaken?.(number);
            // Conditional: a concurrent attempt that finalized it first makes this one roll its number back.
            const { count } = await tx.ownDocument.updateMany({ where: { id, state: "draft" }, data: { number, state: "final", issuedAt: new Date() } });
            if (count === 0) throw new AlreadyFinal();
            return tx.ownDocument.findUniqueOrThrow({ where: { id } });
          },
          // Finalizations of one shop queue on its counter's row lock; give them time to take turns.
          { maxWait: 15_000, timeout: 30_000 },
        );
        if (!row) return toRef(await load(db, shopDomain, id));
        return toRef(row);
      } catch (error) {
        if (error instanceof AlreadyFinal) return toRef(await load(db, shopDomain, id));
        if (isUniqueViolation(error)) {
          throw new PermanentError(
            "shop_number_in_use",
            `The next number, ${number}, is already on another document of this shop, so the invoice was not numbered (no number was used up). The numbering was changed outside the app; contact support to set it right, then press Retry.`,
            { cause: error },
          );
        }
        throw shopDbError(error, "numbering the invoice");
      }
    },

    async findDocumentByReference({ idempotencyKey }) {
      const { db, shopDomain } = store();
      const row = await db.ownDocument.findUnique({ where: { idempotencyKey } }).catch((error: unknown) => {
        throw shopDbError(error, "looking for an earlier invoice");
      });
      return row && row.shopDomain === shopDomain ? toRef(row) : null;
    },

    async getPdf({ document }) {
      const { db, shopDomain } = store();
      const row = await load(db, shopDomain, idOf(document));
      if (row.state !== "final" || !row.number) {
        throw new PermanentError("pdf_draft", "A draft has no PDF yet: the shop's own invoice gets its number, and its PDF, when it is booked.");
      }
      return (await ownInvoicePdf()).renderOwnInvoicePdf(contentOf(row), { number: row.number });
    },

    async getEInvoice({ document, pdf }) {
      const e = settings.einvoice;
      if (e.mode === "off") return { made: false, reason: "off" };
      const { db, shopDomain } = store();
      const row = await load(db, shopDomain, idOf(document));
      if (row.state !== "final" || !row.number) throw new PermanentError("einvoice_draft", "A draft is no e-invoice yet: it becomes one when it is booked.");
      const content = contentOf(row);
      const [{ einvoiceModel }, { renderFacturX, renderUbl }] = await Promise.all([import("../../einvoice/en16931"), import("../../einvoice/render.server")]);
      const model = einvoiceModel({
        content,
        number: row.number,
        seller: e.street && e.postcode && e.city ? { street: e.street, postcode: e.postcode, city: e.city, companyId: e.companyId ?? null, exemptionReason: e.exemptionReason ?? null } : null,
      });
      if (!model.ok) return { made: false, reason: "refused", code: model.refusal.code, field: model.refusal.field, message: model.refusal.message };
      const facturX = await renderFacturX(model.invoice, pdf, { filename: `${row.number}.pdf`, language: content.language });
      return { made: true, pdf: facturX, ubl: e.mode === "facturx-ubl" ? await renderUbl(model.invoice) : null };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
