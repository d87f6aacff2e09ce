// The simulator's orders: seeded in simple terms, computed exactly, and shown in the two shapes Shopify
// uses: the REST-style JSON of webhook payloads, and the Admin GraphQL objects.
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
  note?: string | null;
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

export type SeedCustomer = { id: number; email?: string | null; firstName?: string; lastName?: string; phone?: string | null; locale?: string };

type Amount = { shop: bigint; presentment: bigint };
type TaxLine = { title: string; rate: string; amount: Amount };
type LineItem = {
  id: number;
  variantId: number;
  productId: number;
  sku: string | null;
  title: string;
  quantity: number;
  unitPrice: Amount;
  discount: Amount;
  taxLines: TaxLine[];
  giftCard: boolean;
  requiresShipping: boolean;
  /** Units taken off by order edits (currentQuantity = quantity − removed). */
  removed?: number;
};
type ShippingLine = { id: number; title: string; price: Amount; discount: Amount; taxLines: TaxLine[] };

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
      quantity: line.quantity,
      unitPrice,
      discount,
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
      price,
      discount,
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
    metafields: new Map(),
    refunds: [],
    fulfillments: [],
    edits: [],
  };
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
    channel_liable: false,
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

export function restOrder(order: StoredOrder, customer: SeedCustomer | undefined) {
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
    current_total_price: m(order.totals.total),
    current_total_price_set: restMoney(order.totals.total, order),
    line_items: order.lines.map((l) => ({
      id: l.id,
      admin_graphql_api_id: `gid://shopify/LineItem/${l.id}`,
      variant_id: l.variantId,
      product_id: l.productId,
      sku: l.sku,
      name: l.title,
      title: l.title,
      quantity: l.quantity,
      current_quantity: l.quantity - (l.removed ?? 0),
      price: formatMinor(l.unitPrice.shop, order.shopCurrency),
      price_set: restMoney(l.unitPrice, order),
      total_discount: formatMinor(l.discount.shop, order.shopCurrency),
      total_discount_set: restMoney(l.discount, order),
      taxable: l.taxLines.length > 0,
      gift_card: l.giftCard,
      requires_shipping: l.requiresShipping,
      tax_lines: restTaxLines(l.taxLines, order),
      discount_allocations: l.discount.shop
        ? [{ amount: formatMinor(l.discount.shop, order.shopCurrency), amount_set: restMoney(l.discount, order), discount_application_index: 0 }]
        : [],
    })),
    shipping_lines: order.shipping.map((s) => ({
      id: s.id,
      title: s.title,
      code: s.title,
      price: formatMinor(s.price.shop, order.shopCurrency),
      price_set: restMoney(s.price, order),
      discounted_price: formatMinor(s.price.shop - s.discount.shop, order.shopCurrency),
      discounted_price_set: restMoney({ shop: s.price.shop - s.discount.shop, presentment: s.price.presentment - s.discount.presentment }, order),
      tax_lines: restTaxLines(s.taxLines, order),
      discount_allocations: s.discount.shop
        ? [{ amount: formatMinor(s.discount.shop, order.shopCurrency), amount_set: restMoney(s.discount, order), discount_application_index: 0 }]
        : [],
    })),
    customer: customer
      ? { id: customer.id, email: customer.email ?? null, first_name: customer.firstName ?? null, last_name: customer.lastName ?? null, phone: customer.phone ?? null, admin_graphql_api_id: `gid://shopify/Customer/${customer.id}` }
      : null,
    billing_address: restAddress(seed.billingAddress),
    shipping_address: restAddress(seed.shippingAddress),
    company: seed.company ? { id: seed.company.id, location_id: seed.company.locationId } : null,
    refunds: [],
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
    channelLiable: false,
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
  const transactions = [
    ...(giftCard.shop > 0n ? [{ gateway: "gift_card", amount: giftCard }] : []),
    ...(rest.shop !== 0n ? [{ gateway: gateways.find((g) => g !== "gift_card") ?? "manual", amount: rest }] : []),
  ].map((t, i) => ({
    id: `gid://shopify/OrderTransaction/${order.id * 10 + i}`,
    kind: "SALE",
    status: paid || t.gateway === "gift_card" ? "SUCCESS" : "PENDING",
    gateway: t.gateway,
    amountSet: gqlMoney(t.amount, order),
  }));
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
            taxSettings: { taxRegistrationId: seed.company.vatId ?? null, taxExempt: false, taxExemptions: [] },
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
          name: l.title,
          title: l.title,
          quantity: l.quantity,
          currentQuantity: l.quantity - (l.removed ?? 0),
          taxable: l.taxLines.length > 0,
          requiresShipping: l.requiresShipping,
          isGiftCard: l.giftCard,
          variant: { id: `gid://shopify/ProductVariant/${l.variantId}` },
          originalUnitPriceSet: gqlMoney(l.unitPrice, order),
          discountAllocations: l.discount.shop ? [{ allocatedAmountSet: gqlMoney(l.discount, order) }] : [],
          taxLines: gqlTaxLines(l.taxLines, order),
        })),
        args,
      ),
    shippingLines: (args: { first?: number; after?: string }) =>
      connection(
        order.shipping.map((s) => ({
          id: `gid://shopify/ShippingLine/${s.id}`,
          title: s.title,
          code: s.title,
          originalPriceSet: gqlMoney(s.price, order),
          discountedPriceSet: gqlMoney({ shop: s.price.shop - s.discount.shop, presentment: s.price.presentment - s.discount.presentment }, order),
          discountAllocations: s.discount.shop ? [{ allocatedAmountSet: gqlMoney(s.discount, order) }] : [],
          taxLines: gqlTaxLines(s.taxLines, order),
        })),
        args,
      ),
    subtotalPriceSet: gqlMoney(order.totals.subtotal, order),
    totalShippingPriceSet: gqlMoney(order.totals.shipping, order),
    totalDiscountsSet: gqlMoney(order.totals.discounts, order),
    totalTaxSet: gqlMoney(order.totals.tax, order),
    currentTotalTaxSet: gqlMoney(order.totals.tax, order),
    totalTipReceivedSet: gqlMoney(order.totals.tip, order),
    currentTotalDutiesSet: order.totals.duties.shop ? gqlMoney(order.totals.duties, order) : null,
    totalPriceSet: gqlMoney(order.totals.total, order),
    currentTotalPriceSet: gqlMoney(order.totals.total, order),
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

function gqlCustomer(customer: SeedCustomer) {
  return {
    id: `gid://shopify/Customer/${customer.id}`,
    firstName: customer.firstName ?? null,
    lastName: customer.lastName ?? null,
    displayName: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || "Customer",
    locale: customer.locale ?? "en",
    defaultEmailAddress: customer.email ? { emailAddress: customer.email } : null,
  };
}
