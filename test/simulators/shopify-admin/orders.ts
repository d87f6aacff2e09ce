// The simulator's orders, and the two shapes Shopify shows them in: the REST-style JSON of webhook payloads,
// and the Admin GraphQL objects. An order is stored with its amounts as Shopify states them. It comes either
// from a Shopify order payload (order-payload.ts: every amount taken as given, nothing recomputed) or from a
// SeedOrder, a hand-written fixture in simple terms, which computeOrder builds into the same stored shape.
import { divRound, exponent, formatMinor, ratio, toMinor } from "./money";

export type SeedAddress = {
  firstName?: string;
  lastName?: string;
  company?: string | null;
  address1?: string;
  address2?: string | null;
  city?: string;
  zip?: string;
  province?: string | null;
  provinceCode?: string | null;
  country?: string;
  countryCode?: string;
  phone?: string | null;
};

export type SeedLine = {
  sku?: string | null;
  title: string;
  quantity: number;
  /** Unit price, in the order's presentment currency when it has one, otherwise the shop's. */
  price: string;
  /** e.g. "0.25"; no tax line when absent. */
  taxRate?: string;
  taxTitle?: string;
  /** Total discount allocated to the line (not per unit). */
  discount?: string;
  giftCard?: boolean;
  requiresShipping?: boolean;
};

export type SeedShipping = { title: string; price: string; taxRate?: string; taxTitle?: string; discount?: string };

export type SeedCompany = { id: number; name: string; locationId: number; locationName: string; externalId?: string | null; contactId?: number; vatId?: string | null };

export type SeedOrder = {
  id?: number;
  name?: string;
  email?: string | null;
  createdAt?: string;
  /** The shop's currency (default: the shop's). */
  currency?: string;
  /** The buyer's currency and how many of its units one shop unit buys. */
  presentmentCurrency?: string;
  exchangeRate?: string;
  taxesIncluded?: boolean;
  financialStatus?: "pending" | "authorized" | "paid" | "partially_paid" | "partially_refunded" | "refunded" | "voided";
  fulfillmentStatus?: "fulfilled" | "partial" | null;
  cancelledAt?: string | null;
  tags?: string[];
  sourceName?: string;
  gateways?: string[];
  customerId?: number | null;
  billingAddress?: SeedAddress | null;
  shippingAddress?: SeedAddress | null;
  company?: SeedCompany | null;
  lines: SeedLine[];
  shipping?: SeedShipping[];
  tip?: string;
  duties?: string;
  /** Part of the total paid with a gift card (a means of payment). */
  giftCardPayment?: string;
  customerLocale?: string;
  /** The buyer's purchase order number (B2B orders). */
  poNumber?: string;
  note?: string | null;
  /** Net terms ("Net 30"): the schedule is issued at createdAt unless given, and due dueInDays later. */
  paymentTerms?: { name: string; type?: PaymentTermsType; dueInDays?: number | null; issuedAt?: string; dueAt?: string } | null;
};

export type PaymentTermsType = "RECEIPT" | "NET" | "FIXED" | "FULFILLMENT" | "UNKNOWN";
/** An order's payment terms as Shopify keeps them: the template's name and type, and the payment schedules. */
export type StoredPaymentTerms = {
  id: number;
  name: string;
  type: PaymentTermsType;
  dueInDays: number | null;
  schedules: Array<{ id: number; issuedAt: string | null; dueAt: string | null }>;
};

/**
 * A refund, in simple terms: quantities of lines (by index in the order), the shipping (all of it), an
 * amount with no line (an order adjustment, "refund discrepancy"), and whether its payment went through.
 */
export type SeedRefund = {
  lines?: Array<{ index: number; quantity: number }>;
  shipping?: boolean;
  /** An amount-only refund (in the order's currency), e.g. "5.00". */
  amount?: string;
  transactionStatus?: "success" | "pending";
  note?: string | null;
  createdAt?: string;
};

/** An order edit: lines added, and units taken off existing lines (by index). */
export type SeedEdit = { add?: SeedLine[]; remove?: Array<{ index: number; quantity: number }>; happenedAt?: string };

/** A fulfilment: quantities of lines (by index in the order). */
export type SeedFulfillment = { lines: Array<{ index: number; quantity: number }>; status?: "success" | "cancelled"; createdAt?: string };

export type SeedCustomer = {
  id: number;
  email?: string | null;
  firstName?: string;
  lastName?: string;
  phone?: string | null;
  locale?: string;
  taxExempt?: boolean;
  /** Metafield values by "namespace.key". */
  metafields?: Record<string, string>;
};

/** `metafield(namespace:, key:)` over values kept by "namespace.key". */
export function metafieldField(ownerGid: string, values: Record<string, string> | undefined) {
  return ({ namespace, key }: { namespace?: string; key: string }) => {
    const value = values?.[`${namespace ?? "$app"}.${key}`];
    return value === undefined ? null : { id: `${ownerGid.replace(/\/\d+$/, "")}Metafield/${namespace}.${key}`, namespace, key, value, type: "single_line_text_field" };
  };
}

export type Amount = { shop: bigint; presentment: bigint };
export type TaxLine = { title: string; rate: string; amount: Amount; channelLiable?: boolean };
/** A discount's share of one line, and the discount application (by index) it comes from. */
export type Allocation = { amount: Amount; applicationIndex: number };
/** A discount as the buyer got it (REST `discount_applications`): what it was, and how it was spread. */
export type DiscountApplication = {
  type: "discount_code" | "automatic" | "manual" | "script";
  code: string | null;
  title: string | null;
  description: string | null;
  value: string;
  valueType: "percentage" | "fixed_amount";
  targetType: "line_item" | "shipping_line";
  targetSelection: "all" | "entitled" | "explicit";
  allocationMethod: "across" | "each" | "one";
};
export type StoredTransaction = { id: number; kind: string; status: string; gateway: string; amount: Amount };
export type LineItem = {
  id: number;
  variantId: number;
  productId: number;
  sku: string | null;
  title: string;
  /** The title with the variant ("Shirt - Red"), as REST `name` and GraphQL `name` give it. */
  name: string;
  quantity: number;
  unitPrice: Amount;
  /** The sum of the line's discount allocations. */
  discount: Amount;
  allocations: Allocation[];
  taxable: boolean;
  taxLines: TaxLine[];
  giftCard: boolean;
  requiresShipping: boolean;
  /** Units taken off by order edits (currentQuantity = quantity − removed). */
  removed?: number;
};
export type ShippingLine = { id: number; title: string; code: string; price: Amount; discount: Amount; allocations: Allocation[]; taxLines: TaxLine[] };

export type StoredOrder = {
  seed: SeedOrder;
  id: number;
  name: string;
  shopCurrency: string;
  presentmentCurrency: string;
  createdAt: string;
  updatedAt: string;
  financialStatus: NonNullable<SeedOrder["financialStatus"]>;
  fulfillmentStatus: "fulfilled" | "partial" | null;
  cancelledAt: string | null;
  lines: LineItem[];
  shipping: ShippingLine[];
  totals: {
    subtotal: Amount;
    shipping: Amount;
    discounts: Amount;
    tax: Amount;
    tip: Amount;
    duties: Amount;
    total: Amount;
    giftCard: Amount;
  };
  /** Shopify's current_* totals (after edits; this simulator leaves refunds out of them). */
  current: { subtotal: Amount; discounts: Amount; tax: Amount; total: Amount };
  discountApplications: DiscountApplication[];
  taxExempt: boolean;
  poNumber: string | null;
  paymentTerms: StoredPaymentTerms | null;
  /** The order's payment transactions as given; null: derived from the gateways and the gift-card payment. */
  transactions: StoredTransaction[] | null;
  /** The Shopify payload the order was seeded from; its webhooks carry it (ids and statuses brought up to date). */
  raw: Record<string, unknown> | null;
  metafields: Map<string, { id: string; namespace: string; key: string; value: string; type: string }>;
  refunds: StoredRefund[];
  fulfillments: StoredFulfillment[];
  edits: StoredEdit[];
};

/**
 * An order edit as Shopify records it: an OrderEditAgreement whose product sales say what changed. An added
 * line is an ORDER sale of +q units; units taken off are an UPDATE sale of −q. A sale's totalAmount is after
 * discounts and includes its tax (Admin API: "total sale amount after taxes and discounts").
 */
export type StoredEdit = {
  id: number;
  happenedAt: string;
  sales: Array<{ id: number; line: LineItem; quantity: number; actionType: "ORDER" | "UPDATE"; amount: Amount; tax: Amount }>;
};

export type StoredFulfillment = { id: number; name: string; createdAt: string; status: "SUCCESS" | "CANCELLED"; lines: Array<{ id: number; line: LineItem; quantity: number }> };

export type StoredRefund = {
  id: number;
  createdAt: string;
  note: string | null;
  lines: Array<{ id: number; line: LineItem; quantity: number; subtotal: Amount; tax: Amount }>;
  shipping: Array<{ id: number; line: ShippingLine; subtotal: Amount; tax: Amount }>;
  adjustments: Array<{ id: number; amount: Amount; tax: Amount }>;
  transaction: { id: number; status: "SUCCESS" | "PENDING"; amount: Amount };
  total: Amount;
};

let nextId = 5_550_000_000_001;
export function newId() {
  return nextId++;
}

export function computeOrder(seed: SeedOrder, shopCurrency: string, orderNumber: number): StoredOrder {
  const currency = seed.currency ?? shopCurrency;
  const presentmentCurrency = seed.presentmentCurrency ?? currency;
  const [rateNum, rateDen] = ratio(seed.exchangeRate ?? "1");
  // Amounts are given in the presentment currency; the shop amount is converted and rounded per amount.
  const amount = (value: string | undefined): Amount => {
    const presentment = toMinor(value ?? "0", presentmentCurrency);
    return { presentment, shop: convert(presentment, presentmentCurrency, currency, rateDen, rateNum) };
  };
  const times = (a: Amount, n: number): Amount => ({ shop: a.shop * BigInt(n), presentment: a.presentment * BigInt(n) });
  const minus = (a: Amount, b: Amount): Amount => ({ shop: a.shop - b.shop, presentment: a.presentment - b.presentment });
  const sum = (items: Amount[]): Amount =>
    items.reduce((acc, a) => ({ shop: acc.shop + a.shop, presentment: acc.presentment + a.presentment }), zero());
  const taxesIncluded = seed.taxesIncluded ?? false;
  const taxOf = (net: Amount, rate: string): Amount => {
    const [num, den] = ratio(rate);
    const part = (value: bigint) => (taxesIncluded ? divRound(value * num, den + num) : divRound(value * num, den));
    return { shop: part(net.shop), presentment: part(net.presentment) };
  };

  const lines: LineItem[] = seed.lines.map((line) => {
    const unitPrice = amount(line.price);
    const discount = amount(line.discount);
    const net = minus(times(unitPrice, line.quantity), discount);
    return {
      id: newId(),
      variantId: newId(),
      productId: newId(),
      sku: line.sku === undefined ? `SKU-${line.title.toUpperCase().replace(/\W+/g, "-")}` : line.sku,
      title: line.title,
      name: line.title,
      quantity: line.quantity,
      unitPrice,
      discount,
      allocations: discount.shop || discount.presentment ? [{ amount: discount, applicationIndex: 0 }] : [],
      taxable: Boolean(line.taxRate),
      taxLines: line.taxRate ? [{ title: line.taxTitle ?? "VAT", rate: line.taxRate, amount: taxOf(net, line.taxRate) }] : [],
      giftCard: line.giftCard ?? false,
      requiresShipping: line.requiresShipping ?? !line.giftCard,
    };
  });
  const shipping: ShippingLine[] = (seed.shipping ?? []).map((s) => {
    const price = amount(s.price);
    const discount = amount(s.discount);
    return {
      id: newId(),
      title: s.title,
      code: s.title,
      price,
      discount,
      allocations: discount.shop || discount.presentment ? [{ amount: discount, applicationIndex: 1 }] : [],
      taxLines: s.taxRate ? [{ title: s.taxTitle ?? "VAT", rate: s.taxRate, amount: taxOf(minus(price, discount), s.taxRate) }] : [],
    };
  });

  const subtotal = sum(lines.map((l) => minus(times(l.unitPrice, l.quantity), l.discount)));
  const shippingTotal = sum(shipping.map((s) => s.price));
  const shippingNet = sum(shipping.map((s) => minus(s.price, s.discount)));
  const discounts = sum([...lines.map((l) => l.discount), ...shipping.map((s) => s.discount)]);
  const tax = sum([...lines, ...shipping].flatMap((l) => l.taxLines.map((t) => t.amount)));
  const tip = amount(seed.tip);
  const duties = amount(seed.duties);
  const total = sum([subtotal, shippingNet, taxesIncluded ? zero() : tax, tip, duties]);
  const now = seed.createdAt ?? new Date().toISOString();
  // The builder's discounts are amounts per line, so they are stated as manual discounts: index 0 for
  // lines, 1 for shipping (the index every allocation above points at).
  const discountApplication = (targetType: DiscountApplication["targetType"], value: Amount): DiscountApplication => ({
    type: "manual",
    code: null,
    title: "Discount",
    description: null,
    value: formatMinor(value.shop, currency),
    valueType: "fixed_amount",
    targetType,
    targetSelection: "explicit",
    allocationMethod: "across",
  });
  const lineDiscounts = sum(lines.map((l) => l.discount));
  const shippingDiscounts = sum(shipping.map((s) => s.discount));
  return {
    seed,
    id: seed.id ?? newId(),
    name: seed.name ?? `#${orderNumber}`,
    shopCurrency: currency,
    presentmentCurrency,
    createdAt: now,
    updatedAt: now,
    financialStatus: seed.financialStatus ?? "paid",
    fulfillmentStatus: seed.fulfillmentStatus ?? null,
    cancelledAt: seed.cancelledAt ?? null,
    lines,
    shipping,
    totals: { subtotal, shipping: shippingTotal, discounts, tax, tip, duties, total, giftCard: amount(seed.giftCardPayment) },
    current: { subtotal, discounts, tax, total },
    discountApplications:
      lineDiscounts.shop || shippingDiscounts.shop ? [discountApplication("line_item", lineDiscounts), discountApplication("shipping_line", shippingDiscounts)] : [],
    taxExempt: false,
    poNumber: seed.poNumber ?? null,
    paymentTerms: seed.paymentTerms ? seededPaymentTerms(seed.paymentTerms, now) : null,
    transactions: null,
    raw: null,
    metafields: new Map(),
    refunds: [],
    fulfillments: [],
    edits: [],
  };
}

// PaymentScheduleInput: net terms are given an issue date and due dueInDays later; fixed terms a due date.
function seededPaymentTerms(terms: NonNullable<SeedOrder["paymentTerms"]>, createdAt: string): StoredPaymentTerms {
  const type = terms.type ?? "NET";
  const dueInDays = terms.dueInDays ?? null;
  if (type === "NET" && dueInDays === null) throw new Error("net payment terms need dueInDays");
  if (type === "FIXED" && !terms.dueAt) throw new Error("fixed payment terms need dueAt");
  const issuedAt = terms.issuedAt ?? createdAt;
  const dueAt = terms.dueAt ?? (type === "NET" ? new Date(Date.parse(issuedAt) + dueInDays! * 86_400_000).toISOString() : null);
  return { id: newId(), name: terms.name, type, dueInDays, schedules: type === "RECEIPT" || type === "FULFILLMENT" ? [] : [{ id: newId(), issuedAt, dueAt }] };
}

/** Applies an edit to the order (lines added, units taken off, totals after) and returns its agreement. */
export function applyEdit(order: StoredOrder, seed: SeedEdit): StoredEdit {
  const taxesIncluded = order.seed.taxesIncluded ?? false;
  const share = (a: Amount, q: number, of: number): Amount => ({ shop: divRound(a.shop * BigInt(q), BigInt(of)), presentment: divRound(a.presentment * BigInt(q), BigInt(of)) });
  const add = (...items: Amount[]): Amount => items.reduce((acc, a) => ({ shop: acc.shop + a.shop, presentment: acc.presentment + a.presentment }), zero());
  const neg = (a: Amount): Amount => ({ shop: -a.shop, presentment: -a.presentment });
  const sales: StoredEdit["sales"] = [];
  for (const { index, quantity } of seed.remove ?? []) {
    const line = order.lines[index];
    const current = line ? line.quantity - (line.removed ?? 0) : 0;
    if (!line || quantity < 1 || quantity > current) throw new Error(`line ${index} has ${current} units, not ${quantity} to take off`);
    const discounted = { shop: line.unitPrice.shop * BigInt(line.quantity) - line.discount.shop, presentment: line.unitPrice.presentment * BigInt(line.quantity) - line.discount.presentment };
    const subtotal = share(discounted, quantity, line.quantity);
    const tax = share(add(...line.taxLines.map((t) => t.amount)), quantity, line.quantity);
    line.removed = (line.removed ?? 0) + quantity;
    sales.push({ id: newId(), line, quantity: -quantity, actionType: "UPDATE", amount: neg(taxesIncluded ? subtotal : add(subtotal, tax)), tax: neg(tax) });
  }
  if (seed.add?.length) {
    const added = computeOrder({ ...order.seed, id: undefined, lines: seed.add, shipping: [], tip: undefined, duties: undefined, giftCardPayment: undefined }, order.shopCurrency, 0).lines;
    for (const line of added) {
      order.lines.push(line);
      const subtotal = { shop: line.unitPrice.shop * BigInt(line.quantity) - line.discount.shop, presentment: line.unitPrice.presentment * BigInt(line.quantity) - line.discount.presentment };
      const tax = add(...line.taxLines.map((t) => t.amount));
      sales.push({ id: newId(), line, quantity: line.quantity, actionType: "ORDER", amount: taxesIncluded ? subtotal : add(subtotal, tax), tax });
    }
  }
  const change = add(...sales.map((sale) => sale.amount));
  order.totals.total = add(order.totals.total, change);
  order.totals.tax = add(order.totals.tax, ...sales.map((sale) => sale.tax));
  order.current.total = add(order.current.total, change);
  order.current.tax = add(order.current.tax, ...sales.map((sale) => sale.tax));
  const edit = { id: newId(), happenedAt: seed.happenedAt ?? new Date().toISOString(), sales };
  order.edits.push(edit);
  order.updatedAt = edit.happenedAt;
  return edit;
}

/** A fulfilment as Shopify records it (named "#1001.1", "#1001.2", …); no more units than remain unfulfilled. */
export function computeFulfillment(order: StoredOrder, seed: SeedFulfillment): StoredFulfillment {
  const fulfilled = (line: LineItem) =>
    order.fulfillments.filter((f) => f.status === "SUCCESS").reduce((n, f) => n + f.lines.filter((l) => l.line === line).reduce((m, l) => m + l.quantity, 0), 0);
  const lines = seed.lines.map(({ index, quantity }) => {
    const line = order.lines[index];
    if (!line) throw new Error(`the order has no line ${index}`);
    if (quantity < 1 || quantity > line.quantity - fulfilled(line)) throw new Error(`line ${index} has ${line.quantity - fulfilled(line)} unfulfilled units, not ${quantity}`);
    return { id: newId(), line, quantity };
  });
  return {
    id: newId(),
    name: `${order.name}.${order.fulfillments.length + 1}`,
    createdAt: seed.createdAt ?? new Date(Date.now() + order.fulfillments.length).toISOString(),
    status: seed.status === "cancelled" ? "CANCELLED" : "SUCCESS",
    lines,
  };
}

/**
 * A refund as Shopify computes it: each refunded line's subtotal is its discounted amount pro rata to the
 * quantity, and its tax the line's tax pro rata, each rounded on its own; shipping is refunded whole with its
 * tax; an amount-only refund carries no tax. The refund's total is what goes back to the buyer: subtotals,
 * plus their taxes where prices exclude tax, plus shipping and adjustments.
 */
export function computeRefund(order: StoredOrder, seed: SeedRefund): StoredRefund {
  const share = (a: Amount, q: number, of: number): Amount => ({ shop: divRound(a.shop * BigInt(q), BigInt(of)), presentment: divRound(a.presentment * BigInt(q), BigInt(of)) });
  const add = (...items: Amount[]): Amount => items.reduce((acc, a) => ({ shop: acc.shop + a.shop, presentment: acc.presentment + a.presentment }), zero());
  const taxesIncluded = order.seed.taxesIncluded ?? false;
  const lines = (seed.lines ?? []).map(({ index, quantity }) => {
    const line = order.lines[index];
    if (!line) throw new Error(`the order has no line ${index}`);
    if (quantity < 1 || quantity > line.quantity) throw new Error(`line ${index} has ${line.quantity} units, not ${quantity}`);
    const discounted = { shop: line.unitPrice.shop * BigInt(line.quantity) - line.discount.shop, presentment: line.unitPrice.presentment * BigInt(line.quantity) - line.discount.presentment };
    return { id: newId(), line, quantity, subtotal: share(discounted, quantity, line.quantity), tax: share(add(...line.taxLines.map((t) => t.amount)), quantity, line.quantity) };
  });
  const shipping = seed.shipping
    ? order.shipping.map((line) => ({
        id: newId(),
        line,
        subtotal: { shop: line.price.shop - line.discount.shop, presentment: line.price.presentment - line.discount.presentment },
        tax: add(...line.taxLines.map((t) => t.amount)),
      }))
    : [];
  const adjustments = seed.amount ? [{ id: newId(), amount: (() => { const m = toMinor(seed.amount, order.shopCurrency); return { shop: m, presentment: m }; })(), tax: zero() }] : [];
  const taxes = taxesIncluded ? zero() : add(...lines.map((l) => l.tax), ...shipping.map((s) => s.tax));
  const total = add(...lines.map((l) => l.subtotal), ...shipping.map((s) => s.subtotal), ...adjustments.map((a) => a.amount), taxes);
  return {
    id: newId(),
    createdAt: seed.createdAt ?? new Date().toISOString(),
    note: seed.note ?? null,
    lines,
    shipping,
    adjustments,
    transaction: { id: newId(), status: seed.transactionStatus === "pending" ? "PENDING" : "SUCCESS", amount: total },
    total,
  };
}

function zero(): Amount {
  return { shop: 0n, presentment: 0n };
}

/** presentment minor units → shop minor units, at shop = presentment × den / num, rescaled by exponents. */
function convert(value: bigint, from: string, to: string, num: bigint, den: bigint): bigint {
  if (from === to && num === den) return value;
  const scale = (currency: string) => 10n ** BigInt(exponent(currency));
  return divRound(value * num * scale(to), den * scale(from));
}

// ---------- REST (webhook payload) shape ----------

function restMoney(a: Amount, order: StoredOrder) {
  return {
    shop_money: { amount: formatMinor(a.shop, order.shopCurrency), currency_code: order.shopCurrency },
    presentment_money: { amount: formatMinor(a.presentment, order.presentmentCurrency), currency_code: order.presentmentCurrency },
  };
}

function restTaxLines(taxLines: TaxLine[], order: StoredOrder) {
  return taxLines.map((t) => ({
    title: t.title,
    rate: Number(t.rate),
    price: formatMinor(t.amount.shop, order.shopCurrency),
    price_set: restMoney(t.amount, order),
    channel_liable: t.channelLiable ?? false,
  }));
}

function restAddress(address: SeedAddress | null | undefined) {
  if (!address) return null;
  return {
    first_name: address.firstName ?? null,
    last_name: address.lastName ?? null,
    name: [address.firstName, address.lastName].filter(Boolean).join(" "),
    company: address.company ?? null,
    address1: address.address1 ?? null,
    address2: address.address2 ?? null,
    city: address.city ?? null,
    zip: address.zip ?? null,
    province: address.province ?? null,
    province_code: address.provinceCode ?? null,
    country: address.country ?? null,
    country_code: address.countryCode ?? null,
    phone: address.phone ?? null,
  };
}

export type RestOrderPayload = ReturnType<typeof builtRestOrder>;

export function restOrder(order: StoredOrder, customer: SeedCustomer | undefined): RestOrderPayload {
  // A payload-seeded order keeps Shopify's own body; its fields are Shopify's, a superset of the built one.
  if (order.raw) return restOrderFromRaw(order, order.raw) as unknown as RestOrderPayload;
  return builtRestOrder(order, customer);
}

function builtRestOrder(order: StoredOrder, customer: SeedCustomer | undefined) {
  const m = (a: Amount) => formatMinor(a.shop, order.shopCurrency);
  const seed = order.seed;
  const email = seed.email === undefined ? (customer?.email ?? null) : seed.email;
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    order_number: Number(order.name.replace(/\D/g, "")) || order.id,
    email,
    contact_email: email,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.createdAt,
    cancelled_at: order.cancelledAt,
    currency: order.shopCurrency,
    presentment_currency: order.presentmentCurrency,
    taxes_included: seed.taxesIncluded ?? false,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    tags: (seed.tags ?? []).join(", "),
    source_name: seed.sourceName ?? "web",
    payment_gateway_names: seed.gateways ?? ["shopify_payments"],
    customer_locale: seed.customerLocale ?? customer?.locale ?? "en",
    note: seed.note ?? null,
    subtotal_price: m(order.totals.subtotal),
    subtotal_price_set: restMoney(order.totals.subtotal, order),
    total_discounts: m(order.totals.discounts),
    total_discounts_set: restMoney(order.totals.discounts, order),
    total_shipping_price_set: restMoney(order.totals.shipping, order),
    total_tax: m(order.totals.tax),
    total_tax_set: restMoney(order.totals.tax, order),
    total_tip_received: m(order.totals.tip),
    current_total_duties_set: order.totals.duties.shop ? restMoney(order.totals.duties, order) : null,
    total_price: m(order.totals.total),
    total_price_set: restMoney(order.totals.total, order),
    current_subtotal_price: m(order.current.subtotal),
    current_subtotal_price_set: restMoney(order.current.subtotal, order),
    current_total_discounts: m(order.current.discounts),
    current_total_discounts_set: restMoney(order.current.discounts, order),
    current_total_tax: m(order.current.tax),
    current_total_tax_set: restMoney(order.current.tax, order),
    current_total_price: m(order.current.total),
    current_total_price_set: restMoney(order.current.total, order),
    tax_exempt: order.taxExempt,
    po_number: order.poNumber,
    payment_terms: order.paymentTerms
      ? {
          payment_terms_name: order.paymentTerms.name,
          payment_terms_type: order.paymentTerms.type,
          due_in_days: order.paymentTerms.dueInDays,
          payment_schedules: order.paymentTerms.schedules.map((s) => ({ issued_at: s.issuedAt, due_at: s.dueAt })),
        }
      : null,
    discount_applications: order.discountApplications.map((d) => ({
      type: d.type,
      ...(d.type === "discount_code" ? { code: d.code } : { title: d.title, description: d.description }),
      value: d.value,
      value_type: d.valueType,
      allocation_method: d.allocationMethod,
      target_selection: d.targetSelection,
      target_type: d.targetType,
    })),
    line_items: order.lines.map((l) => ({
      id: l.id,
      admin_graphql_api_id: `gid://shopify/LineItem/${l.id}`,
      variant_id: l.variantId,
      product_id: l.productId,
      sku: l.sku,
      name: l.name,
      title: l.title,
      quantity: l.quantity,
      current_quantity: l.quantity - (l.removed ?? 0),
      price: formatMinor(l.unitPrice.shop, order.shopCurrency),
      price_set: restMoney(l.unitPrice, order),
      total_discount: formatMinor(l.discount.shop, order.shopCurrency),
      total_discount_set: restMoney(l.discount, order),
      taxable: l.taxable,
      gift_card: l.giftCard,
      requires_shipping: l.requiresShipping,
      tax_lines: restTaxLines(l.taxLines, order),
      discount_allocations: restAllocations(l.allocations, order),
    })),
    shipping_lines: order.shipping.map((s) => ({
      id: s.id,
      title: s.title,
      code: s.code,
      price: formatMinor(s.price.shop, order.shopCurrency),
      price_set: restMoney(s.price, order),
      discounted_price: formatMinor(s.price.shop - s.discount.shop, order.shopCurrency),
      discounted_price_set: restMoney({ shop: s.price.shop - s.discount.shop, presentment: s.price.presentment - s.discount.presentment }, order),
      tax_lines: restTaxLines(s.taxLines, order),
      discount_allocations: restAllocations(s.allocations, order),
    })),
    customer: customer
      ? { id: customer.id, email: customer.email ?? null, first_name: customer.firstName ?? null, last_name: customer.lastName ?? null, phone: customer.phone ?? null, tax_exempt: customer.taxExempt ?? false, admin_graphql_api_id: `gid://shopify/Customer/${customer.id}` }
      : null,
    billing_address: restAddress(seed.billingAddress),
    shipping_address: restAddress(seed.shippingAddress),
    company: seed.company ? { id: seed.company.id, location_id: seed.company.locationId } : null,
    refunds: [],
  };
}

function restAllocations(allocations: Allocation[], order: StoredOrder) {
  return allocations.map((a) => ({ amount: formatMinor(a.amount.shop, order.shopCurrency), amount_set: restMoney(a.amount, order), discount_application_index: a.applicationIndex }));
}

/**
 * A payload-seeded order's webhook body: the payload as given, with the simulator's ids (a payload's own
 * ids may be above 2^53, and are not unique across replays) and the statuses the order has now.
 */
function restOrderFromRaw(order: StoredOrder, raw: Record<string, unknown>) {
  const rawLines = Array.isArray(raw.line_items) ? (raw.line_items as Array<Record<string, unknown>>) : [];
  const rawShipping = Array.isArray(raw.shipping_lines) ? (raw.shipping_lines as Array<Record<string, unknown>>) : [];
  return {
    ...raw,
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    line_items: rawLines.map((line, i) => ({
      ...line,
      id: order.lines[i].id,
      admin_graphql_api_id: `gid://shopify/LineItem/${order.lines[i].id}`,
      variant_id: order.lines[i].variantId,
      product_id: order.lines[i].productId,
      current_quantity: order.lines[i].quantity - (order.lines[i].removed ?? 0),
    })),
    shipping_lines: rawShipping.map((line, i) => ({ ...line, id: order.shipping[i].id })),
    customer: raw.customer && order.seed.customerId ? { ...(raw.customer as object), id: order.seed.customerId, admin_graphql_api_id: `gid://shopify/Customer/${order.seed.customerId}` } : (raw.customer ?? null),
    company: order.seed.company ? { id: order.seed.company.id, location_id: order.seed.company.locationId } : null,
  };
}

/** The refunds/create webhook payload (REST shape). */
export function restRefund(order: StoredOrder, refund: StoredRefund) {
  return {
    id: refund.id,
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    order_id: order.id,
    created_at: refund.createdAt,
    processed_at: refund.createdAt,
    note: refund.note,
    restock: false,
    refund_line_items: refund.lines.map((l) => ({
      id: l.id,
      line_item_id: l.line.id,
      quantity: l.quantity,
      restock_type: "no_restock",
      subtotal: Number(formatMinor(l.subtotal.shop, order.shopCurrency)),
      subtotal_set: restMoney(l.subtotal, order),
      total_tax: Number(formatMinor(l.tax.shop, order.shopCurrency)),
      total_tax_set: restMoney(l.tax, order),
    })),
    refund_shipping_lines: refund.shipping.map((s) => ({ id: s.id, shipping_line_id: s.line.id, subtotal_amount_set: restMoney(s.subtotal, order), tax_amount_set: restMoney(s.tax, order) })),
    order_adjustments: refund.adjustments.map((a) => ({ id: a.id, kind: "refund_discrepancy", amount: formatMinor(-a.amount.shop, order.shopCurrency), amount_set: restMoney({ shop: -a.amount.shop, presentment: -a.amount.presentment }, order), tax_amount: "0.00" })),
    transactions: [{ id: refund.transaction.id, kind: "refund", status: refund.transaction.status.toLowerCase(), amount: formatMinor(refund.total.shop, order.shopCurrency), currency: order.shopCurrency }],
  };
}

export function gqlRefund(order: StoredOrder, refund: StoredRefund) {
  return {
    id: `gid://shopify/Refund/${refund.id}`,
    legacyResourceId: String(refund.id),
    createdAt: refund.createdAt,
    processedAt: refund.createdAt,
    note: refund.note,
    totalRefundedSet: gqlMoney(refund.total, order),
    refundLineItems: (args: { first?: number; after?: string }) =>
      connection(
        refund.lines.map((l) => ({
          id: `gid://shopify/RefundLineItem/${l.id}`,
          quantity: l.quantity,
          restockType: "NO_RESTOCK",
          lineItem: { id: `gid://shopify/LineItem/${l.line.id}`, sku: l.line.sku, title: l.line.title, name: l.line.title },
          priceSet: gqlMoney(l.line.unitPrice, order),
          subtotalSet: gqlMoney(l.subtotal, order),
          totalTaxSet: gqlMoney(l.tax, order),
        })),
        args,
      ),
    refundShippingLines: (args: { first?: number; after?: string }) =>
      connection(
        refund.shipping.map((s) => ({
          id: `gid://shopify/RefundShippingLine/${s.id}`,
          shippingLine: { id: `gid://shopify/ShippingLine/${s.line.id}`, title: s.line.title, code: s.line.title },
          subtotalAmountSet: gqlMoney(s.subtotal, order),
          taxAmountSet: gqlMoney(s.tax, order),
        })),
        args,
      ),
    orderAdjustments: (args: { first?: number; after?: string }) =>
      connection(
        refund.adjustments.map((a) => ({
          id: `gid://shopify/OrderAdjustment/${a.id}`,
          reason: "REFUND_DISCREPANCY",
          amountSet: gqlMoney({ shop: -a.amount.shop, presentment: -a.amount.presentment }, order),
          taxAmountSet: gqlMoney(a.tax, order),
        })),
        args,
      ),
    transactions: (args: { first?: number; after?: string }) =>
      connection(
        [{ id: `gid://shopify/OrderTransaction/${refund.transaction.id}`, kind: "REFUND", status: refund.transaction.status, gateway: order.seed.gateways?.[0] ?? "shopify_payments", amountSet: gqlMoney(refund.total, order) }],
        args,
      ),
  };
}

// ---------- GraphQL shape (plain objects; graphql-js reads fields by name) ----------

function gqlMoney(a: Amount, order: StoredOrder) {
  return {
    shopMoney: { amount: formatMinor(a.shop, order.shopCurrency), currencyCode: order.shopCurrency },
    presentmentMoney: { amount: formatMinor(a.presentment, order.presentmentCurrency), currencyCode: order.presentmentCurrency },
  };
}

function gqlTaxLines(taxLines: TaxLine[], order: StoredOrder) {
  return taxLines.map((t) => ({
    title: t.title,
    rate: Number(t.rate),
    ratePercentage: Number(t.rate) * 100,
    channelLiable: t.channelLiable ?? false,
    priceSet: gqlMoney(t.amount, order),
  }));
}

function gqlAddress(address: SeedAddress | null | undefined) {
  if (!address) return null;
  return {
    firstName: address.firstName ?? null,
    lastName: address.lastName ?? null,
    name: [address.firstName, address.lastName].filter(Boolean).join(" "),
    company: address.company ?? null,
    address1: address.address1 ?? null,
    address2: address.address2 ?? null,
    city: address.city ?? null,
    zip: address.zip ?? null,
    province: address.province ?? null,
    provinceCode: address.provinceCode ?? null,
    country: address.country ?? null,
    countryCodeV2: address.countryCode ?? null,
    phone: address.phone ?? null,
  };
}

/** A list as a connection, honouring first/after (cursor = index). */
export function connection<T>(items: T[], args: { first?: number; after?: string | null }) {
  const start = args.after ? Number(Buffer.from(args.after, "base64").toString()) + 1 : 0;
  const slice = items.slice(start, start + (args.first ?? items.length));
  const cursor = (i: number) => Buffer.from(String(start + i)).toString("base64");
  return {
    nodes: slice,
    edges: slice.map((node, i) => ({ node, cursor: cursor(i) })),
    pageInfo: {
      hasNextPage: start + slice.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? cursor(0) : null,
      endCursor: slice.length ? cursor(slice.length - 1) : null,
    },
  };
}

const FINANCIAL: Record<string, string> = {
  pending: "PENDING",
  authorized: "AUTHORIZED",
  paid: "PAID",
  partially_paid: "PARTIALLY_PAID",
  partially_refunded: "PARTIALLY_REFUNDED",
  refunded: "REFUNDED",
  voided: "VOIDED",
};

export function gqlOrder(order: StoredOrder, customer: SeedCustomer | undefined) {
  const seed = order.seed;
  const email = seed.email === undefined ? (customer?.email ?? null) : seed.email;
  const gateways = seed.gateways ?? ["shopify_payments"];
  const giftCard = order.totals.giftCard;
  const rest = { shop: order.totals.total.shop - giftCard.shop, presentment: order.totals.total.presentment - giftCard.presentment };
  const paid = ["paid", "partially_refunded", "refunded"].includes(order.financialStatus);
  const transactions = order.transactions
    ? order.transactions.map((t) => ({ id: `gid://shopify/OrderTransaction/${t.id}`, kind: t.kind.toUpperCase(), status: t.status.toUpperCase(), gateway: t.gateway, amountSet: gqlMoney(t.amount, order) }))
    : [
        ...(giftCard.shop > 0n ? [{ gateway: "gift_card", amount: giftCard }] : []),
        ...(rest.shop !== 0n ? [{ gateway: gateways.find((g) => g !== "gift_card") ?? "manual", amount: rest }] : []),
      ].map((t, i) => ({
        id: `gid://shopify/OrderTransaction/${order.id * 10 + i}`,
        kind: "SALE",
        status: paid || t.gateway === "gift_card" ? "SUCCESS" : "PENDING",
        gateway: t.gateway,
        amountSet: gqlMoney(t.amount, order),
      }));
  const applications = order.discountApplications.map((d, index) => gqlDiscountApplication(d, index, order));
  const allocations = (list: Allocation[]) =>
    list.map((a) => ({ allocatedAmountSet: gqlMoney(a.amount, order), discountApplication: applications[a.applicationIndex] ?? null }));
  return {
    id: `gid://shopify/Order/${order.id}`,
    legacyResourceId: String(order.id),
    name: order.name,
    email,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    processedAt: order.createdAt,
    cancelledAt: order.cancelledAt,
    currencyCode: order.shopCurrency,
    presentmentCurrencyCode: order.presentmentCurrency,
    taxesIncluded: seed.taxesIncluded ?? false,
    displayFinancialStatus: FINANCIAL[order.financialStatus],
    displayFulfillmentStatus: order.fulfillmentStatus === "fulfilled" ? "FULFILLED" : order.fulfillmentStatus === "partial" ? "PARTIALLY_FULFILLED" : "UNFULFILLED",
    tags: seed.tags ?? [],
    sourceName: seed.sourceName ?? "web",
    customerLocale: seed.customerLocale ?? customer?.locale ?? "en",
    paymentGatewayNames: gateways,
    customer: customer ? gqlCustomer(customer) : null,
    billingAddress: gqlAddress(seed.billingAddress),
    shippingAddress: gqlAddress(seed.shippingAddress),
    purchasingEntity: seed.company
      ? {
          __typename: "PurchasingCompany",
          company: { id: `gid://shopify/Company/${seed.company.id}`, name: seed.company.name, externalId: seed.company.externalId ?? null },
          location: {
            id: `gid://shopify/CompanyLocation/${seed.company.locationId}`,
            name: seed.company.locationName,
            taxSettings: { taxRegistrationId: seed.company.vatId ?? null, taxExempt: order.taxExempt, taxExemptions: [] },
          },
          contact: seed.company.contactId ? { id: `gid://shopify/CompanyContact/${seed.company.contactId}` } : null,
        }
      : customer
        ? { __typename: "Customer", ...gqlCustomer(customer) }
        : null,
    lineItems: (args: { first?: number; after?: string }) =>
      connection(
        order.lines.map((l) => ({
          id: `gid://shopify/LineItem/${l.id}`,
          sku: l.sku,
          name: l.name,
          title: l.title,
          quantity: l.quantity,
          currentQuantity: l.quantity - (l.removed ?? 0),
          taxable: l.taxable,
          requiresShipping: l.requiresShipping,
          isGiftCard: l.giftCard,
          variant: { id: `gid://shopify/ProductVariant/${l.variantId}` },
          originalUnitPriceSet: gqlMoney(l.unitPrice, order),
          discountAllocations: allocations(l.allocations),
          taxLines: gqlTaxLines(l.taxLines, order),
        })),
        args,
      ),
    shippingLines: (args: { first?: number; after?: string }) =>
      connection(
        order.shipping.map((s) => ({
          id: `gid://shopify/ShippingLine/${s.id}`,
          title: s.title,
          code: s.code,
          originalPriceSet: gqlMoney(s.price, order),
          discountedPriceSet: gqlMoney({ shop: s.price.shop - s.discount.shop, presentment: s.price.presentment - s.discount.presentment }, order),
          discountAllocations: allocations(s.allocations),
          taxLines: gqlTaxLines(s.taxLines, order),
        })),
        args,
      ),
    subtotalPriceSet: gqlMoney(order.totals.subtotal, order),
    totalShippingPriceSet: gqlMoney(order.totals.shipping, order),
    totalDiscountsSet: gqlMoney(order.totals.discounts, order),
    totalTaxSet: gqlMoney(order.totals.tax, order),
    currentTotalTaxSet: gqlMoney(order.current.tax, order),
    currentSubtotalPriceSet: gqlMoney(order.current.subtotal, order),
    currentTotalDiscountsSet: gqlMoney(order.current.discounts, order),
    taxExempt: order.taxExempt,
    poNumber: order.poNumber,
    paymentTerms: order.paymentTerms ? gqlPaymentTerms(order.paymentTerms) : null,
    discountApplications: (args: { first?: number; after?: string }) => connection(applications, args),
    totalTipReceivedSet: gqlMoney(order.totals.tip, order),
    currentTotalDutiesSet: order.totals.duties.shop ? gqlMoney(order.totals.duties, order) : null,
    totalPriceSet: gqlMoney(order.totals.total, order),
    currentTotalPriceSet: gqlMoney(order.current.total, order),
    transactions: () => transactions,
    refunds: (args: { first?: number }) => order.refunds.slice(0, args.first ?? order.refunds.length).map((r) => gqlRefund(order, r)),
    agreements: (args: { first?: number; after?: string }) =>
      connection(
        order.edits.map((edit) => ({
          __typename: "OrderEditAgreement",
          id: `gid://shopify/SalesAgreement/${edit.id}`,
          happenedAt: edit.happenedAt,
          reason: "ORDER_EDIT",
          sales: (salesArgs: { first?: number; after?: string }) =>
            connection(
              edit.sales.map((sale) => ({
                __typename: "ProductSale",
                id: `gid://shopify/Sale/${sale.id}`,
                actionType: sale.actionType,
                lineType: "PRODUCT",
                quantity: sale.quantity,
                lineItem: { id: `gid://shopify/LineItem/${sale.line.id}`, sku: sale.line.sku, title: sale.line.title, name: sale.line.title },
                totalAmount: gqlMoney(sale.amount, order),
                totalTaxAmount: gqlMoney(sale.tax, order),
                taxes: [],
              })),
              salesArgs,
            ),
        })),
        args,
      ),
    fulfillments: (args: { first?: number }) =>
      order.fulfillments.slice(0, args.first ?? order.fulfillments.length).map((f) => ({
        id: `gid://shopify/Fulfillment/${f.id}`,
        legacyResourceId: String(f.id),
        name: f.name,
        createdAt: f.createdAt,
        updatedAt: f.createdAt,
        status: f.status,
        totalQuantity: f.lines.reduce((n, l) => n + l.quantity, 0),
        fulfillmentLineItems: (connArgs: { first?: number; after?: string }) =>
          connection(
            f.lines.map((l) => ({ id: `gid://shopify/FulfillmentLineItem/${l.id}`, quantity: l.quantity, lineItem: { id: `gid://shopify/LineItem/${l.line.id}`, sku: l.line.sku, title: l.line.title } })),
            connArgs,
          ),
      })),
    metafield: (args: { namespace?: string; key: string }) => order.metafields.get(`${args.namespace ?? "$app"}.${args.key}`) ?? null,
  };
}

function gqlPaymentTerms(terms: StoredPaymentTerms) {
  return {
    id: `gid://shopify/PaymentTerms/${terms.id}`,
    paymentTermsName: terms.name,
    translatedName: terms.name,
    paymentTermsType: terms.type,
    dueInDays: terms.dueInDays,
    paymentSchedules: (args: { first?: number; after?: string }) =>
      connection(terms.schedules.map((s) => ({ id: `gid://shopify/PaymentSchedule/${s.id}`, issuedAt: gqlDateTime(s.issuedAt), dueAt: gqlDateTime(s.dueAt) })), args),
  };
}

/** The Admin API writes a DateTime in UTC, to the second ("2026-02-14T10:00:00Z"), whatever offset it was given with. */
function gqlDateTime(timestamp: string | null) {
  return timestamp ? new Date(timestamp).toISOString().replace(/\.\d{3}Z$/, "Z") : null;
}

export function gqlCustomer(customer: SeedCustomer) {
  return {
    id: `gid://shopify/Customer/${customer.id}`,
    firstName: customer.firstName ?? null,
    lastName: customer.lastName ?? null,
    displayName: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || "Customer",
    locale: customer.locale ?? "en",
    defaultEmailAddress: customer.email ? { emailAddress: customer.email } : null,
    taxExempt: customer.taxExempt ?? false,
    metafield: metafieldField(`gid://shopify/Customer/${customer.id}`, customer.metafields),
  };
}

const APPLICATION_TYPENAME: Record<DiscountApplication["type"], string> = {
  discount_code: "DiscountCodeApplication",
  automatic: "AutomaticDiscountApplication",
  manual: "ManualDiscountApplication",
  script: "ScriptDiscountApplication",
};

function gqlDiscountApplication(d: DiscountApplication, index: number, order: StoredOrder) {
  return {
    __typename: APPLICATION_TYPENAME[d.type],
    index,
    code: d.code,
    title: d.title ?? d.code ?? "",
    description: d.description,
    allocationMethod: d.allocationMethod.toUpperCase(),
    targetSelection: d.targetSelection.toUpperCase(),
    targetType: d.targetType.toUpperCase(),
    value:
      d.valueType === "percentage"
        ? { __typename: "PricingPercentageValue", percentage: Number(d.value) }
        : { __typename: "MoneyV2", amount: d.value, currencyCode: order.shopCurrency },
  };
}
