// The words, dates and amounts of the shop's own invoice, in the buyer's language. The language comes
// from the order's locale ("da-DK" → da), with the shop's default for any language not listed here.
//
// Amounts are written from integer minor units by string arithmetic (app/lib/money.ts), never through a
// float, and with separators from the table below rather than from ICU's number data, which changes
// between releases (the stored PDF hash should not). Dates and country names do come from ICU
// (Intl.DateTimeFormat, Intl.DisplayNames) in each language's usual regional form: numeric dates and
// country names are what ICU changes least.
import { formatMinor } from "../../lib/money";

export const LANGUAGES = ["en", "da", "sv", "pt", "de"] as const;
export type Language = (typeof LANGUAGES)[number];

export type Labels = {
  invoice: string;
  creditNote: string;
  number: string;
  invoiceDate: string;
  creditNoteDate: string;
  dueDate: string;
  paymentTerms: string;
  paymentWithin: (days: number) => string;
  billTo: string;
  vatId: string;
  email: string;
  phone: string;
  description: string;
  quantity: string;
  unitPrice: string;
  vatRate: string;
  amount: string;
  pricesExclVat: string;
  vatBreakdown: string;
  rate: string;
  net: string;
  vat: string;
  totalNet: string;
  totalVat: string;
  total: string;
  currency: string;
  amountsIn: (currency: string) => string;
  /** For a credit note: the invoice it corrects, with that invoice's date where known. */
  credits: (number: string, date: string | null) => string;
  paymentDetails: string;
  bank: string;
  iban: string;
  bic: string;
  accountNumber: string;
  reverseCharge: string;
  page: (page: number, pages: number) => string;
  /** The lines the app adds to an order's goods (the plan names them in English). */
  shipping: string;
  shippingDiscount: string;
  discountOn: (title: string) => string;
  tip: string;
  duties: string;
  rounding: string;
};

const days = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const LABELS: Record<Language, Labels> = {
  en: {
    invoice: "Invoice",
    creditNote: "Credit note",
    number: "Number",
    invoiceDate: "Invoice date",
    creditNoteDate: "Date",
    dueDate: "Due date",
    paymentTerms: "Payment terms",
    paymentWithin: (n) => (n === 0 ? "Payment due on receipt" : `Payment within ${days(n, "day", "days")}`),
    billTo: "Bill to",
    vatId: "VAT no.",
    email: "E-mail",
    phone: "Phone",
    description: "Description",
    quantity: "Qty",
    unitPrice: "Unit price",
    vatRate: "VAT",
    amount: "Amount",
    pricesExclVat: "Prices excl. VAT",
    vatBreakdown: "VAT breakdown",
    rate: "Rate",
    net: "Net",
    vat: "VAT",
    totalNet: "Total excl. VAT",
    totalVat: "Total VAT",
    total: "Total",
    currency: "Currency",
    amountsIn: (c) => `Amounts in ${c}`,
    credits: (n, d) => `Credits invoice ${n}${d ? ` of ${d}` : ""}`,
    paymentDetails: "Payment details",
    bank: "Bank",
    iban: "IBAN",
    bic: "BIC",
    accountNumber: "Account no.",
    reverseCharge: "Reverse charge: VAT is due from the recipient (Article 196, Directive 2006/112/EC)",
    page: (p, n) => `Page ${p} of ${n}`,
    shipping: "Shipping",
    shippingDiscount: "Shipping discount",
    discountOn: (title) => `Discount on ${title}`,
    tip: "Tip",
    duties: "Duties",
    rounding: "Rounding",
  },
  da: {
    invoice: "Faktura",
    creditNote: "Kreditnota",
    number: "Nummer",
    invoiceDate: "Fakturadato",
    creditNoteDate: "Dato",
    dueDate: "Forfaldsdato",
    paymentTerms: "Betalingsbetingelser",
    paymentWithin: (n) => (n === 0 ? "Betales ved modtagelse" : `Betaling inden ${days(n, "dag", "dage")}`),
    billTo: "Faktureres til",
    vatId: "Momsnr.",
    email: "E-mail",
    phone: "Telefon",
    description: "Beskrivelse",
    quantity: "Antal",
    unitPrice: "Enhedspris",
    vatRate: "Moms",
    amount: "Beløb",
    pricesExclVat: "Priser ekskl. moms",
    vatBreakdown: "Momsspecifikation",
    rate: "Sats",
    net: "Netto",
    vat: "Moms",
    totalNet: "I alt ekskl. moms",
    totalVat: "Moms i alt",
    total: "I alt",
    currency: "Valuta",
    amountsIn: (c) => `Beløb i ${c}`,
    credits: (n, d) => `Krediterer faktura ${n}${d ? ` af ${d}` : ""}`,
    paymentDetails: "Betalingsoplysninger",
    bank: "Bank",
    iban: "IBAN",
    bic: "BIC",
    accountNumber: "Kontonr.",
    reverseCharge: "Omvendt betalingspligt: køber afregner momsen (artikel 196, direktiv 2006/112/EF)",
    page: (p, n) => `Side ${p} af ${n}`,
    shipping: "Fragt",
    shippingDiscount: "Rabat på fragt",
    discountOn: (title) => `Rabat på ${title}`,
    tip: "Drikkepenge",
    duties: "Told",
    rounding: "Afrunding",
  },
  sv: {
    invoice: "Faktura",
    creditNote: "Kreditfaktura",
    number: "Nummer",
    invoiceDate: "Fakturadatum",
    creditNoteDate: "Datum",
    dueDate: "Förfallodatum",
    paymentTerms: "Betalningsvillkor",
    paymentWithin: (n) => (n === 0 ? "Betalas vid mottagandet" : `Betalning inom ${days(n, "dag", "dagar")}`),
    billTo: "Fakturamottagare",
    vatId: "Momsreg.nr",
    email: "E-post",
    phone: "Telefon",
    description: "Beskrivning",
    quantity: "Antal",
    unitPrice: "À-pris",
    vatRate: "Moms",
    amount: "Belopp",
    pricesExclVat: "Priser exkl. moms",
    vatBreakdown: "Momsspecifikation",
    rate: "Sats",
    net: "Netto",
    vat: "Moms",
    totalNet: "Summa exkl. moms",
    totalVat: "Summa moms",
    total: "Att betala",
    currency: "Valuta",
    amountsIn: (c) => `Belopp i ${c}`,
    credits: (n, d) => `Krediterar faktura ${n}${d ? ` av ${d}` : ""}`,
    paymentDetails: "Betalningsinformation",
    bank: "Bank",
    iban: "IBAN",
    bic: "BIC",
    accountNumber: "Kontonr",
    reverseCharge: "Omvänd betalningsskyldighet: köparen redovisar momsen (artikel 196, direktiv 2006/112/EG)",
    page: (p, n) => `Sida ${p} av ${n}`,
    shipping: "Frakt",
    shippingDiscount: "Fraktrabatt",
    discountOn: (title) => `Rabatt på ${title}`,
    tip: "Dricks",
    duties: "Tull",
    rounding: "Avrundning",
  },
  pt: {
    invoice: "Fatura",
    creditNote: "Nota de crédito",
    number: "Número",
    invoiceDate: "Data da fatura",
    creditNoteDate: "Data",
    dueDate: "Data de vencimento",
    paymentTerms: "Condições de pagamento",
    paymentWithin: (n) => (n === 0 ? "Pagamento a pronto" : `Pagamento a ${days(n, "dia", "dias")}`),
    billTo: "Cliente",
    vatId: "NIF",
    email: "E-mail",
    phone: "Telefone",
    description: "Descrição",
    quantity: "Qtd.",
    unitPrice: "Preço unit.",
    vatRate: "IVA",
    amount: "Valor",
    pricesExclVat: "Preços sem IVA",
    vatBreakdown: "Resumo do IVA",
    rate: "Taxa",
    net: "Incidência",
    vat: "IVA",
    totalNet: "Total sem IVA",
    totalVat: "Total IVA",
    total: "Total",
    currency: "Moeda",
    amountsIn: (c) => `Valores em ${c}`,
    credits: (n, d) => `Retifica a fatura ${n}${d ? ` de ${d}` : ""}`,
    paymentDetails: "Dados de pagamento",
    bank: "Banco",
    iban: "IBAN",
    bic: "BIC/SWIFT",
    accountNumber: "N.º de conta",
    reverseCharge: "Autoliquidação: IVA devido pelo adquirente (artigo 196.º, Diretiva 2006/112/CE)",
    page: (p, n) => `Página ${p} de ${n}`,
    shipping: "Portes",
    shippingDiscount: "Desconto nos portes",
    discountOn: (title) => `Desconto em ${title}`,
    tip: "Gorjeta",
    duties: "Direitos aduaneiros",
    rounding: "Arredondamento",
  },
  de: {
    invoice: "Rechnung",
    // "Gutschrift" is self-billing in German VAT law (§ 14 Abs. 2 UStG); a seller's correction is this.
    creditNote: "Rechnungskorrektur",
    number: "Nummer",
    invoiceDate: "Rechnungsdatum",
    creditNoteDate: "Datum",
    dueDate: "Fällig am",
    paymentTerms: "Zahlungsbedingungen",
    paymentWithin: (n) => (n === 0 ? "Zahlbar sofort nach Erhalt" : `Zahlbar innerhalb von ${days(n, "Tag", "Tagen")}`),
    billTo: "Rechnungsempfänger",
    vatId: "USt-IdNr.",
    email: "E-Mail",
    phone: "Telefon",
    description: "Beschreibung",
    quantity: "Menge",
    unitPrice: "Einzelpreis",
    vatRate: "USt.",
    amount: "Betrag",
    pricesExclVat: "Preise ohne USt.",
    vatBreakdown: "USt.-Aufstellung",
    rate: "Satz",
    net: "Netto",
    vat: "USt.",
    totalNet: "Summe netto",
    totalVat: "USt. gesamt",
    total: "Gesamtbetrag",
    currency: "Währung",
    amountsIn: (c) => `Beträge in ${c}`,
    credits: (n, d) => `Korrektur der Rechnung ${n}${d ? ` vom ${d}` : ""}`,
    paymentDetails: "Zahlungsinformationen",
    bank: "Bank",
    iban: "IBAN",
    bic: "BIC",
    accountNumber: "Kontonr.",
    reverseCharge: "Steuerschuldnerschaft des Leistungsempfängers (Artikel 196, Richtlinie 2006/112/EG)",
    page: (p, n) => `Seite ${p} von ${n}`,
    shipping: "Versand",
    shippingDiscount: "Versandrabatt",
    discountOn: (title) => `Rabatt auf ${title}`,
    tip: "Trinkgeld",
    duties: "Zölle",
    rounding: "Rundung",
  },
};

/** The regional form each language's dates and country names take (en: the EU's day/month/year). */
const LOCALES: Record<Language, string> = { en: "en-GB", da: "da-DK", sv: "sv-SE", pt: "pt-PT", de: "de-DE" };

/** Digit grouping and decimal mark (sv and pt group with a space, as their national standards do). */
const SEPARATORS: Record<Language, { group: string; decimal: string }> = {
  en: { group: ",", decimal: "." },
  da: { group: ".", decimal: "," },
  sv: { group: " ", decimal: "," },
  pt: { group: " ", decimal: "," },
  de: { group: ".", decimal: "," },
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** The language for a locale ("da-DK", "pt_BR", "sv"), or the shop's default when we do not have it. */
export function pickLanguage(locale: string | null | undefined, fallback: Language): Language {
  const primary = (locale ?? "").trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : fallback;
}

export function labelsFor(language: Language): Labels {
  return LABELS[language];
}

/** "2026-11-21" → 21/11/2026 (en), 21.11.2026 (da, de), 2026-11-21 (sv), 21/11/2026 (pt). */
export function formatDate(isoDate: string, language: Language): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`not a date: ${isoDate}`);
  return new Intl.DateTimeFormat(LOCALES[language], { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

/** Groups the digits of a whole number in threes. */
function group(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * An amount from its minor units with the currency's exponent: 1234567n EUR → "12,345.67" (en),
 * "12.345,67" (da); 1980n JPY → "1,980"; 10125n KWD → "10.125" (en). Exact for any size.
 */
export function formatAmount(minor: bigint, currency: string, language: Language): string {
  const { group: groupSeparator, decimal } = SEPARATORS[language];
  const plain = formatMinor(minor, currency);
  const negative = plain.startsWith("-");
  const [whole, fraction] = (negative ? plain.slice(1) : plain).split(".");
  return `${negative ? "-" : ""}${group(whole, groupSeparator)}${fraction === undefined ? "" : `${decimal}${fraction}`}`;
}

/** A whole quantity, grouped as amounts are. */
export function formatQuantity(quantity: number, language: Language): string {
  if (!Number.isSafeInteger(quantity)) throw new Error(`not a whole quantity: ${quantity}`);
  const text = String(Math.abs(quantity));
  return `${quantity < 0 ? "-" : ""}${group(text, SEPARATORS[language].group)}`;
}

/** A VAT rate given as a decimal fraction ("0.25", "0.077") as a percentage: "25%", "7.7%" (en), "7,7%" (da). */
export function formatRate(rate: string, language: Language): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match) throw new Error(`not a VAT rate: ${rate}`);
  // Shift the decimal point two places by string, so that 0.077 is 7.7 and never 7.700000000000001.
  const fraction = (match[2] ?? "").padEnd(2, "0");
  const whole = String(BigInt(match[1] + fraction.slice(0, 2)));
  const rest = fraction.slice(2).replace(/0+$/, "");
  return `${whole}${rest ? `${SEPARATORS[language].decimal}${rest}` : ""}%`;
}

/** A country's name in the language ("DK" → "Denmark", "Danmark"); the code itself when ICU does not know it. */
export function countryName(countryCode: string, language: Language): string {
  try {
    return new Intl.DisplayNames([LOCALES[language]], { type: "region", fallback: "code" }).of(countryCode.toUpperCase()) ?? countryCode;
  } catch {
    return countryCode;
  }
}
