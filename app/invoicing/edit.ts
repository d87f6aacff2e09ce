// An order edit after invoicing, from Shopify's record of it (an OrderEditAgreement and its product sales):
// the units taken off become a credit note, the lines added a new invoice; the issued invoice is never
// changed. Each is planned as an "order" of exactly those sales, at the VAT rate the line was sold at.
import { z } from "zod";
import { addRatios, toMinor, type Ratio } from "../lib/money";
import type { CurrencyMode, NormalizedOrder, OrderLine } from "./order";

const moneyV2 = z.object({ amount: z.string(), currencyCode: z.string() });
const moneyBag = z.object({ shopMoney: moneyV2, presentmentMoney: moneyV2 });
const editsSchema = z.object({
  order: z
    .object({
      agreements: z.object({
        nodes: z.array(
          z.object({
            __typename: z.string(),
            id: z.string().optional(),
            happenedAt: z.string().optional(),
            sales: z
              .object({
                nodes: z.array(
                  z.object({
                    __typename: z.string(),
                    quantity: z.number().int().nullable(),
                    totalAmount: moneyBag,
                    totalTaxAmount: moneyBag,
                    lineItem: z.object({ id: z.string() }).optional(),
                  }),
                ),
                pageInfo: z.object({ hasNextPage: z.boolean() }),
              })
              .optional(),
          }),
        ),
      }),
    })
    .nullable(),
});

export type EditSale = { lineId: string; quantity: number; amount: bigint; tax: bigint };
export type OrderEdit = { id: string; happenedAt: string; removed: EditSale[]; added: EditSale[] };

export function editsFromAdminApi(raw: unknown, mode: CurrencyMode): OrderEdit[] {
  const parsed = editsSchema.parse(raw);
  const money = (bag: z.infer<typeof moneyBag>) => {
    const m = mode === "presentment" ? bag.presentmentMoney : bag.shopMoney;
    return toMinor(m.amount, m.currencyCode);
  };
  return (parsed.order?.agreements.nodes ?? [])
    .filter((a) => a.__typename === "OrderEditAgreement" && a.id && a.sales)
    .map((a) => {
      if (a.sales!.pageInfo.hasNextPage) throw new Error(`order edit ${a.id} has more changes than one request reads`);
      const sales = a.sales!.nodes
        .filter((sale) => sale.__typename === "ProductSale" && sale.lineItem && sale.quantity)
        .map((sale) => ({ lineId: sale.lineItem!.id.split("/").pop()!, quantity: sale.quantity!, amount: money(sale.totalAmount), tax: money(sale.totalTaxAmount) }));
      return {
        id: a.id!.split("/").pop()!,
        happenedAt: a.happenedAt ?? "",
        removed: sales.filter((sale) => sale.quantity < 0).map((sale) => ({ ...sale, quantity: -sale.quantity, amount: -sale.amount, tax: -sale.tax })),
        added: sales.filter((sale) => sale.quantity > 0),
      };
    })
    .sort((a, b) => a.happenedAt.localeCompare(b.happenedAt));
}

/** The "order" a set of sales is documented as: those units, at the line's VAT rate, totalling the sales. */
export function orderForSales(order: NormalizedOrder, sales: EditSale[], suffix: string): NormalizedOrder {
  const byId = new Map(order.lines.map((line) => [line.id, line]));
  const lines: OrderLine[] = sales.map((sale) => {
    const sold = byId.get(sale.lineId);
    if (!sold) throw new Error(`the edit changes line ${sale.lineId}, which the order does not have`);
    // A sale's amount includes its tax; in the order's own price terms the line is that, less the tax where prices exclude it.
    const amount = order.taxesIncluded ? sale.amount : sale.amount - sale.tax;
    return { ...sold, quantity: sale.quantity, amount, discount: 0n, taxes: sold.taxes.length ? [{ title: sold.taxes[0].title, rate: sold.taxes.reduce<Ratio>((sum, t) => addRatios(sum, t.rate), { num: 0n, den: 1n }), amount: sale.tax }] : [] };
  });
  return {
    ...order,
    name: `${order.name}-${suffix}`,
    lines,
    shipping: [],
    tip: 0n,
    duties: 0n,
    adjustments: [],
    giftCardPaid: null,
    total: sales.reduce((sum, sale) => sum + sale.amount, 0n),
    totalTax: sales.reduce((sum, sale) => sum + sale.tax, 0n),
  };
}

/**
 * The order as it stands after its edits, for a document that is replaced rather than corrected (Walley's
 * preliminary invoice): the units taken off are subtracted from their lines at the amounts of Shopify's record
 * (the lines added are order lines already). A line keeps what is left of its amount and tax, discount included.
 */
export function orderAsEdited(order: NormalizedOrder, edits: OrderEdit[]): NormalizedOrder {
  const removed = new Map<string, EditSale>();
  for (const sale of edits.flatMap((edit) => edit.removed)) {
    const sum = removed.get(sale.lineId) ?? { lineId: sale.lineId, quantity: 0, amount: 0n, tax: 0n };
    removed.set(sale.lineId, { ...sum, quantity: sum.quantity + sale.quantity, amount: sum.amount + sale.amount, tax: sum.tax + sale.tax });
  }
  const lines = order.lines.flatMap((line): OrderLine[] => {
    const taken = removed.get(line.id);
    if (!taken) return [line];
    const quantity = line.quantity - taken.quantity;
    if (quantity <= 0) return [];
    const tax = line.taxes.reduce((sum, t) => sum + t.amount, 0n) - taken.tax;
    const before = (line.amount ?? line.unitPrice * BigInt(line.quantity)) - line.discount;
    // The sale's amount includes its tax; in the order's own price terms, less the tax where prices exclude it.
    const amount = before - (order.taxesIncluded ? taken.amount : taken.amount - taken.tax);
    const rate = line.taxes.reduce<Ratio>((sum, t) => addRatios(sum, t.rate), { num: 0n, den: 1n });
    return [{ ...line, quantity, amount, discount: 0n, taxes: line.taxes.length ? [{ title: line.taxes[0].title, rate, amount: tax }] : [] }];
  });
  return { ...order, lines };
}
