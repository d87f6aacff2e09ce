/// <reference types="@shopify/ui-extensions/customer-account.order-status.block.render" />
// "Download invoice" on the order status page: the order's booked invoices, each with a short-lived signed link,
// and the credit notes under them. Nothing is drawn while the order has no invoice.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { accountApi, orderNumberOf, type OrderDocuments } from "./backend";
import { DownloadLink, amountOf, dateOf } from "./documents";

export default async () => {
  render(<OrderStatusInvoices />, document.body);
};

function OrderStatusInvoices() {
  const { i18n } = shopify;
  const orderId = orderNumberOf(shopify.order.value?.id);
  const [documents, setDocuments] = useState<OrderDocuments | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!orderId) return;
    void accountApi(shopify.sessionToken, i18n.translate("error"))
      .orderDocuments(orderId)
      .then((answer) => (answer.ok ? setDocuments(answer.data) : answer.status !== 404 && setProblem(answer.message)));
  }, [orderId]);

  if (problem) return <s-banner tone="critical">{problem}</s-banner>;
  if (!documents || documents.invoices.length === 0) return null;
  return (
    <s-section heading={i18n.translate("heading")}>
      <s-stack gap="base">
        {documents.invoices.map((invoice) => (
          <s-stack gap="small-200">
            <DownloadLink i18n={i18n} document={invoice} />
            <s-text color="subdued">
              {amountOf(i18n, invoice)} · {dateOf(i18n, invoice.issuedOn)}
            </s-text>
          </s-stack>
        ))}
        {documents.creditNotes.length > 0 && (
          <s-stack gap="small-200">
            <s-text type="strong">{i18n.translate("creditNotes")}</s-text>
            {documents.creditNotes.map((note) => (
              <s-stack direction="inline" gap="small-200">
                <DownloadLink i18n={i18n} document={note} />
                <s-text color="subdued">{amountOf(i18n, note)}</s-text>
              </s-stack>
            ))}
          </s-stack>
        )}
      </s-stack>
    </s-section>
  );
}
