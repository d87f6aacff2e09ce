// An order seeded from a Shopify order payload (the REST body of orders/create, orders/paid, …), stored with
// exactly the amounts it gives. Nothing is recomputed: each tax line, discount allocation and total is Shopify's.
// That is the point: the app's arithmetic is then checked against Shopify's, not against a copy of its own.
import { z } from "zod";
import { toMinor } from "./money";
import type { Allocation, Amount, DiscountApplication, LineItem, SeedCompany, SeedOrder, ShippingLine, StoredOrder, StoredPaymentTerms, StoredTransaction, TaxLine } from "./orders";

const money = z.object({ amount: z.union([z.string(), z.number()]), currency_code: z.string() });
const moneySet = z.object({ shop_money: money, presentment_money: money });
const amountish = z.union([z.string(), z.number()]);

const taxLine = z.object({ title: z.string(), rate: z.number(), price: amountish.optional(), price_set: moneySet.optional(), channel_liable: z.boolean().nullish() });
const allocation = z.object({ amount: amountish.optional(), amount_set: moneySet.optional(), discount_application_index: z.number().int().min(0) });

const payloadSchema = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  name: z.string().optional(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  created_at: z.string().optional(),
  cancelled_at: z.string().nullish(),
  currency: z.string().regex(/^[A-Z]{3}$/, "a currency code such as USD"),
  presentment_currency: z.string().nullish(),
  taxes_included: z.boolean(),
  tax_exempt: z.boolean().nullish(),
  financial_status: z.enum(["pending", "authorized", "paid", "partially_paid", "partially_refunded", "refunded", "voided"]).nullish(),
  // Shopify's samples also say "pending" or "unfulfilled" here; only fulfilled and partial mean anything.
  fulfillment_status: z.string().nullish(),
  tags: z.string().nullish(),
  source_name: z.string().nullish(),
  payment_gateway_names: z.array(z.string()).nullish(),
  customer_locale: z.string().nullish(),
  note: z.string().nullish(),
  po_number: z.string().nullish(),
  // Shopify's examples write the type in capitals ("NET"); read it either way, as the Admin API's enum.
  payment_terms: z
    .object({
      payment_terms_name: z.string(),
      payment_terms_type: z.string().transform((t) => t.toUpperCase()).pipe(z.enum(["RECEIPT", "NET", "FIXED", "FULFILLMENT", "UNKNOWN"])),
      due_in_days: z.number().int().nullish(),
      payment_schedules: z.array(z.object({ issued_at: z.iso.datetime({ offset: true }).nullish(), due_at: z.iso.datetime({ offset: true }).nullish() })).default([]),
    })
    .nullish(),
  billing_address: z.record(z.string(), z.unknown()).nullish(),
  shipping_address: z.record(z.string(), z.unknown()).nullish(),
  customer: z
    .object({ id: z.union([z.number(), z.string()]), email: z.string().nullish(), first_name: z.string().nullish(), last_name: z.string().nullish(), tax_exempt: z.boolean().nullish(), locale: z.string().nullish() })
    .nullish(),
  company: z.object({ id: z.union([z.number(), z.string()]), location_id: z.union([z.number(), z.string()]) }).nullish(),
  discount_applications: z
    .array(
      z.object({
        type: z.enum(["discount_code", "automatic", "manual", "script"]),
        code: z.string().nullish(),
        title: z.string().nullish(),
        description: z.string().nullish(),
        value: amountish,
        value_type: z.enum(["percentage", "fixed_amount"]),
        allocation_method: z.enum(["across", "each", "one"]),
        target_selection: z.enum(["all", "entitled", "explicit"]),
        target_type: z.enum(["line_item", "shipping_line"]),
      }),
    )
    .default([]),
  line_items: z
    .array(
      z.object({
        sku: z.string().nullish(),
        title: z.string(),
        name: z.string().nullish(),
        quantity: z.number().int(),
        current_quantity: z.number().int().nullish(),
        price: amountish.optional(),
        price_set: moneySet.optional(),
        taxable: z.boolean().nullish(),
        gift_card: z.boolean().nullish(),
        requires_shipping: z.boolean().nullish(),
        tax_lines: z.array(taxLine).default([]),
        discount_allocations: z.array(allocation).default([]),
      }),
    )
    .min(1, "an order has at least one line item"),
  shipping_lines: z
    .array(
      z.object({
        title: z.string(),
        code: z.string().nullish(),
        price: amountish.optional(),
        price_set: moneySet.optional(),
        tax_lines: z.array(taxLine).default([]),
        discount_allocations: z.array(allocation).default([]),
      }),
    )
    .default([]),
  subtotal_price_set: moneySet.optional(),
  subtotal_price: amountish.optional(),
  total_discounts_set: moneySet.optional(),
  total_discounts: amountish.optional(),
  total_shipping_price_set: moneySet.optional(),
  total_tax_set: moneySet.optional(),
  total_tax: amountish.optional(),
  total_tip_received: amountish.nullish(),
  current_total_duties_set: moneySet.nullish(),
  original_total_duties_set: moneySet.nullish(),
  total_price_set: moneySet.optional(),
  total_price: amountish.optional(),
  current_subtotal_price_set: moneySet.optional(),
  current_total_discounts_set: moneySet.optional(),
  current_total_tax_set: moneySet.optional(),
  current_total_price_set: moneySet.optional(),
  current_total_price: amountish.optional(),
  /** Not in Shopify's order payload (transactions are their own resource); given beside it to replay gift cards. */
  transactions: z
    .array(z.object({ kind: z.string(), status: z.string(), gateway: z.string(), amount: amountish, amount_set: moneySet.optional() }))
    .optional(),
});

export type OrderPayload = z.input<typeof payloadSchema>;

/** The parts of a payload-seeded order the payload does not carry: the company's names, and ids to use. */
export type PayloadExtras = {
  id: number;
  orderNumber: number;
  customerId: number | null;
  company: SeedCompany | null;
  newId: () => number;
};

export class PayloadError extends Error {}

/** Reads a payload; a field that is missing or not an amount is named in the error, with its path. */
export function parseOrderPayload(input: unknown): z.output<typeof payloadSchema> {
  const parsed = payloadSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
    throw new PayloadError(`not a Shopify order payload: ${issues.join("; ")}`);
  }
  return parsed.data;
}

export function orderFromPayload(input: unknown, extras: PayloadExtras): StoredOrder {
  const p = parseOrderPayload(input);
  const shopCurrency = p.currency;
  const presentmentCurrency = p.presentment_currency ?? shopCurrency;
  const decimal = (value: string | number, currency: string, path: string) => {
    try {
      return toMinor(String(value), currency);
    } catch (error) {
      throw new PayloadError(`${path}: ${(error as Error).message}`);
    }
  };
  // A `_set` gives both currencies; a bare amount (older payloads) is the shop's, and serves as the
  // buyer's only when the two currencies are the same.
  const amount = (set: z.infer<typeof moneySet> | undefined | null, plain: string | number | undefined | null, path: string): Amount => {
    if (set) {
      return { shop: decimal(set.shop_money.amount, set.shop_money.currency_code, `${path}_set.shop_money`), presentment: decimal(set.presentment_money.amount, set.presentment_money.currency_code, `${path}_set.presentment_money`) };
    }
    if (plain === undefined || plain === null) throw new PayloadError(`${path}: missing (give ${path}_set)`);
    if (presentmentCurrency !== shopCurrency) throw new PayloadError(`${path}_set: needed, since the order's currencies differ`);
    const shop = decimal(plain, shopCurrency, path);
    return { shop, presentment: shop };
  };
  const optionalAmount = (set: z.infer<typeof moneySet> | undefined | null, plain: string | number | undefined | null, path: string): Amount | null =>
    set || (plain !== undefined && plain !== null) ? amount(set, plain, path) : null;
  const add = (items: Amount[]): Amount => items.reduce((acc, a) => ({ shop: acc.shop + a.shop, presentment: acc.presentment + a.presentment }), { shop: 0n, presentment: 0n });
  const taxes = (lines: Array<z.infer<typeof taxLine>>, path: string): TaxLine[] =>
    lines.map((t, i) => ({ title: t.title, rate: String(t.rate), amount: amount(t.price_set, t.price, `${path}.tax_lines.${i}.price`), channelLiable: t.channel_liable ?? false }));
  const allocations = (list: Array<z.infer<typeof allocation>>, path: string): Allocation[] =>
    list.map((a, i) => {
      if (a.discount_application_index >= p.discount_applications.length) throw new PayloadError(`${path}.discount_allocations.${i}: discount_application_index ${a.discount_application_index} has no discount_applications entry`);
      return { amount: amount(a.amount_set, a.amount, `${path}.discount_allocations.${i}.amount`), applicationIndex: a.discount_application_index };
    });

  const lines: LineItem[] = p.line_items.map((l, i) => {
    const path = `line_items.${i}`;
    const lineAllocations = allocations(l.discount_allocations, path);
    const taxLines = taxes(l.tax_lines, path);
    return {
      id: extras.newId(),
      variantId: extras.newId(),
      productId: extras.newId(),
      sku: l.sku || null,
      title: l.title,
      name: l.name ?? l.title,
      quantity: l.quantity,
      unitPrice: amount(l.price_set, l.price, `${path}.price`),
      discount: add(lineAllocations.map((a) => a.amount)),
      allocations: lineAllocations,
      taxable: l.taxable ?? taxLines.length > 0,
      taxLines,
      giftCard: l.gift_card ?? false,
      requiresShipping: l.requires_shipping ?? true,
      removed: l.current_quantity != null && l.current_quantity < l.quantity ? l.quantity - l.current_quantity : undefined,
    };
  });
  const shipping: ShippingLine[] = p.shipping_lines.map((s, i) => {
    const path = `shipping_lines.${i}`;
    const shippingAllocations = allocations(s.discount_allocations, path);
    return {
      id: extras.newId(),
      title: s.title,
      code: s.code ?? s.title,
      price: amount(s.price_set, s.price, `${path}.price`),
      discount: add(shippingAllocations.map((a) => a.amount)),
      allocations: shippingAllocations,
      taxLines: taxes(s.tax_lines, path),
    };
  });
  const transactions: StoredTransaction[] | null = p.transactions
    ? p.transactions.map((t, i) => ({ id: extras.newId(), kind: t.kind, status: t.status, gateway: t.gateway, amount: amount(t.amount_set, t.amount, `transactions.${i}.amount`) }))
    : null;
  const total = amount(p.total_price_set, p.total_price, "total_price");
  const tax = optionalAmount(p.total_tax_set, p.total_tax, "total_tax") ?? { shop: 0n, presentment: 0n };
  const subtotal = amount(p.subtotal_price_set, p.subtotal_price, "subtotal_price");
  const discounts = optionalAmount(p.total_discounts_set, p.total_discounts, "total_discounts") ?? { shop: 0n, presentment: 0n };
  // REST gives the tip in the shop's currency alone.
  const tipShop = p.total_tip_received == null ? 0n : decimal(p.total_tip_received, shopCurrency, "total_tip_received");
  const giftCard = add((transactions ?? []).filter((t) => t.gateway === "gift_card" && ["sale", "capture"].includes(t.kind.toLowerCase()) && t.status.toLowerCase() === "success").map((t) => t.amount));
  const createdAt = p.created_at ?? new Date().toISOString();
  const paymentTerms: StoredPaymentTerms | null = p.payment_terms
    ? {
        id: extras.newId(),
        name: p.payment_terms.payment_terms_name,
        type: p.payment_terms.payment_terms_type,
        dueInDays: p.payment_terms.due_in_days ?? null,
        schedules: p.payment_terms.payment_schedules.map((s) => ({ id: extras.newId(), issuedAt: s.issued_at ?? null, dueAt: s.due_at ?? null })),
      }
    : null;
  const seed: SeedOrder = {
    id: extras.id,
    name: p.name ?? `#${extras.orderNumber}`,
    email: p.email ?? p.contact_email ?? null,
    createdAt,
    currency: shopCurrency,
    presentmentCurrency,
    taxesIncluded: p.taxes_included,
    financialStatus: p.financial_status ?? "pending",
    fulfillmentStatus: p.fulfillment_status === "fulfilled" || p.fulfillment_status === "partial" ? p.fulfillment_status : null,
    cancelledAt: p.cancelled_at ?? null,
    tags: (p.tags ?? "").split(",").map((t) => t.trim()).filter(Boolean),
    sourceName: p.source_name ?? "web",
    gateways: p.payment_gateway_names ?? [],
    customerId: extras.customerId,
    billingAddress: address(p.billing_address),
    shippingAddress: address(p.shipping_address),
    company: extras.company,
    customerLocale: p.customer_locale ?? undefined,
    note: p.note ?? null,
    lines: [],
  };
  const applications: DiscountApplication[] = p.discount_applications.map((d) => ({
    type: d.type,
    code: d.code ?? null,
    title: d.title ?? null,
    description: d.description ?? null,
    value: String(d.value),
    valueType: d.value_type,
    targetType: d.target_type,
    targetSelection: d.target_selection,
    allocationMethod: d.allocation_method,
  }));
  return {
    seed,
    id: extras.id,
    name: seed.name!,
    shopCurrency,
    presentmentCurrency,
    createdAt,
    updatedAt: createdAt,
    financialStatus: seed.financialStatus!,
    fulfillmentStatus: seed.fulfillmentStatus ?? null,
    cancelledAt: seed.cancelledAt ?? null,
    lines,
    shipping,
    totals: {
      subtotal,
      shipping: optionalAmount(p.total_shipping_price_set, null, "total_shipping_price") ?? add(shipping.map((s) => s.price)),
      discounts,
      tax,
      tip: { shop: tipShop, presentment: presentmentCurrency === shopCurrency ? tipShop : 0n },
      duties: optionalAmount(p.current_total_duties_set ?? p.original_total_duties_set, null, "current_total_duties") ?? { shop: 0n, presentment: 0n },
      total,
      giftCard,
    },
    current: {
      subtotal: optionalAmount(p.current_subtotal_price_set, null, "current_subtotal_price") ?? subtotal,
      discounts: optionalAmount(p.current_total_discounts_set, null, "current_total_discounts") ?? discounts,
      tax: optionalAmount(p.current_total_tax_set, null, "current_total_tax") ?? tax,
      total: optionalAmount(p.current_total_price_set, p.current_total_price, "current_total_price") ?? total,
    },
    discountApplications: applications,
    taxExempt: p.tax_exempt ?? p.customer?.tax_exempt ?? false,
    poNumber: p.po_number ?? null,
    paymentTerms,
    transactions,
    raw: input as Record<string, unknown>,
    metafields: new Map(),
    refunds: [],
    fulfillments: [],
    edits: [],
  };
}

function address(a: Record<string, unknown> | null | undefined): SeedOrder["billingAddress"] {
  if (!a) return null;
  const text = (key: string) => (typeof a[key] === "string" ? (a[key] as string) : null);
  return {
    firstName: text("first_name") ?? undefined,
    lastName: text("last_name") ?? undefined,
    company: text("company"),
    address1: text("address1") ?? undefined,
    address2: text("address2"),
    city: text("city") ?? undefined,
    zip: text("zip") ?? undefined,
    province: text("province"),
    provinceCode: text("province_code"),
    country: text("country") ?? undefined,
    countryCode: text("country_code") ?? undefined,
    phone: text("phone"),
  };
}

