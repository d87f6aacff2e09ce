// The e-conomic lists the merchant picks settings from: customer groups, payment terms, layouts, VAT
// zones and product groups. Shapes from e-conomic's published schemas (../shared/contracts/economic,
// `<list>.get.schema.json`); every list is a `{collection, pagination}` read in pages with `skippages` and
// `pagesize` (REST docs, "Pagination": at most 1000 a page).
// Vendor quirks:
// - `paymentTermsType` is marked required in the schema, yet a real answer captured in elasticio/e-conomic
//   (spec/data/all_payment_terms_in.json.js) leaves it out, and leaves `daysOfCredit` out for cash terms.
// - Deleted layouts "will not appear in the collection" (layouts.get schema), yet the flag exists: we skip
//   them anyway, so that a layout that cannot be used is never offered.
// - A product group does not tell its VAT rate: that takes its sales accounts, their VAT accounts and the
//   VAT types (three more lists), so the merchant matches rates to groups by name.
import { z } from "zod";
import { RetryableError } from "../../lib/errors";
import type { Choice, SettingsChoices } from "../settings-choices.server";
import { economicError, economicHttp, type EconomicCredentials } from "./economic-client";

/** e-conomic's largest page (REST docs, "Pagination"). */
export const ECONOMIC_MAX_PAGE_SIZE = 1000;
/** A stop for an answer that keeps offering a next page: 100 pages of 1000 is more than any agreement has. */
const MAX_PAGES = 100;

const customerGroupRow = z.object({ customerGroupNumber: z.number().int(), name: z.string().nullish() });
const paymentTermsRow = z.object({
  paymentTermsNumber: z.number().int(),
  name: z.string().nullish(),
  daysOfCredit: z.number().int().nullish(),
  paymentTermsType: z.string().nullish(),
});
const layoutRow = z.object({ layoutNumber: z.number().int(), name: z.string().nullish(), deleted: z.boolean().nullish() });
const vatZoneRow = z.object({ vatZoneNumber: z.number().int(), name: z.string().nullish(), enabledForCustomer: z.boolean().nullish() });
const productGroupRow = z.object({ productGroupNumber: z.number().int(), name: z.string().nullish() });

export type EconomicLists = {
  customerGroups: z.infer<typeof customerGroupRow>[];
  paymentTerms: z.infer<typeof paymentTermsRow>[];
  layouts: z.infer<typeof layoutRow>[];
  vatZones: z.infer<typeof vatZoneRow>[];
  productGroups: z.infer<typeof productGroupRow>[];
};

const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({
    collection: z.array(item),
    pagination: z.object({ results: z.number().int().nullish(), nextPage: z.string().nullish() }).nullish(),
  });

export async function economicChoices(input: { baseUrl: string; credentials: EconomicCredentials; pageSize?: number }): Promise<SettingsChoices> {
  const http = economicHttp({ baseUrl: input.baseUrl, credentials: input.credentials });
  const pageSize = Math.min(input.pageSize ?? ECONOMIC_MAX_PAGE_SIZE, ECONOMIC_MAX_PAGE_SIZE);

  async function readAll<T extends z.ZodTypeAny>(path: string, what: string, item: T): Promise<z.infer<T>[]> {
    const doing = `reading the ${what}`;
    const schema = pageOf(item);
    const rows: z.infer<T>[] = [];
    for (let skippages = 0; skippages < MAX_PAGES; skippages++) {
      let data: unknown;
      try {
        data = (await http.get(path, { params: { skippages, pagesize: pageSize } })).data;
      } catch (error) {
        throw economicError(error, doing);
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        throw new RetryableError("economic_garbled", `e-conomic gave an answer the app could not read while ${doing}; it will be retried.`, {
          detail: `${path}: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`.trim(),
        });
      }
      rows.push(...parsed.data.collection);
      const total = parsed.data.pagination?.results;
      const more = parsed.data.pagination?.nextPage ? true : total !== null && total !== undefined && rows.length < total;
      if (!more || parsed.data.collection.length === 0) return rows;
    }
    throw new RetryableError("economic_garbled", `e-conomic kept offering more pages while ${doing}; it will be retried.`, {
      detail: `${path}: more than ${MAX_PAGES} pages of ${pageSize}`,
    });
  }

  const [customerGroups, paymentTerms, layouts, vatZones, productGroups] = await Promise.all([
    readAll("/customer-groups", "customer groups", customerGroupRow),
    readAll("/payment-terms", "payment terms", paymentTermsRow),
    readAll("/layouts", "layouts", layoutRow),
    readAll("/vat-zones", "VAT zones", vatZoneRow),
    readAll("/product-groups", "product groups", productGroupRow),
  ]);
  return economicChoicesFrom({ customerGroups, paymentTerms, layouts, vatZones, productGroups });
}

/** The lists as choices, by number: layouts without the deleted, VAT zones without those customers cannot have. */
export function economicChoicesFrom(lists: EconomicLists): SettingsChoices {
  const numbered = (number: number, name: string | null | undefined, fallback: string): Choice => ({
    value: String(number),
    label: `${number} – ${name?.trim() || `${fallback} ${number}`}`,
  });
  const byNumber = (choices: Choice[]) => choices.sort((a, b) => Number(a.value) - Number(b.value));
  return {
    customerGroups: byNumber(lists.customerGroups.map((g) => numbered(g.customerGroupNumber, g.name, "Customer group"))),
    paymentTerms: byNumber(
      lists.paymentTerms.map((t) => {
        const choice = numbered(t.paymentTermsNumber, t.name, "Payment terms");
        const terms = describeTerms(t.paymentTermsType, t.daysOfCredit);
        return terms ? { ...choice, label: `${choice.label} (${terms})` } : choice;
      }),
    ),
    layouts: byNumber(lists.layouts.filter((l) => l.deleted !== true).map((l) => numbered(l.layoutNumber, l.name, "Layout"))),
    vatZones: byNumber(lists.vatZones.filter((zone) => zone.enabledForCustomer !== false).map((zone) => numbered(zone.vatZoneNumber, zone.name, "VAT zone"))),
    productGroups: byNumber(lists.productGroups.map((g) => numbered(g.productGroupNumber, g.name, "Product group"))),
  };
}

/** "net 14 days", "current month + 30 days", … from the terms' type (payment-terms.get schema) and days of credit. */
export function describeTerms(type: string | null | undefined, daysOfCredit: number | null | undefined): string | null {
  const days = daysOfCredit === null || daysOfCredit === undefined ? null : `${daysOfCredit} day${daysOfCredit === 1 ? "" : "s"}`;
  const plus = (base: string) => (days ? `${base} + ${days}` : base);
  switch (type) {
    case "net":
      return days ? `net ${days}` : "net";
    case "invoiceMonth":
      return plus("current month");
    case "invoiceWeekStartingMonday":
      return plus("current week from Monday");
    case "invoiceWeekStartingSunday":
      return plus("current week from Sunday");
    case "dueDate":
      return "due date set on the invoice";
    case "paidInCash":
      return "paid in cash";
    case "prepaid":
      return "prepaid";
    case "creditcard":
      return "credit card";
    case "factoring":
      return days ? `factoring, ${days}` : "factoring";
    default:
      return days ? `${days} of credit` : null;
  }
}
