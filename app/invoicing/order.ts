// The normalised order: what the rules and the document plan read, whichever way the order arrived.
// Built from the Admin GraphQL order (fetched fresh by the worker) or, when that fetch fails, from the
// webhook payload. Amounts are exact minor units in one currency: the shop's by default, or the buyer's
// (presentment) when the merchant chooses so.
import { z } from "zod";
import { parseRatio, toMinor, type Ratio } from "../lib/money";

export type CurrencyMode = "shop" | "presentment";

export type TaxLine = { title: string; rate: Ratio; amount: bigint };

export type OrderLine = {
  id: string;
  sku: string | null;
  variantId: string | null;
  title: string;
  quantity: number;
  /** The price of one unit before discounts; includes tax when the order's prices do. */
  unitPrice: bigint;
  /** All discounts allocated to the line (line and order discounts), for all its units. */
  discount: bigint;
  taxes: TaxLine[];
  isGiftCard: boolean;
  requiresShipping: boolean;
  /** The line's amount before discounts where it is not unitPrice × quantity (a refund's pro-rata share of a line). */
  amount?: bigint;
};

export type ShippingLine = { title: string; code: string | null; price: bigint; discount: bigint; taxes: TaxLine[] };

export type Address = {
  name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  zip: string | null;
  province: string | null;
  countryCode: string | null;
  phone: string | null;
};

/**
 * The order's payment terms (B2B net terms, "due in 30 days"). dueDate is the date part, in UTC, of the first
 * payment schedule's due time; terms due on receipt or on fulfilment have no due date until Shopify sets one.
 */
export type PaymentTerms = { name: string | null; dueInDays: number | null; dueDate: string | null };

export type NormalizedOrder = {
  source: "admin-api" | "webhook";
  id: string;
  name: string;
  currency: string;
  shopCurrency: string;
  presentmentCurrency: string;
  taxesIncluded: boolean;
  createdAt: string;
  cancelledAt: string | null;
  /** Shopify's financial status in lower case: pending, authorized, paid, partially_refunded, … */
  financialStatus: string;
  /** unfulfilled, partial or fulfilled (and Shopify's rarer values in lower case). */
  fulfillmentStatus: string;
  tags: string[];
  channel: string | null;
  gateways: string[];
  locale: string | null;
  /** The buyer's purchase order number (B2B), the e-invoice's buyer reference. */
  poNumber?: string | null;
  email: string | null;
  customer: { id: string; email: string | null; firstName: string | null; lastName: string | null } | null;
  /** A B2B order's company, with the VAT number (tax registration id) of the location that ordered. */
  company: { id: string; name: string; externalId: string | null; locationId: string; locationName: string; vatId?: string | null } | null;
  billingAddress: Address | null;
  shippingAddress: Address | null;
  lines: OrderLine[];
  shipping: ShippingLine[];
  tip: bigint;
  duties: bigint;
  /** Paid with gift cards (a means of payment, not revenue); null when the source does not say. */
  giftCardPaid: bigint | null;
  /** Amounts with no line and no tax (an amount-only refund), each its own document line. */
  adjustments?: Array<{ description: string; amount: bigint }>;
  /** Shopify's current total (after edits and refunds) and its tax. */
  total: bigint;
  totalTax: bigint;
  /** Null when the order has no payment terms. */
  paymentTerms: PaymentTerms | null;
};

/** "2026-02-14T10:00:00Z" or "2026-02-14T11:00:00+01:00" → "2026-02-14", the same day whichever way Shopify writes it. */
function utcDate(timestamp: string | null | undefined): string | null {
  return timestamp ? new Date(timestamp).toISOString().slice(0, 10) : null;
}

// ---------- Admin GraphQL (the OrderForInvoice document) ----------

const gqlPaymentTerms = z.object({
  paymentTermsName: z.string(),
  dueInDays: z.number().int().nullable(),
  paymentSchedules: z.object({ nodes: z.array(z.object({ dueAt: z.iso.datetime({ offset: true }).nullable() })) }),
});

/** Shopify's payment terms (ORDER_PAYMENT_TERMS, or a query that asks for them) as the normalized order holds them. */
export function paymentTermsFromAdminApi(input: unknown): PaymentTerms | null {
  const terms = gqlPaymentTerms.nullish().parse(input);
  return terms ? { name: terms.paymentTermsName, dueInDays: terms.dueInDays, dueDate: utcDate(terms.paymentSchedules.nodes[0]?.dueAt) } : null;
}

const moneyV2 = z.object({ amount: z.string(), currencyCode: z.string() });
const moneyBag = z.object({ shopMoney: moneyV2, presentmentMoney: moneyV2 });
const gqlTax = z.object({ title: z.string(), rate: z.number().nullable(), priceSet: moneyBag });
const gqlAddress = z
  .object({
    name: z.string().nullable(),
    company: z.string().nullable(),
    address1: z.string().nullable(),
    address2: z.string().nullable(),
    city: z.string().nullable(),
    zip: z.string().nullable(),
    province: z.string().nullable(),
    countryCodeV2: z.string().nullable(),
    phone: z.string().nullable(),
  })
  .nullable();

export const gqlLineItem = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  name: z.string(),
  quantity: z.number().int(),
  currentQuantity: z.number().int(),
  isGiftCard: z.boolean(),
  requiresShipping: z.boolean(),
  variant: z.object({ id: z.string() }).nullable(),
  originalUnitPriceSet: moneyBag,
  discountAllocations: z.array(z.object({ allocatedAmountSet: moneyBag })),
  taxLines: z.array(gqlTax),
});

export const gqlOrder = z.object({
  id: z.string(),
  legacyResourceId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
  currencyCode: z.string(),
  presentmentCurrencyCode: z.string(),
  taxesIncluded: z.boolean(),
  displayFinancialStatus: z.string().nullable(),
  displayFulfillmentStatus: z.string(),
  tags: z.array(z.string()),
  sourceName: z.string().nullable(),
  customerLocale: z.string().nullable(),
  poNumber: z.string().nullish(),
  paymentGatewayNames: z.array(z.string()),
  customer: z
    .object({
      id: z.string(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      defaultEmailAddress: z.object({ emailAddress: z.string() }).nullable(),
    })
    .nullable(),
  billingAddress: gqlAddress,
  shippingAddress: gqlAddress,
  purchasingEntity: z
    .union([
      z.object({
        __typename: z.literal("PurchasingCompany"),
        company: z.object({ id: z.string(), name: z.string(), externalId: z.string().nullable() }),
        location: z.object({ id: z.string(), name: z.string(), taxSettings: z.object({ taxRegistrationId: z.string().nullable() }).nullish() }),
      }),
      z.object({ __typename: z.literal("Customer") }),
    ])
    .nullable(),
  lineItems: z.object({ nodes: z.array(gqlLineItem) }),
  shippingLines: z.object({
    nodes: z.array(
      z.object({
        title: z.string(),
        code: z.string().nullable(),
        originalPriceSet: moneyBag,
        discountAllocations: z.array(z.object({ allocatedAmountSet: moneyBag })),
        taxLines: z.array(gqlTax),
      }),
    ),
  }),
  totalTipReceivedSet: moneyBag,
  currentTotalDutiesSet: moneyBag.nullable(),
  currentTotalPriceSet: moneyBag,
  totalTaxSet: moneyBag.nullable(),
  transactions: z.array(z.object({ kind: z.string(), status: z.string(), gateway: z.string().nullable(), amountSet: moneyBag })),
  // nullish: the order query does not ask for them (ORDER_PAYMENT_TERMS does, where the scope allows).
  paymentTerms: gqlPaymentTerms.nullish(),
});

export type GqlOrder = z.infer<typeof gqlOrder>;

const FULFILLMENT: Record<string, string> = { UNFULFILLED: "unfulfilled", PARTIALLY_FULFILLED: "partial", FULFILLED: "fulfilled" };

export function orderFromAdminApi(input: unknown, mode: CurrencyMode = "shop"): NormalizedOrder {
  const o = gqlOrder.parse(input);
  const currency = mode === "shop" ? o.currencyCode : o.presentmentCurrencyCode;
  const pick = (bag: z.infer<typeof moneyBag>) => {
    const money = mode === "shop" ? bag.shopMoney : bag.presentmentMoney;
    return toMinor(money.amount, money.currencyCode);
  };
  const taxes = (lines: Array<z.infer<typeof gqlTax>>): TaxLine[] =>
    lines.map((t) => ({ title: t.title, rate: parseRatio(t.rate ?? 0), amount: pick(t.priceSet) }));
  const allocated = (allocations: Array<{ allocatedAmountSet: z.infer<typeof moneyBag> }>) =>
    allocations.reduce((sum, a) => sum + pick(a.allocatedAmountSet), 0n);
  const company = o.purchasingEntity?.__typename === "PurchasingCompany" ? o.purchasingEntity : null;
  const giftCardPaid = o.transactions
    .filter((t) => t.gateway === "gift_card" && t.status === "SUCCESS" && (t.kind === "SALE" || t.kind === "CAPTURE"))
    .reduce((sum, t) => sum + pick(t.amountSet), 0n);
  return {
    source: "admin-api",
    id: o.legacyResourceId,
    name: o.name,
    currency,
    shopCurrency: o.currencyCode,
    presentmentCurrency: o.presentmentCurrencyCode,
    taxesIncluded: o.taxesIncluded,
    createdAt: o.createdAt,
    cancelledAt: o.cancelledAt,
    financialStatus: (o.displayFinancialStatus ?? "pending").toLowerCase(),
    fulfillmentStatus: FULFILLMENT[o.displayFulfillmentStatus] ?? o.displayFulfillmentStatus.toLowerCase(),
    tags: o.tags,
    channel: o.sourceName,
    gateways: o.paymentGatewayNames,
    locale: o.customerLocale,
    poNumber: o.poNumber?.trim() || null,
    email: o.email ?? o.customer?.defaultEmailAddress?.emailAddress ?? null,
    customer: o.customer
      ? {
          id: o.customer.id.split("/").pop()!,
          email: o.customer.defaultEmailAddress?.emailAddress ?? null,
          firstName: o.customer.firstName,
          lastName: o.customer.lastName,
        }
      : null,
    company: company
      ? {
          id: company.company.id.split("/").pop()!,
          name: company.company.name,
          externalId: company.company.externalId,
          locationId: company.location.id.split("/").pop()!,
          locationName: company.location.name,
          vatId: company.location.taxSettings?.taxRegistrationId ?? null,
        }
      : null,
    billingAddress: o.billingAddress ? { ...o.billingAddress, countryCode: o.billingAddress.countryCodeV2 } : null,
    shippingAddress: o.shippingAddress ? { ...o.shippingAddress, countryCode: o.shippingAddress.countryCodeV2 } : null,
    lines: o.lineItems.nodes.map((l) => ({
      id: l.id.split("/").pop()!,
      sku: l.sku || null,
      variantId: l.variant?.id.split("/").pop() ?? null,
      title: l.name,
      quantity: l.quantity,
      unitPrice: pick(l.originalUnitPriceSet),
      discount: allocated(l.discountAllocations),
      taxes: taxes(l.taxLines),
      isGiftCard: l.isGiftCard,
      requiresShipping: l.requiresShipping,
    })),
    shipping: o.shippingLines.nodes.map((s) => ({
      title: s.title,
      code: s.code,
      price: pick(s.originalPriceSet),
      discount: allocated(s.discountAllocations),
      taxes: taxes(s.taxLines),
    })),
    tip: pick(o.totalTipReceivedSet),
    duties: o.currentTotalDutiesSet ? pick(o.currentTotalDutiesSet) : 0n,
    giftCardPaid,
    total: pick(o.currentTotalPriceSet),
    totalTax: o.totalTaxSet ? pick(o.totalTaxSet) : 0n,
    paymentTerms: paymentTermsFromAdminApi(o.paymentTerms),
  };
}

// ---------- Webhook payload (REST shape), the fallback ----------

const restMoney = z.object({ amount: z.string(), currency_code: z.string() });
const restSet = z.object({ shop_money: restMoney, presentment_money: restMoney });
const restTax = z.object({ title: z.string(), rate: z.number(), price_set: restSet });
const restAllocation = z.object({ amount_set: restSet });
const restAddress = z
  .object({
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    name: z.string().nullish(),
    company: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    zip: z.string().nullish(),
    province: z.string().nullish(),
    country_code: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .nullish();

export const restOrderPayload = z.object({
  id: z.union([z.number(), z.string()]),
  name: z.string(),
  email: z.string().nullish(),
  created_at: z.string(),
  cancelled_at: z.string().nullish(),
  currency: z.string(),
  presentment_currency: z.string().nullish(),
  taxes_included: z.boolean(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  tags: z.string().nullish(),
  source_name: z.string().nullish(),
  customer_locale: z.string().nullish(),
  po_number: z.string().nullish(),
  payment_gateway_names: z.array(z.string()).nullish(),
  customer: z
    .object({ id: z.union([z.number(), z.string()]), email: z.string().nullish(), first_name: z.string().nullish(), last_name: z.string().nullish() })
    .nullish(),
  company: z.object({ id: z.union([z.number(), z.string()]), location_id: z.union([z.number(), z.string()]) }).nullish(),
  billing_address: restAddress,
  shipping_address: restAddress,
  line_items: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      sku: z.string().nullish(),
      variant_id: z.union([z.number(), z.string()]).nullish(),
      name: z.string().nullish(),
      title: z.string(),
      quantity: z.number().int(),
      price_set: restSet,
      gift_card: z.boolean().nullish(),
      requires_shipping: z.boolean().nullish(),
      tax_lines: z.array(restTax),
      discount_allocations: z.array(restAllocation),
    }),
  ),
  shipping_lines: z.array(
    z.object({
      title: z.string(),
      code: z.string().nullish(),
      price_set: restSet,
      tax_lines: z.array(restTax),
      discount_allocations: z.array(restAllocation),
    }),
  ),
  total_tip_received: z.string().nullish(),
  current_total_duties_set: restSet.nullish(),
  current_total_price_set: restSet,
  total_tax_set: restSet.nullish(),
  payment_terms: z
    .object({
      payment_terms_name: z.string().nullish(),
      due_in_days: z.number().int().nullish(),
      payment_schedules: z.array(z.object({ due_at: z.iso.datetime({ offset: true }).nullish() })).nullish(),
    })
    .nullish(),
});

export function orderFromWebhook(input: unknown, mode: CurrencyMode = "shop"): NormalizedOrder {
  const o = restOrderPayload.parse(input);
  const presentment = o.presentment_currency ?? o.currency;
  const currency = mode === "shop" ? o.currency : presentment;
  const pick = (set: z.infer<typeof restSet>) => {
    const money = mode === "shop" ? set.shop_money : set.presentment_money;
    return toMinor(money.amount, money.currency_code);
  };
  const taxes = (lines: Array<z.infer<typeof restTax>>): TaxLine[] =>
    lines.map((t) => ({ title: t.title, rate: parseRatio(t.rate), amount: pick(t.price_set) }));
  const allocated = (allocations: Array<z.infer<typeof restAllocation>>) => allocations.reduce((sum, a) => sum + pick(a.amount_set), 0n);
  const address = (a: z.infer<typeof restAddress>): Address | null =>
    a
      ? {
          name: a.name ?? ([a.first_name, a.last_name].filter(Boolean).join(" ") || null),
          company: a.company ?? null,
          address1: a.address1 ?? null,
          address2: a.address2 ?? null,
          city: a.city ?? null,
          zip: a.zip ?? null,
          province: a.province ?? null,
          countryCode: a.country_code ?? null,
          phone: a.phone ?? null,
        }
      : null;
  return {
    source: "webhook",
    id: String(o.id),
    name: o.name,
    currency,
    shopCurrency: o.currency,
    presentmentCurrency: presentment,
    taxesIncluded: o.taxes_included,
    createdAt: o.created_at,
    cancelledAt: o.cancelled_at ?? null,
    financialStatus: o.financial_status ?? "pending",
    fulfillmentStatus: o.fulfillment_status ?? "unfulfilled",
    tags: (o.tags ?? "").split(",").map((t) => t.trim()).filter(Boolean),
    channel: o.source_name ?? null,
    gateways: o.payment_gateway_names ?? [],
    locale: o.customer_locale ?? null,
    poNumber: o.po_number?.trim() || null,
    email: o.email ?? o.customer?.email ?? null,
    customer: o.customer
      ? { id: String(o.customer.id), email: o.customer.email ?? null, firstName: o.customer.first_name ?? null, lastName: o.customer.last_name ?? null }
      : null,
    // The payload names the company only by id; its name comes with the Admin API order.
    company: o.company ? { id: String(o.company.id), name: "", externalId: null, locationId: String(o.company.location_id), locationName: "" } : null,
    billingAddress: address(o.billing_address),
    shippingAddress: address(o.shipping_address),
    lines: o.line_items.map((l) => ({
      id: String(l.id),
      sku: l.sku || null,
      variantId: l.variant_id == null ? null : String(l.variant_id),
      title: l.name ?? l.title,
      quantity: l.quantity,
      unitPrice: pick(l.price_set),
      discount: allocated(l.discount_allocations),
      taxes: taxes(l.tax_lines),
      isGiftCard: l.gift_card ?? false,
      requiresShipping: l.requires_shipping ?? true,
    })),
    shipping: o.shipping_lines.map((s) => ({
      title: s.title,
      code: s.code ?? null,
      price: pick(s.price_set),
      discount: allocated(s.discount_allocations),
      taxes: taxes(s.tax_lines),
    })),
    // The payload gives the tip in shop money only; in the buyer's currency it is unknown here, and the
    // totals check will say so rather than guess a conversion.
    tip: o.total_tip_received && currency === o.currency ? toMinor(o.total_tip_received, o.currency) : 0n,
    duties: o.current_total_duties_set ? pick(o.current_total_duties_set) : 0n,
    giftCardPaid: null,
    total: pick(o.current_total_price_set),
    totalTax: o.total_tax_set ? pick(o.total_tax_set) : 0n,
    paymentTerms: o.payment_terms
      ? { name: o.payment_terms.payment_terms_name ?? null, dueInDays: o.payment_terms.due_in_days ?? null, dueDate: utcDate(o.payment_terms.payment_schedules?.[0]?.due_at) }
      : null,
  };
}
