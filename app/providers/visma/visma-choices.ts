// The Visma eAccounting lists the merchant picks settings from: terms of payment (for new customers),
// article account codings (one per VAT rate: an article's VAT comes from its coding) and units. Shapes
// from Visma's Swagger (../shared/contracts/visma, TermsOfPaymentApi, ArticleAccountCodingAPI, UnitApi);
// lists come as {Meta:{CurrentPage, TotalNumberOfPages, …}, Data:[…]}, paged with $page (from 1) and
// $pagesize.
// Vendor quirks:
// - `VatRate` on a coding is the VAT rate's id (a string, "Source: Get from /v2/articleaccountcodings"), not
//   a number; the rate is `VatRatePercent`, which the Swagger types a double without saying whether 25% is
//   0.25 or 25. Every other percentage in the API is a fraction (DiscountPercentage is 0–1), so a value
//   below 1 is read as a fraction and one of 1 or more as a percentage: no VAT rate is 100%, nor under 1%.
// - The Swagger publishes no default or largest page size; 100 a page keeps each answer small.
import { z } from "zod";
import { PermanentError } from "../../lib/errors";
import { parseRatio, ratioToString } from "../../lib/money";
import type { ProviderRuntime } from "../provider";
import type { Choice, SettingsChoices } from "../settings-choices.server";
import { vismaHttp, type VismaHttp } from "./visma-client";
import { tokenSource, type VismaCredentials } from "./visma-oauth";

export const VISMA_CHOICES_PAGE_SIZE = 100;
/** A stop for an answer that keeps offering a next page. */
const MAX_PAGES = 100;

const termsRow = z.object({
  Id: z.string().min(1),
  Name: z.string().nullish(),
  NameEnglish: z.string().nullish(),
  NumberOfDays: z.number().int().nullish(),
  AvailableForSales: z.boolean().nullish(),
});
const codingRow = z.object({
  Id: z.string().min(1),
  Name: z.string().nullish(),
  NameEnglish: z.string().nullish(),
  VatRatePercent: z.number().min(0).nullish(),
  IsActive: z.boolean().nullish(),
});
const unitRow = z.object({ Id: z.string().min(1), Name: z.string().nullish(), Code: z.string().nullish(), Abbreviation: z.string().nullish() });

export type VismaLists = {
  termsOfPayment: z.infer<typeof termsRow>[];
  articleCodings: z.infer<typeof codingRow>[];
  units: z.infer<typeof unitRow>[];
};

const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ Meta: z.object({ TotalNumberOfPages: z.number().int().min(0) }), Data: z.array(item) });

export async function vismaChoices(input: {
  credentials: VismaCredentials;
  baseUrl: string;
  identityUrl: string;
  runtime?: ProviderRuntime;
  pageSize?: number;
}): Promise<SettingsChoices> {
  const runtime = input.runtime;
  if (!runtime?.oauthClient) {
    throw new PermanentError("visma_not_configured", "This installation of the app has no Visma eAccounting client (VISMA_CLIENT_ID and VISMA_CLIENT_SECRET); contact the app's support.");
  }
  const tokens = tokenSource({ identityUrl: input.identityUrl, client: runtime.oauthClient, initial: input.credentials, store: runtime.credentialStore });
  const http = vismaHttp({ baseUrl: input.baseUrl, tokens, pace: runtime.pace });
  const pageSize = input.pageSize ?? VISMA_CHOICES_PAGE_SIZE;
  // One list after the other: the first one settles the access token (a refresh spends the refresh token).
  const termsOfPayment = await readAll(http, { url: "/v2/termsofpayments", what: "terms of payment", item: termsRow, pageSize });
  const articleCodings = await readAll(http, { url: "/v2/articleaccountcodings", what: "article account codings", item: codingRow, pageSize });
  const units = await readAll(http, { url: "/v2/units", what: "units", item: unitRow, pageSize });
  return vismaChoicesFrom({ termsOfPayment, articleCodings, units });
}

async function readAll<T extends z.ZodTypeAny>(http: VismaHttp, list: { url: string; what: string; item: T; pageSize: number }): Promise<z.infer<T>[]> {
  const rows: z.infer<T>[] = [];
  const schema = pageOf(list.item);
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await http.call(`reading the ${list.what}`, { method: "GET", url: list.url, params: { $page: page, $pagesize: list.pageSize } }, schema);
    rows.push(...answer.Data);
    if (page >= answer.Meta.TotalNumberOfPages || answer.Data.length === 0) return rows;
  }
  return rows;
}

/** A coding's VAT rate as a ratio string ("0.25"); see the quirk above on fractions and percentages. */
export function vismaVatRate(vatRatePercent: number): string {
  const ratio = parseRatio(vatRatePercent);
  return ratioToString(vatRatePercent >= 1 ? { num: ratio.num, den: ratio.den * 100n } : ratio);
}

const percentOf = (rate: string) => `${Number((Number(rate) * 100).toFixed(4))}%`;
const byLabel = (a: Choice, b: Choice) => a.label.localeCompare(b.label);

/** The lists as choices: terms for sales only, by days; active codings, highest VAT first; units by name. */
export function vismaChoicesFrom(lists: VismaLists): SettingsChoices {
  const name = (row: { Id: string; Name?: string | null; NameEnglish?: string | null }) => row.Name?.trim() || row.NameEnglish?.trim() || row.Id;
  const terms = lists.termsOfPayment
    .filter((t) => t.AvailableForSales !== false)
    .map((t) => ({ days: t.NumberOfDays ?? null, choice: { value: t.Id, label: t.NumberOfDays === null || t.NumberOfDays === undefined ? name(t) : `${name(t)} (${t.NumberOfDays} days)` } }))
    .sort((a, b) => (a.days ?? Infinity) - (b.days ?? Infinity) || byLabel(a.choice, b.choice))
    .map((t) => t.choice);
  const codings = lists.articleCodings
    .filter((c) => c.IsActive !== false)
    .map((c): Choice => {
      if (c.VatRatePercent === null || c.VatRatePercent === undefined) return { value: c.Id, label: name(c) };
      const rate = vismaVatRate(c.VatRatePercent);
      return { value: c.Id, label: `${name(c)} (${percentOf(rate)})`, rate };
    })
    .sort((a, b) => Number(b.rate ?? -1) - Number(a.rate ?? -1) || byLabel(a, b));
  const units = lists.units
    .map((u): Choice => {
      const code = u.Code?.trim() || u.Abbreviation?.trim();
      return { value: u.Id, label: code && code !== name(u) ? `${name(u)} (${code})` : name(u) };
    })
    .sort(byLabel);
  return { termsOfPayment: terms, articleCodings: codings, units };
}
