/// <reference types="@shopify/ui-extensions/customer-account.order.action.render" />
// The order action's modal: the order's invoices and credit notes, each with its download link.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { accountApi, orderNumberOf, type OrderDocuments } from "./backend";
import { DownloadLink, amountOf, dateOf, statusOf } from "./documents";

export default async () => {
  render(<OrderAction />, document.body);
};

function OrderAction() {
  const { i18n } = shopify;
  const orderId = orderNumberOf(shopify.orderId);
  const [documents, setDocuments] = useState<OrderDocuments | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!orderId) return;
    void accountApi(shopify.sessionToken, i18n.translate("error"))
      .orderDocuments(orderId)
      .then((answer) => (answer.ok ? setDocuments(answer.data) : setProblem(answer.message)));
  }, [orderId]);
  const all = documents ? [...documents.invoices, ...documents.creditNotes] : [];
  return (
    <s-customer-account-action heading={i18n.translate("modalHeading", { order: documents?.order.name ?? "" })}>
      <s-stack gap="base">
        {problem && <s-banner tone="critical">{problem}</s-banner>}
        {documents && all.length === 0 && <s-text>{i18n.translate("noInvoice")}</s-text>}
        {all.map((d) => (
          <s-stack gap="small-200">
            <DownloadLink i18n={i18n} document={d} />
            <s-text color="subdued">
              {amountOf(i18n, d)} · {dateOf(i18n, d.issuedOn)} · {statusOf(i18n, d)}
            </s-text>
          </s-stack>
        ))}
      </s-stack>
      <s-button slot="primary-action" onClick={() => shopify.close()}>
        {i18n.translate("close")}
      </s-button>
    </s-customer-account-action>
  );
}
