// The shop's invoicing settings, stored as JSON on the Shop row and read through zod, so that a missing
// or partial setting falls back to a sensible default instead of breaking an order.
import { z } from "zod";
import { DEFAULT_RULES, type InvoicingRules } from "./rules";
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from "./plan";
import type { AccountingProvider } from "../providers/provider";
import type { NormalizedOrder } from "./order";

const rulesSchema = z.object({
  trigger: z.enum(["created", "paid", "fulfilled", "manual"]).default(DEFAULT_RULES.trigger),
  financialStatuses: z.array(z.string()).default([]),
  fulfillmentStatuses: z.array(z.string()).default([]),
  includeTags: z.array(z.string()).default([]),
  excludeTags: z.array(z.string()).default([]),
  channels: z.array(z.string()).default([]),
  documentKind: z.enum(["draft", "invoice"]).default(DEFAULT_RULES.documentKind),
  neverBookGateways: z.array(z.string()).default([]),
  verificationDays: z.number().int().min(0).max(365).default(DEFAULT_RULES.verificationDays),
  bookingConfirmedAt: z.string().nullable().default(null),
  /** One invoice per fulfilment (F1, F2, …) instead of one per order. */
  perFulfillment: z.boolean().default(false),
  guests: z.enum(["collective", "individual", "skip"]).default("collective"),
});

const settingsSchema = z.object({
  rules: rulesSchema.default(rulesSchema.parse({})),
  /** Documents in the shop's currency (default) or the buyer's. */
  currencyMode: z.enum(["shop", "presentment"]).default("shop"),
  shippingProductNumber: z.string().min(1).default(DEFAULT_PLAN_OPTIONS.shippingProductNumber),
  roundingToleranceMinor: z.number().int().min(0).max(100).default(Number(DEFAULT_PLAN_OPTIONS.roundingToleranceMinor)),
  /** Where an amount-only refund is credited (a service product, made per VAT rate where the system needs it). */
  refundProductNumber: z.string().min(1).default("REFUND"),
  /**
   * A line whose SKU the accounting system does not know: stop the order (halt), create the product, or
   * use the default product. Absent, the connection's older setting of the same name applies.
   */
  missingProducts: z.enum(["halt", "create", "default"]).optional(),
  /**
   * Sales taxes of tax-excluded orders (US, Canada): one combined rate per line, or one line per tax title,
   * booked to the product number given for that title (plan.ts says why).
   */
  salesTax: z
    .object({
      booking: z.enum(["combined", "per-jurisdiction"]).default("combined"),
      productNumbers: z.record(z.string(), z.string().min(1)).default({}),
    })
    .default({ booking: "combined", productNumbers: {} }),
});

export type ShopSettings = z.infer<typeof settingsSchema> & { rules: InvoicingRules };

export function readShopSettings(json: string | null | undefined): ShopSettings {
  let raw: unknown = {};
  try {
    raw = json ? JSON.parse(json) : {};
  } catch {
    raw = {};
  }
  const parsed = settingsSchema.safeParse(raw);
  return parsed.success ? parsed.data : settingsSchema.parse({});
}

/**
 * How a document is planned for this shop and accounting system: the provider's price basis (per buyer
 * where it depends on the buyer), whether it takes negative lines (if not, discounts are folded into
 * prices), and the shop's product numbers and rounding tolerance.
 */
export function planOptionsFor(
  settings: ShopSettings,
  provider: Pick<AccountingProvider, "capabilities" | "priceBasisFor"> | undefined,
  order: Pick<NormalizedOrder, "company">,
): PlanOptions {
  return {
    ...DEFAULT_PLAN_OPTIONS,
    priceBasis: provider?.priceBasisFor?.({ isB2B: order.company !== null }) ?? provider?.capabilities.priceBasis ?? "net",
    shippingProductNumber: settings.shippingProductNumber,
    adjustmentProductNumber: settings.refundProductNumber,
    roundingToleranceMinor: BigInt(settings.roundingToleranceMinor),
    discountLines: provider?.capabilities.negativeLines !== false,
    salesTax: settings.salesTax.booking === "per-jurisdiction" ? { booking: "per-jurisdiction", productNumbers: settings.salesTax.productNumbers } : { booking: "combined" },
  };
}
