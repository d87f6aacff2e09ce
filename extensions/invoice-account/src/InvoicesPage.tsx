/// <reference types="@shopify/ui-extensions/customer-account.page.render" />
// The Invoices page: every invoice and credit note of the signed-in buyer, and for a B2B buyer those of the
// company locations they have a role in: number, order, date, due date, amount, what is
// still owed (where the accounting system says), status and download, 20 a page.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { accountApi, type InvoicesPage as Page } from "./backend";
import { DownloadLink, amountOf, dateOf, statusOf } from "./documents";

export default async () => {
  render(<InvoicesPage />, document.body);
};

/** What is still owed, shown where the accounting system says and the invoice is not settled. */
const owing = (d: Page["documents"][number]) => d.outstanding !== null && (d.status === "open" || d.status === "overdue");

const TONE: Record<string, "critical" | "neutral" | "auto"> = { overdue: "critical", open: "auto", paid: "neutral", credited: "neutral" };

function InvoicesPage() {
  const { i18n } = shopify;
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void accountApi(shopify.sessionToken, i18n.translate("error"))
      .invoicesPage(page)
      .then((answer) => {
        if (answer.ok) {
          setData(answer.data);
          setProblem(null);
        } else setProblem(answer.message);
      });
  }, [page]);
  const subheading = data?.company ? i18n.translate("companySubheading", { company: data.company.name, locations: data.company.locations.join(", ") }) : undefined;
  return (
    <s-page heading={i18n.translate("pageHeading")} subheading={subheading}>
      <s-stack gap="base">
        {problem && <s-banner tone="critical">{problem}</s-banner>}
        {data && data.documents.length === 0 && <s-text>{i18n.translate("empty")}</s-text>}
        {data?.documents.map((d) => (
          <s-section>
            <s-stack gap="small-200">
              <s-stack direction="inline" gap="base">
                <s-text type="strong">
                  {i18n.translate(d.kind === "creditNote" ? "creditNote" : "invoice")} {d.number ?? ""}
                </s-text>
                <s-badge tone={d.status ? TONE[d.status] : "neutral"}>{statusOf(i18n, d)}</s-badge>
              </s-stack>
              <s-text>
                {d.orderName ? `${i18n.translate("order")} ${d.orderName} · ` : ""}
                {i18n.translate("date")} {dateOf(i18n, d.issuedOn)}
                {d.dueDate ? ` · ${i18n.translate("due")} ${dateOf(i18n, d.dueDate)}` : ""} · {i18n.translate("amount")} {amountOf(i18n, d)}
                {owing(d) ? ` · ${i18n.translate("outstanding")} ${amountOf(i18n, { ...d, amount: d.outstanding })}` : ""}
              </s-text>
              <DownloadLink i18n={i18n} document={d} />
            </s-stack>
          </s-section>
        ))}
        {data && data.pages > 1 && (
          <s-stack direction="inline" gap="base">
            <s-button disabled={data.page <= 1} onClick={() => setPage(data.page - 1)}>
              {i18n.translate("previous")}
            </s-button>
            <s-text>{i18n.translate("pageOf", { page: data.page, pages: data.pages })}</s-text>
            <s-button disabled={data.page >= data.pages} onClick={() => setPage(data.page + 1)}>
              {i18n.translate("next")}
            </s-button>
          </s-stack>
        )}
      </s-stack>
    </s-page>
  );
}
