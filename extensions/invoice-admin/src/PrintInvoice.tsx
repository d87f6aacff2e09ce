/// <reference types="@shopify/ui-extensions/admin.order-details.print-action.render" />
// "Print" on the order page: the order's booked invoice (or one of its credit notes) as its PDF in the admin's
// print dialog. The PDF comes from a short-lived signed link the app makes for this admin; with no booked
// document, the preview is empty and the print button stays disabled, as the admin does without a src.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { orderIdOf, orderState, type DocumentRow } from "./backend";

export default async () => {
  render(<PrintInvoice />, document.body);
};

function PrintInvoice() {
  const orderId = orderIdOf(shopify.data.selected);
  const [printable, setPrintable] = useState<DocumentRow[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!orderId) return;
    void orderState(orderId).then((answer) => {
      if (!answer.ok) return setProblem(answer.message);
      const documents = answer.data.documents.filter((d) => d.pdf !== null);
      setPrintable(documents);
      // The invoice first: it is what staff print most.
      setChosen((documents.find((d) => d.kind === "invoice") ?? documents[0])?.id ?? null);
    });
  }, [orderId]);

  const src = printable?.find((d) => d.id === chosen)?.pdf ?? undefined;
  const label = (d: DocumentRow) => `${d.kind === "creditNote" ? "Credit note" : "Invoice"} ${d.number ?? ""} · ${d.total ?? ""}`;
  return (
    <s-admin-print-action src={src}>
      <s-stack gap="base">
        {problem && <s-banner tone="critical">{problem}</s-banner>}
        {printable && printable.length === 0 && <s-text>This order has no booked invoice to print yet.</s-text>}
        {printable && printable.length > 1 && (
          <s-choice-list label="Document to print" name="document" values={chosen ? [chosen] : []} onChange={(e) => setChosen(e.currentTarget.values[0] ?? null)}>
            {printable.map((d) => (
              <s-choice value={d.id} selected={d.id === chosen}>
                {label(d)}
              </s-choice>
            ))}
          </s-choice-list>
        )}
        {printable && printable.length === 1 && <s-text>{label(printable[0])}</s-text>}
      </s-stack>
    </s-admin-print-action>
  );
}
