// The InvoicExpress lists the merchant picks settings from: the account's taxes (a document's line names
// its tax; an unknown name silently falls back to the default tax, so the name must be picked, not typed),
// and the exemption reasons Portuguese accounts must give for 0% lines.
// Facts: GET /taxes.json answers {"taxes":[{id, name, value, region, default_tax}]}, `value` being the
// percentage (InvoiceXpress API v2, taxes list). The exemption codes are the Autoridade Tributária's table
// ("Códigos de motivo de isenção", info.portaldasfinancas.gov.pt …/Tabela_Codigos_Motivo_Isencao.pdf): the
// current one, with M26 (Lei n.º 17/2023) and without the withdrawn M03 and M08, as invopop/gobl
// (regimes/pt) and the InvoiceXpress client square-bit/invoicexpress_for_laravel (TaxExemptionCodeEnum) list
// it; the Portuguese words are the mention AT asks to print on the document. We found no list published by
// InvoicExpress itself; its documents carry AT's codes (the `tax_exemption` field), so AT's table is used.
import { z } from "zod";
import { RetryableError } from "../../lib/errors";
import { parseRatio, ratioToString } from "../../lib/money";
import type { Choice, SettingsChoices } from "../settings-choices.server";
import { invoicExpressError, invoicExpressHttp, type InvoicExpressCredentials } from "./invoicexpress-client";

/** A number, or a number written as text ("23.0"), as InvoicExpress answers amounts. */
const decimal = z.union([z.number().min(0), z.string().trim().regex(/^\d+(\.\d+)?$/)]).transform((v) => (typeof v === "number" ? v : Number(v)));

const taxRow = z.object({ name: z.string().trim().min(1), value: decimal, region: z.string().nullish() });
const taxesAnswer = z.object({ taxes: z.array(taxRow) });
export type InvoicExpressTax = z.infer<typeof taxRow>;

/** Code, the mention in Portuguese, and what it means in English. */
export const EXEMPTION_REASONS: ReadonlyArray<readonly [code: string, portuguese: string, english: string]> = [
  ["M01", "Artigo 16.º, n.º 6 do CIVA", "Article 16(6) of the VAT Code"],
  ["M02", "Artigo 6.º do Decreto-Lei n.º 198/90, de 19 de junho", "Article 6 of Decree-Law 198/90"],
  ["M04", "Isento artigo 13.º do CIVA", "exempt, Article 13 of the VAT Code: imports"],
  ["M05", "Isento artigo 14.º do CIVA", "exempt, Article 14 of the VAT Code: exports"],
  ["M06", "Isento artigo 15.º do CIVA", "exempt, Article 15 of the VAT Code"],
  ["M07", "Isento artigo 9.º do CIVA", "exempt, Article 9 of the VAT Code"],
  ["M09", "IVA – não confere direito a dedução", "VAT, no right to deduct"],
  ["M10", "IVA – regime de isenção", "VAT exemption scheme for small businesses"],
  ["M11", "Regime particular do tabaco", "special tobacco scheme"],
  ["M12", "Regime da margem de lucro – Agências de viagens", "margin scheme, travel agencies"],
  ["M13", "Regime da margem de lucro – Bens em segunda mão", "margin scheme, second-hand goods"],
  ["M14", "Regime da margem de lucro – Objetos de arte", "margin scheme, works of art"],
  ["M15", "Regime da margem de lucro – Objetos de coleção e antiguidades", "margin scheme, collectors' items and antiques"],
  ["M16", "Isento artigo 14.º do RITI", "exempt, Article 14 of RITI: intra-EU supply of goods"],
  ["M19", "Outras isenções", "other exemptions"],
  ["M20", "IVA – regime forfetário", "VAT flat-rate scheme"],
  ["M21", "IVA – não confere direito à dedução (ou expressão similar)", "VAT, no right to deduct, or similar wording"],
  ["M25", "Mercadorias à consignação", "goods on consignment"],
  ["M26", "Isenção de IVA com direito à dedução no cabaz alimentar", "VAT exemption with deduction, food basket"],
  ["M30", "IVA – autoliquidação (artigo 2.º, n.º 1, alínea i) do CIVA)", "reverse charge, Article 2(1)(i) of the VAT Code"],
  ["M31", "IVA – autoliquidação (artigo 2.º, n.º 1, alínea j) do CIVA)", "reverse charge, Article 2(1)(j) of the VAT Code"],
  ["M32", "IVA – autoliquidação (artigo 2.º, n.º 1, alínea l) do CIVA)", "reverse charge, Article 2(1)(l) of the VAT Code"],
  ["M33", "IVA – autoliquidação (artigo 2.º, n.º 1, alínea m) do CIVA)", "reverse charge, Article 2(1)(m) of the VAT Code"],
  ["M34", "IVA – autoliquidação (artigo 2.º, n.º 1, alínea n) do CIVA)", "reverse charge, Article 2(1)(n) of the VAT Code"],
  ["M40", "IVA – autoliquidação (artigo 6.º, n.º 6, alínea a) do CIVA, a contrário)", "reverse charge, Article 6(6)(a) of the VAT Code: services to EU businesses"],
  ["M41", "IVA – autoliquidação (artigo 8.º, n.º 3 do RITI)", "reverse charge, Article 8(3) of RITI"],
  ["M42", "IVA – autoliquidação (Decreto-Lei n.º 21/2007, de 29 de janeiro)", "reverse charge, Decree-Law 21/2007: real estate"],
  ["M43", "IVA – autoliquidação (Decreto-Lei n.º 362/99, de 16 de setembro)", "reverse charge, Decree-Law 362/99: investment gold"],
  ["M99", "Não sujeito ou não tributado", "not subject to VAT or not taxed"],
];

export async function invoicExpressChoices(input: { baseUrl: string; credentials: InvoicExpressCredentials }): Promise<SettingsChoices> {
  const http = invoicExpressHttp({ baseUrl: input.baseUrl, credentials: input.credentials });
  const doing = "reading the taxes";
  let data: unknown;
  try {
    data = (await http.get("/taxes.json")).data;
  } catch (error) {
    throw invoicExpressError(error, doing);
  }
  const parsed = taxesAnswer.safeParse(data);
  if (!parsed.success) {
    throw new RetryableError("invoicexpress_garbled", `InvoicExpress gave an answer the app could not read while ${doing}; it will be retried.`, {
      detail: `/taxes.json: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`.trim(),
    });
  }
  return invoicExpressChoicesFrom(parsed.data.taxes);
}

/** Taxes by name ("IVA23 (23%)"), highest rate first; the exemption reasons by code. */
export function invoicExpressChoicesFrom(taxes: InvoicExpressTax[]): SettingsChoices {
  const taxChoices = taxes
    .filter((t, i) => taxes.findIndex((other) => other.name === t.name) === i)
    .map((t): Choice => {
      const percent = Number(t.value.toFixed(4));
      const region = t.region && t.region !== "PT" ? `, ${t.region}` : "";
      return { value: t.name, label: `${t.name} (${percent}%${region})`, rate: ratioToString(percentToRatio(t.value)) };
    })
    .sort((a, b) => Number(b.rate) - Number(a.rate) || a.label.localeCompare(b.label));
  return {
    taxes: taxChoices,
    exemptionReasons: EXEMPTION_REASONS.map(([code, portuguese, english]) => ({ value: code, label: `${code} – ${portuguese} / ${english}` })),
  };
}

function percentToRatio(percent: number) {
  const ratio = parseRatio(percent);
  return { num: ratio.num, den: ratio.den * 100n };
}
