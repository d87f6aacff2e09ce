// What every target of the customer-account extension draws from the backend's answers: a document's label, its
// amount and dates in the buyer's language, its status, and its download link.
import type { AccountDocument } from "./backend";

type I18n = {
  translate: (key: string, options?: Record<string, string | number>) => string;
  formatCurrency: (value: number, options?: Intl.NumberFormatOptions) => string;
  formatDate: (date: Date, options?: Intl.DateTimeFormatOptions) => string;
};

/** The amount in the buyer's format; the backend's exact decimal stays what is shown when there is no currency. */
export function amountOf(i18n: I18n, d: AccountDocument): string {
  if (d.amount === null) return "—";
  return d.currency ? i18n.formatCurrency(Number(d.amount), { currency: d.currency }) : d.amount;
}

export function dateOf(i18n: I18n, isoDay: string | null): string {
  return isoDay ? i18n.formatDate(new Date(`${isoDay}T12:00:00Z`), { dateStyle: "medium", timeZone: "UTC" }) : "—";
}

export function statusOf(i18n: I18n, d: AccountDocument): string {
  return d.status ? i18n.translate(`status.${d.status}`) : i18n.translate("creditNote");
}

export function DownloadLink({ i18n, document }: { i18n: I18n; document: AccountDocument }) {
  const label = i18n.translate(document.kind === "creditNote" ? "downloadCreditNote" : "download", { number: document.number ?? "" });
  const link = (
    <s-link href={document.download} target="_blank">
      {label}
    </s-link>
  );
  if (!document.einvoice) return link;
  return (
    <s-stack direction="inline" gap="small-200">
      {link}
      <s-link href={document.einvoice} target="_blank">
        {i18n.translate("downloadEInvoice")}
      </s-link>
    </s-stack>
  );
}
