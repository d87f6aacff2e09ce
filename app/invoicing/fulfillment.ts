// Invoicing per fulfilment: each fulfilment of an order is invoiced for the units it shipped, as an
// "order" of its own. A line's discount and tax are shared out over its fulfilments by cumulative
// rounding (each fulfilment gets round(X × units so far / Q) minus what the ones before got), so that the
// fulfilments of a line add up to exactly the line, and all the invoices of an order to exactly Shopify's
// total. Shipping, tips and duties go on the first fulfilment's invoice.
import { z } from "zod";
import { divideRounded } from "../lib/money";
import type { NormalizedOrder, OrderLine } from "./order";

export type FulfillmentInfo = { id: string; name: string; createdAt: string; lines: Array<{ lineId: string; quantity: number }> };

const fulfillmentsSchema = z.object({
  order: z
    .object({
      fulfillments: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          createdAt: z.string(),
          status: z.string(),
          fulfillmentLineItems: z.object({
            nodes: z.array(z.object({ quantity: z.number().int().nullable(), lineItem: z.object({ id: z.string() }) })),
            pageInfo: z.object({ hasNextPage: z.boolean() }),
          }),
        }),
      ),
    })
    .nullable(),
});

/** The order's successful fulfilments, oldest first (F1, F2, … in that order). */
export function fulfillmentsFromAdminApi(raw: unknown): FulfillmentInfo[] {
  const parsed = fulfillmentsSchema.parse(raw);
  return (parsed.order?.fulfillments ?? [])
    .filter((f) => f.status === "SUCCESS")
    .map((f) => {
      if (f.fulfillmentLineItems.pageInfo.hasNextPage) {
        throw new Error(`fulfilment ${f.name} has more lines than one request reads`);
      }
      return {
        id: f.id.split("/").pop()!,
        name: f.name,
        createdAt: f.createdAt,
        lines: f.fulfillmentLineItems.nodes.map((n) => ({ lineId: n.lineItem.id.split("/").pop()!, quantity: n.quantity ?? 0 })).filter((l) => l.quantity > 0),
      };
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The units of `line` shipped by the fulfilments before `index`, and by the one at `index`. */
function unitsOf(fulfillments: FulfillmentInfo[], index: number, lineId: string) {
  const count = (f: FulfillmentInfo) => f.lines.filter((l) => l.lineId === lineId).reduce((n, l) => n + l.quantity, 0);
  return { before: fulfillments.slice(0, index).reduce((n, f) => n + count(f), 0), now: count(fulfillments[index]) };
}

/** The "order" that the fulfilment at `index` is invoiced as. */
export function orderForFulfillment(order: NormalizedOrder, fulfillments: FulfillmentInfo[], index: number): NormalizedOrder {
  const share = (amount: bigint, units: number, of: number) => divideRounded(amount * BigInt(units), BigInt(of));
  const lines: OrderLine[] = [];
  for (const line of order.lines) {
    const { before, now } = unitsOf(fulfillments, index, line.id);
    if (now === 0) continue;
    const part = (amount: bigint) => share(amount, before + now, line.quantity) - share(amount, before, line.quantity);
    lines.push({
      ...line,
      quantity: now,
      amount: line.unitPrice * BigInt(now),
      discount: part(line.discount),
      taxes: line.taxes.map((t) => ({ ...t, amount: part(t.amount) })),
    });
  }
  const first = index === 0;
  const shipping = first ? order.shipping : [];
  const tax = (items: Array<{ taxes: Array<{ amount: bigint }> }>) => items.reduce((sum, i) => sum + i.taxes.reduce((s, t) => s + t.amount, 0n), 0n);
  const totalTax = tax(lines) + tax(shipping);
  const goods = lines.reduce((sum, l) => sum + (l.amount ?? 0n) - l.discount, 0n);
  const freight = shipping.reduce((sum, s) => sum + s.price - s.discount, 0n);
  const tip = first ? order.tip : 0n;
  const duties = first ? order.duties : 0n;
  return {
    ...order,
    name: `${order.name}-F${index + 1}`,
    lines,
    shipping,
    tip,
    duties,
    adjustments: [],
    giftCardPaid: null,
    total: goods + freight + (order.taxesIncluded ? 0n : totalTax) + tip + duties,
    totalTax,
  };
}
