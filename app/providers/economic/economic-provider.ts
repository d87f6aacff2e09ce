// The e-conomic provider (REST, restapi.e-conomic.com). Facts from e-conomic's REST docs (the Markdown
// source, e-conomic/slate at a36f68f) and the published schemas in ../shared/contracts/economic.
import { createHash } from "node:crypto";
import { z } from "zod";
import { PermanentError } from "../../lib/errors";
import { currencyExponent, formatMinor, ratioToString, toMinor } from "../../lib/money";
import { productKey, type AccountingProvider, type CustomerRef, type DocumentRef, type MissingProductPolicy, type ProductLine, type ProductMatches } from "../provider";
import { economicError, economicHttp, ECONOMIC_PRODUCTION_URL, type EconomicCredentials } from "./economic-client";
import { EU_COUNTRIES } from "../../lib/eu";

export const economicSettingsSchema = z.object({
  baseUrl: z.url().default(ECONOMIC_PRODUCTION_URL),
  customerGroupNumber: z.number({ error: "choose the customer group for new customers" }).int().positive(),
  paymentTermsNumber: z.number({ error: "choose the payment terms for new customers" }).int().positive(),
  layoutNumber: z.number({ error: "choose the invoice layout" }).int().positive(),
  /** e-conomic's VAT zones: the shop's own country, the rest of the EU, and the rest of the world. */
  vatZones: z.object({ domestic: z.number().int(), eu: z.number().int(), abroad: z.number().int() }).default({ domestic: 1, eu: 2, abroad: 3 }),
  homeCountry: z.string().length(2).default("DK"),
  /** Where guests (no e-mail) are invoiced; without it, each guest becomes a customer of their own. */
  collectiveCustomerNumber: z.number().int().positive().optional(),
  /** The product group of products the app creates, per VAT rate ("0.25": 1): e-conomic takes a line's VAT from its product's group. */
  productGroups: z.record(z.string(), z.number({ error: "choose a product group for each VAT rate" }).int().positive(), { error: "choose a product group for each VAT rate" }),
  defaultProductNumber: z.string().min(1).max(25).default("SHOPIFY"),
});
export type EconomicSettings = z.infer<typeof economicSettingsSchema>;

export const economicCredentialsSchema = z.object({ appSecretToken: z.string().min(1), agreementGrantToken: z.string().min(1) });


/** e-conomic keeps product numbers to 25 characters; a longer SKU gets a stable, readable stand-in. */
export function productNumberFor(sku: string): string {
  if (sku.length <= 25) return sku;
  return `${sku.slice(0, 16)}~${createHash("sha256").update(sku).digest("hex").slice(0, 8)}`;
}

/**
 * e-conomic takes a line's VAT from its product's group, so one shipping product cannot carry two VAT
 * rates: shipping, tips, duties and rounding use one product per rate, "SHIPPING-25", "SHIPPING-23", ….
 */
export function serviceProductNumber(productNumber: string, vatRate: string): string {
  return productNumberFor(`${productNumber}-${ratioPercent(vatRate)}`);
}

function ratioPercent(vatRate: string): string {
  const [whole, fraction = ""] = vatRate.split(".");
  const digits = (fraction + "00").slice(0, 2);
  const rest = fraction.slice(2);
  const percent = String(Number(whole) * 100 + Number(digits));
  return rest ? `${percent}.${rest}` : percent;
}

/** e-conomic's filter escapes (REST docs, "Filtering"): $ ( ) * , [ ] are written with a $ before them. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[$()*,[\]]/g, (c) => `$${c}`);
}

/** Product numbers in a URL: e-conomic's codes for special characters (space _9_, slash _6_, …). */
const URL_CODES: Record<string, string> = { " ": "_9_", "/": "_6_", "\\": "_7_", "?": "_8_", "&": "_5_", "%": "_4_", ":": "_10_" };
function productPath(productNumber: string) {
  return `/products/${encodeURIComponent([...productNumber].map((c) => URL_CODES[c] ?? c).join(""))}`;
}

const customerList = z.object({ collection: z.array(z.object({ customerNumber: z.number(), email: z.string().nullish() })) });
const draftAnswer = z.object({ draftInvoiceNumber: z.number(), grossAmount: z.number().optional(), currency: z.string(), dueDate: z.string().optional() });
const bookedAnswer = z.object({ bookedInvoiceNumber: z.number(), grossAmount: z.number().optional(), currency: z.string(), dueDate: z.string().optional() });
const invoiceList = <T extends z.ZodTypeAny>(item: T) => z.object({ collection: z.array(item) });
const listedInvoice = bookedAnswer.extend({ date: z.string(), remainder: z.number().nullish(), grossAmount: z.number() });

export function createEconomicProvider(input: { credentials: EconomicCredentials; settings: EconomicSettings }): AccountingProvider {
  const settings = input.settings;
  const http = economicHttp({ baseUrl: settings.baseUrl, credentials: input.credentials });
  const call = async <T>(doing: string, run: () => Promise<{ data: unknown }>, schema: z.ZodType<T>): Promise<T> => {
    let data: unknown;
    try {
      data = (await run()).data;
    } catch (error) {
      throw economicError(error, doing);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw economicError(new Error(`unexpected answer: ${parsed.error.issues[0]?.message}`), doing);
    }
    return parsed.data;
  };
  // The EU zone means reverse charge, which is for businesses only; EU consumers pay VAT as at home.
  const vatZoneFor = (countryCode: string | null, isB2B: boolean) =>
    !countryCode || countryCode === settings.homeCountry
      ? settings.vatZones.domestic
      : EU_COUNTRIES.has(countryCode)
        ? isB2B
          ? settings.vatZones.eu
          : settings.vatZones.domestic
        : settings.vatZones.abroad;
  const productGroupFor = (vatRate: string) => {
    const group = settings.productGroups[vatRate];
    if (group === undefined) {
      throw new PermanentError(
        "product_group_missing",
        `No e-conomic product group is set for VAT ${Number(vatRate) * 100}%, so a product with that VAT cannot be created. Add one in the app's e-conomic settings, then press Retry.`,
      );
    }
    return group;
  };
  const money = (minor: bigint, currency: string) => Number(formatMinor(minor, currency));
  // A credit note is a draft with negative quantities, so its gross is negative; our refs carry it as the
  // positive amount credited (an invoice's total is never negative: it equals Shopify's).
  const toRef = (state: "draft" | "booked", number: number, gross: number | undefined, currency: string, dueDate?: string): DocumentRef => ({
    providerRef: `${state}:${number}`,
    number: state === "booked" ? String(number) : null,
    state,
    totalMinor: gross === undefined ? null : toMinor(Math.abs(gross).toFixed(currencyExponent(currency)), currency),
    ...(dueDate ? { dueDate: dueDate.slice(0, 10) } : {}),
  });

  async function productExists(productNumber: string): Promise<boolean> {
    try {
      await http.get(productPath(productNumber));
      return true;
    } catch (error) {
      if ((error as { response?: { status?: number } }).response?.status === 404) return false;
      throw economicError(error, `looking up product ${productNumber}`);
    }
  }

  return {
    type: "economic",
    capabilities: {
      documentKinds: ["draft", "invoice"],
      priceBasis: "net",
      maxAmountDecimals: 2,
      productCatalog: true,
      negativeLines: true,
      lifecycle: { send: false, extendDueDate: false, cancel: false, partActivate: false, replace: false, cancelPreliminary: false },
      staffDueDate: true,
      listCustomerInvoices: true,
    },

    async verifyConnection() {
      await call("checking the connection", () => http.get("/customers", { params: { pagesize: 1 } }), customerList);
    },

    async findOrCreateCustomer({ customer, linkedExternalId, guests = "collective" }): Promise<CustomerRef> {
      if (!customer.email && !linkedExternalId && guests === "collective" && settings.collectiveCustomerNumber) {
        return { externalId: String(settings.collectiveCustomerNumber), matchedBy: "collective" };
      }
      if (customer.email) {
        // One e-conomic customer may hold several addresses in its e-mail field; match whole addresses only.
        const email = customer.email.toLowerCase();
        const found = await call(
          "looking up the customer by e-mail",
          () => http.get("/customers", { params: { filter: `email$like:*${escapeFilterValue(email)}*`, pagesize: 100 } }),
          customerList,
        );
        const match = found.collection.find((c) => (c.email ?? "").toLowerCase().split(/[;,\s]+/).includes(email));
        if (match) return { externalId: String(match.customerNumber), matchedBy: "email" };
      }
      if (linkedExternalId) {
        try {
          await http.get(`/customers/${encodeURIComponent(linkedExternalId)}`);
          return { externalId: linkedExternalId, matchedBy: "link" };
        } catch (error) {
          if ((error as { response?: { status?: number } }).response?.status !== 404) throw economicError(error, "looking up the linked customer");
        }
      }
      const created = await call(
        `creating the customer ${customer.name}`,
        () =>
          http.post("/customers", {
            name: (customer.companyName ?? customer.name).slice(0, 255),
            currency: customer.currency,
            email: customer.email ?? undefined,
            customerGroup: { customerGroupNumber: settings.customerGroupNumber },
            paymentTerms: { paymentTermsNumber: settings.paymentTermsNumber },
            vatZone: { vatZoneNumber: vatZoneFor(customer.address?.countryCode ?? null, customer.isB2B) },
            address: customer.address?.address1 ?? undefined,
            city: customer.address?.city ?? undefined,
            zip: customer.address?.zip ?? undefined,
          }),
        z.object({ customerNumber: z.number() }),
      );
      return { externalId: String(created.customerNumber), matchedBy: "created" };
    },

    async findOrCreateProducts({ lines, policy }: { lines: ProductLine[]; policy: MissingProductPolicy }): Promise<ProductMatches> {
      const matches: ProductMatches = new Map();
      for (const line of lines) {
        const key = productKey(line);
        if (matches.has(key)) continue;
        if (line.kind === "service" && line.sku) {
          // Services are ours to name, so they are created whatever the policy for goods says.
          const productNumber = serviceProductNumber(line.sku, line.vatRate);
          if (!(await productExists(productNumber))) {
            const productGroupNumber = productGroupFor(line.vatRate);
            await call(
              `creating the product ${productNumber}`,
              () => http.post("/products", { productNumber, name: `${line.description} (VAT ${ratioPercent(line.vatRate)}%)`.slice(0, 300), productGroup: { productGroupNumber } }),
              z.object({ productNumber: z.string() }),
            ).catch(async (error: unknown) => {
              if (!(error instanceof PermanentError && (await productExists(productNumber)))) throw error;
            });
          }
          matches.set(key, { productNumber, created: false });
          continue;
        }
        if (line.sku) {
          const productNumber = productNumberFor(line.sku);
          if (await productExists(productNumber)) {
            matches.set(line.sku, { productNumber, created: false });
            continue;
          }
          if (policy === "create") {
            const productGroupNumber = productGroupFor(line.vatRate);
            try {
              await call(
                `creating the product ${productNumber}`,
                () => http.post("/products", { productNumber, name: line.description.slice(0, 300), productGroup: { productGroupNumber } }),
                z.object({ productNumber: z.string() }),
              );
            } catch (error) {
              // Another order may have created it a moment ago (orders run in parallel): if it exists now, use it.
              if (error instanceof PermanentError && (await productExists(productNumber))) {
                matches.set(line.sku, { productNumber, created: false });
                continue;
              }
              throw error;
            }
            matches.set(line.sku, { productNumber, created: true });
            continue;
          }
          if (policy === "halt") {
            throw new PermanentError(
              "product_missing",
              `SKU '${line.sku}' does not exist in e-conomic and 'Create missing products' is off. Create the product in e-conomic or turn the setting on, then press Retry.`,
            );
          }
        } else if (policy === "halt") {
          throw new PermanentError(
            "sku_missing",
            `The line '${line.description}' has no SKU, and your settings stop on lines without one. Add a SKU in Shopify or choose a default product, then press Retry.`,
          );
        }
        if (!(await productExists(settings.defaultProductNumber))) {
          throw new PermanentError(
            "default_product_missing",
            `The default product '${settings.defaultProductNumber}' does not exist in e-conomic. Create it there or change the default product in the settings, then press Retry.`,
          );
        }
        matches.set(line.sku, { productNumber: settings.defaultProductNumber, created: false });
      }
      return matches;
    },

    async createDocument({ kind, plan, customer, products, idempotencyKey, dates, credits }) {
      const sign = kind === "creditNote" ? -1 : 1;
      if (currencyExponent(plan.currency) > 2) {
        throw new PermanentError(
          "currency_decimals",
          `e-conomic keeps amounts to 2 decimals, so an invoice in ${plan.currency} (3 decimals) cannot be exact there. Invoice in the shop's currency instead (settings), or use another provider for this order.`,
        );
      }
      if (plan.priceBasis !== "net") throw new Error("e-conomic takes net prices; plan the document with priceBasis 'net'");
      const draft = await call(
        "creating the invoice draft",
        () =>
          http.post("/invoices/drafts", {
            date: dates.issueDate,
            ...(dates.dueDate ? { dueDate: dates.dueDate } : {}),
            currency: plan.currency,
            customer: { customerNumber: Number(customer.externalId) },
            paymentTerms: { paymentTermsNumber: settings.paymentTermsNumber },
            layout: { layoutNumber: settings.layoutNumber },
            recipient: { name: customer.name.slice(0, 250), vatZone: { vatZoneNumber: vatZoneFor(customer.countryCode, customer.isB2B) } },
            // The idempotency key: a retry after a crash or a lost answer finds this draft first.
            references: { other: idempotencyKey },
            ...(credits ? { notes: { heading: `Credit note for invoice ${credits.number ?? credits.providerRef}` } } : {}),
            lines: plan.lines.map((line, i) => ({
              lineNumber: i + 1,
              description: line.description.slice(0, 2500),
              product: {
                productNumber:
                  products.get(
                    line.kind === "product" || line.kind === "discount"
                      ? productKey({ kind: "goods", sku: line.sku, vatRate: "" })
                      : productKey({ kind: "service", sku: line.productNumber, vatRate: ratioToString(line.vatRate) }),
                  )?.productNumber ?? settings.defaultProductNumber,
              },
              quantity: sign * line.quantity,
              unitNetPrice: money(line.unitPrice, plan.currency),
            })),
          }),
        draftAnswer,
      );
      return toRef("draft", draft.draftInvoiceNumber, draft.grossAmount, draft.currency, draft.dueDate);
    },

    async finalizeDocument({ document }) {
      if (document.state === "booked") return document;
      const draftInvoiceNumber = Number(document.providerRef.split(":")[1]);
      const booked = await call("booking the invoice", () => http.post("/invoices/booked", { draftInvoice: { draftInvoiceNumber } }), bookedAnswer);
      return toRef("booked", booked.bookedInvoiceNumber, booked.grossAmount, booked.currency, booked.dueDate);
    },

    async findDocumentByReference({ idempotencyKey }) {
      const filter = `references.other$eq:${escapeFilterValue(idempotencyKey)}`;
      const booked = await call("looking for an earlier booked invoice", () => http.get("/invoices/booked", { params: { filter } }), invoiceList(bookedAnswer));
      if (booked.collection[0]) return toRef("booked", booked.collection[0].bookedInvoiceNumber, booked.collection[0].grossAmount, booked.collection[0].currency);
      const drafts = await call("looking for an earlier draft", () => http.get("/invoices/drafts", { params: { filter } }), invoiceList(draftAnswer));
      if (drafts.collection[0]) return toRef("draft", drafts.collection[0].draftInvoiceNumber, drafts.collection[0].grossAmount, drafts.collection[0].currency);
      return null;
    },

    async listCustomerInvoices({ customerExternalId, limit }) {
      // Booked invoices of the customer, newest first; a credit note is a booked invoice with a negative gross.
      const params = { filter: `customer.customerNumber$eq:${Number(customerExternalId)}`, sort: "-bookedInvoiceNumber", pagesize: Math.min(limit, 1000) };
      const list = await call("listing the customer's invoices", () => http.get("/invoices/booked", { params }), invoiceList(listedInvoice));
      return list.collection.map((row) => ({
        document: toRef("booked", row.bookedInvoiceNumber, row.grossAmount, row.currency, row.dueDate),
        issueDate: row.date.slice(0, 10),
        dueDate: row.dueDate?.slice(0, 10) ?? null,
        currency: row.currency,
        outstandingMinor: row.remainder === null || row.remainder === undefined ? null : toMinor(Math.abs(row.remainder).toFixed(currencyExponent(row.currency)), row.currency),
        isCreditNote: row.grossAmount < 0,
      }));
    },

    async getPdf({ document }) {
      if (document.state !== "booked") throw new PermanentError("pdf_draft", "A draft has no final PDF in e-conomic; book it first.");
      try {
        const response = await http.get(`/invoices/booked/${document.number}/pdf`, { responseType: "arraybuffer" });
        const bytes = new Uint8Array(response.data as ArrayBuffer);
        if (Buffer.from(bytes.slice(0, 5)).toString() !== "%PDF-") throw new Error("the answer is not a PDF");
        return bytes;
      } catch (error) {
        throw economicError(error, `fetching the PDF of invoice ${document.number}`);
      }
    },
  };
}
