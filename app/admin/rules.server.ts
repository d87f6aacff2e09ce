// The Rules page's data: the shop's invoicing rules and document settings, the payment gateways seen in
// its recent orders (to pick those never booked automatically), saving them (validated, in words), and the
// merchant's "Start automatic booking" confirmation, which ends the verification period.
import { z } from "zod";
import type { Db } from "../db.server";
import { PermanentError } from "../lib/errors";
import { readShopSettings } from "../invoicing/settings";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { FINANCIAL_STATUSES, FULFILLMENT_STATUSES } from "./order-statuses";
import { updateShopSettings, withRules } from "./shop-settings.server";

const RULES_FORM = z.object({
  trigger: z.enum(["created", "paid", "fulfilled", "manual"], { error: "choose when a document is made" }),
  documentKind: z.enum(["draft", "invoice"], { error: "choose drafts or booked invoices" }),
  neverBookGateways: z.array(z.string().trim().min(1)).max(50),
  verificationDays: z.coerce.number({ error: "the verification period is a number of days" }).int().min(0, { error: "the verification period cannot be negative" }).max(365, { error: "the verification period is at most 365 days" }),
  perFulfillment: z.boolean(),
  financialStatuses: z.array(z.enum(FINANCIAL_STATUSES)).max(FINANCIAL_STATUSES.length),
  fulfillmentStatuses: z.array(z.enum(FULFILLMENT_STATUSES)).max(FULFILLMENT_STATUSES.length),
  includeTags: z.array(z.string().trim().min(1).max(255)).max(50, { error: "at most 50 tags" }),
  excludeTags: z.array(z.string().trim().min(1).max(255)).max(50, { error: "at most 50 tags" }),
  guests: z.enum(["collective", "individual", "skip"], { error: "choose what happens to orders without an e-mail address" }),
  missingProducts: z.enum(["halt", "create", "default"], { error: "choose what happens to a product the accounting system does not know" }),
  currencyMode: z.enum(["shop", "presentment"]),
  shippingProductNumber: z.string().trim().min(1, { error: "the shipping product number cannot be empty" }).max(40),
  refundProductNumber: z.string().trim().min(1, { error: "the refund product number cannot be empty" }).max(40),
  roundingToleranceMinor: z.coerce.number({ error: "the rounding tolerance is a number of minor units" }).int().min(0).max(100, { error: "the rounding tolerance is at most 100 minor units" }),
  salesTaxBooking: z.enum(["combined", "per-jurisdiction"], { error: "choose how sales taxes are booked" }).default("combined"),
  /** One tax title per line: `CA State Tax = TAX-CA`. */
  salesTaxProducts: z.string().max(5000).default(""),
});
export type RulesForm = z.infer<typeof RULES_FORM>;

export async function loadRules(db: Db, shopDomain: string) {
  const shop = await db.shop.findUnique({ where: { shopDomain } });
  const settings = readShopSettings(shop?.settings);
  // The gateways of the shop's recent orders, as Shopify named them in its notifications.
  const deliveries = await db.webhookDelivery.findMany({ where: { shopDomain, topic: { startsWith: "ORDERS_" } }, orderBy: { receivedAt: "desc" }, take: 200, select: { payload: true } });
  const seen = new Set<string>();
  for (const d of deliveries) {
    try {
      for (const g of (JSON.parse(d.payload) as { payment_gateway_names?: unknown }).payment_gateway_names as string[] ?? []) if (typeof g === "string") seen.add(g);
    } catch {
      // a payload that is not JSON names no gateway
    }
  }
  for (const g of settings.rules.neverBookGateways) seen.add(g);
  const form: RulesForm = {
    trigger: settings.rules.trigger,
    documentKind: settings.rules.documentKind,
    neverBookGateways: settings.rules.neverBookGateways,
    verificationDays: settings.rules.verificationDays,
    perFulfillment: settings.rules.perFulfillment ?? false,
    financialStatuses: settings.rules.financialStatuses.filter((s): s is (typeof FINANCIAL_STATUSES)[number] => (FINANCIAL_STATUSES as readonly string[]).includes(s)),
    fulfillmentStatuses: settings.rules.fulfillmentStatuses.filter((s): s is (typeof FULFILLMENT_STATUSES)[number] => (FULFILLMENT_STATUSES as readonly string[]).includes(s)),
    includeTags: settings.rules.includeTags,
    excludeTags: settings.rules.excludeTags,
    guests: settings.rules.guests ?? "collective",
    missingProducts: settings.missingProducts ?? (await connectionMissingProducts(db, shopDomain)),
    currencyMode: settings.currencyMode,
    shippingProductNumber: settings.shippingProductNumber,
    refundProductNumber: settings.refundProductNumber,
    roundingToleranceMinor: settings.roundingToleranceMinor,
    salesTaxBooking: settings.salesTax.booking,
    salesTaxProducts: Object.entries(settings.salesTax.productNumbers).map(([title, number]) => `${title} = ${number}`).join("\n"),
  };
  return { form, gateways: [...seen].sort(), bookingConfirmedAt: settings.rules.bookingConfirmedAt };
}

/** The policy a connection saved before it moved to the rules (default: stop and say so). */
async function connectionMissingProducts(db: Db, shopDomain: string): Promise<RulesForm["missingProducts"]> {
  const connection = await db.connection.findFirst({ where: { shopDomain, status: { in: ["active", "paused"] } }, orderBy: { createdAt: "asc" } });
  const policy = connection ? (JSON.parse(connection.settings) as { missingProducts?: unknown }).missingProducts : undefined;
  return policy === "create" || policy === "default" ? policy : "halt";
}

/** Saves the form into Shop.settings, keeping what the form does not show; a wrong value is refused field by field. */
export async function saveRules(db: Db, shopDomain: string, input: unknown): Promise<RulesForm> {
  const parsed = RULES_FORM.safeParse(input);
  if (!parsed.success) {
    throw new PermanentError("rules_invalid", `The rules were not saved: ${parsed.error.issues.map((i) => i.message).join("; ")}.`);
  }
  const { currencyMode, shippingProductNumber, refundProductNumber, roundingToleranceMinor, missingProducts, salesTaxBooking, salesTaxProducts, ...rules } = parsed.data;
  const productNumbers = parseSalesTaxProducts(salesTaxProducts);
  if (salesTaxBooking === "per-jurisdiction" && Object.keys(productNumbers).length === 0) {
    throw new PermanentError("rules_invalid", "The rules were not saved: booking sales tax per jurisdiction needs a product number for each tax title (one per line, such as \"CA State Tax = TAX-CA\").");
  }
  await updateShopSettings(db, shopDomain, (current) => ({
    ...withRules(current, rules),
    currencyMode,
    shippingProductNumber,
    refundProductNumber,
    roundingToleranceMinor,
    missingProducts,
    salesTax: { booking: salesTaxBooking, productNumbers },
  }));
  return parsed.data;
}

/** "CA State Tax = TAX-CA" lines → { "CA State Tax": "TAX-CA" }; a line without "=" is refused in words. */
export function parseSalesTaxProducts(text: string): Record<string, string> {
  const numbers: Record<string, string> = {};
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.lastIndexOf("=");
    const title = at > 0 ? line.slice(0, at).trim() : "";
    const number = at > 0 ? line.slice(at + 1).trim() : "";
    if (!title || !number || number.length > 40) {
      throw new PermanentError("rules_invalid", `The rules were not saved: sales tax line ${index + 1} ("${line.slice(0, 60)}") is not "tax title = product number" (a product number of at most 40 characters).`);
    }
    numbers[title] = number;
  }
  return numbers;
}

/** "Start automatic booking": the merchant has checked the drafts; booking starts now. */
export async function confirmBooking(db: Db, shopDomain: string, now = new Date()) {
  await updateShopSettings(db, shopDomain, (current) => withRules(current, { bookingConfirmedAt: now.toISOString() }));
  // The log keeps when booking started, for whoever later asks why an invoice was booked, not drafted.
  await writeSyncLog(db, { shopDomain, status: "info", message: "Automatic booking started: orders that meet your rules are now booked, not only drafted." });
}
