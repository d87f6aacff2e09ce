// A Shopify refund, normalised for its credit note. The refund says what was refunded (lines with their
// quantities and Shopify's pro-rata amounts, shipping, amounts with no line) and what went back to the
// buyer; the order says at which VAT rate each line was sold. The credit note is planned as an "order" of
// exactly those amounts (the same exact planning as an invoice), whose total must equal the refund's.
import { z } from "zod";
import { addRatios, toMinor, type Ratio } from "../lib/money";
import type { CurrencyMode, NormalizedOrder } from "./order";

const moneyV2 = z.object({ amount: z.string(), currencyCode: z.string() });
const moneyBag = z.object({ shopMoney: moneyV2, presentmentMoney: moneyV2 });

export const refundSchema = z.object({
  id: z.string(),
  createdAt: z.string().nullable(),
  note: z.string().nullable(),
  totalRefundedSet: moneyBag,
  order: z.object({ id: z.string(), name: z.string(), currencyCode: z.string(), presentmentCurrencyCode: z.string(), taxesIncluded: z.boolean() }),
  refundLineItems: z.object({
    nodes: z.array(
      z.object({
        quantity: z.number().int(),
        lineItem: z.object({ id: z.string(), sku: z.string().nullable(), title: z.string() }),
        subtotalSet: moneyBag,
        totalTaxSet: moneyBag,
      }),
    ),
    pageInfo: z.object({ hasNextPage: z.boolean() }),
  }),
  refundShippingLines: z.object({
    nodes: z.array(z.object({ shippingLine: z.object({ title: z.string() }), subtotalAmountSet: moneyBag, taxAmountSet: moneyBag })),
  }),
  orderAdjustments: z.object({ nodes: z.array(z.object({ reason: z.string().nullable(), amountSet: moneyBag, taxAmountSet: moneyBag })) }),
  transactions: z.object({ nodes: z.array(z.object({ kind: z.string(), status: z.string(), amountSet: moneyBag })) }),
});

export type RefundInfo = {
  id: string;
  orderId: string;
  orderName: string;
  /** The refund's money has not moved yet (a pending refund transaction): nothing is credited before it does. */
  pending: boolean;
  /** What went back to the buyer, in the document's currency. */
  total: bigint;
};

/** The refund, and the "order" its credit note is planned from: the refunded amounts, at the order's VAT rates. */
export function creditFromRefund(raw: unknown, order: NormalizedOrder, mode: CurrencyMode): { refund: RefundInfo; credit: NormalizedOrder } {
  const r = refundSchema.parse(raw);
  const money = (bag: z.infer<typeof moneyBag>) => {
    const m = mode === "presentment" ? bag.presentmentMoney : bag.shopMoney;
    return toMinor(m.amount, m.currencyCode);
  };
  const lineById = new Map(order.lines.map((line) => [line.id, line]));
  const lines = r.refundLineItems.nodes.map((item) => {
    const id = item.lineItem.id.split("/").pop()!;
    const sold = lineById.get(id);
    if (!sold) throw new Error(`refund ${r.id} refunds line ${id}, which the order does not have`);
    const subtotal = money(item.subtotalSet);
    const tax = money(item.totalTaxSet);
    return {
      ...sold,
      quantity: item.quantity,
      amount: subtotal,
      discount: 0n,
      // One tax line at the rate the line was sold at, with Shopify's pro-rata tax of the refunded part.
      taxes: sold.taxes.length ? [{ title: sold.taxes[0].title, rate: sold.taxes.reduce<Ratio>((sum, t) => addRatios(sum, t.rate), { num: 0n, den: 1n }), amount: tax }] : [],
    };
  });
  const shipping = r.refundShippingLines.nodes.map((s) => {
    const sold = order.shipping.find((line) => line.title === s.shippingLine.title);
    return {
      title: s.shippingLine.title,
      code: sold?.code ?? null,
      price: money(s.subtotalAmountSet),
      discount: 0n,
      taxes: sold?.taxes.length ? [{ title: sold.taxes[0].title, rate: sold.taxes[0].rate, amount: money(s.taxAmountSet) }] : [],
    };
  });
  // Shopify writes an amount-only refund as a negative "refund discrepancy" adjustment.
  const adjustments = r.orderAdjustments.nodes
    .map((a) => ({ description: r.note ? `Refund: ${r.note}` : "Refund", amount: -money(a.amountSet) }))
    .filter((a) => a.amount !== 0n);
  const total = money(r.totalRefundedSet);
  const refundTransactions = r.transactions.nodes.filter((t) => t.kind === "REFUND");
  const credit: NormalizedOrder = {
    ...order,
    lines,
    shipping,
    adjustments,
    tip: 0n,
    duties: 0n,
    giftCardPaid: null,
    total,
    totalTax: lines.reduce((sum, l) => sum + l.taxes.reduce((s, t) => s + t.amount, 0n), 0n) + shipping.reduce((sum, s) => sum + s.taxes.reduce((t, x) => t + x.amount, 0n), 0n),
  };
  return {
    refund: {
      id: r.id.split("/").pop()!,
      orderId: r.order.id.split("/").pop()!,
      orderName: r.order.name,
      pending: refundTransactions.some((t) => t.status === "PENDING" || t.status === "AWAITING_RESPONSE"),
      total,
    },
    credit,
  };
}
