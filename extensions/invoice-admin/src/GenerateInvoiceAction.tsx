/// <reference types="@shopify/ui-extensions/admin.order-details.action.render" />
// "Generate invoice": the invoice date (today), the due date (the order's payment terms; empty: the accounting
// system's; fixed where the system sets it from the customer's terms, as Visma does), the
// kinds the connection allows, and a preview of the plan before anything is posted. Confirm queues the same order
// sync as the automatic path, once per click; the modal then shows the number and the PDF, or the error in words.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { generateInvoice, orderIdOf, percent, previewInvoice, requestId, today, waitForInvoice, type DocumentRow, type Preview } from "./backend";

export default async () => {
  render(<GenerateInvoice />, document.body);
};

type Phase = { step: "editing" } | { step: "posting" } | { step: "done"; document: DocumentRow } | { step: "failed"; message: string };

function GenerateInvoice() {
  const orderId = orderIdOf(shopify.data.selected);
  const [invoiceDate, setInvoiceDate] = useState(today());
  const [dueDate, setDueDate] = useState<string | null>(null);
  const [kind, setKind] = useState<string | undefined>(undefined);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ step: "editing" });

  useEffect(() => {
    if (!orderId) return;
    let current = true;
    void previewInvoice(orderId, kind).then((answer) => {
      if (!current) return;
      if (answer.ok) {
        setPreview(answer.data);
        setDueDate((chosen) => chosen ?? answer.data.dueDate.suggested ?? "");
        setProblem(null);
      } else setProblem(answer.message);
    });
    return () => {
      current = false;
    };
  }, [orderId, kind]);

  const confirm = async () => {
    if (!orderId || !preview?.kind) return;
    setPhase({ step: "posting" });
    const due = preview.dueDate.settable && dueDate ? dueDate : null;
    const queued = await generateInvoice(orderId, { kind: kind ?? preview.kind, invoiceDate, dueDate: due, requestId: requestId() });
    if (!queued.ok) return setPhase({ step: "failed", message: queued.message });
    const made = await waitForInvoice(orderId, { everyMs: 1000, tries: 30 });
    setPhase(made.ok ? { step: "done", document: made.data } : { step: "failed", message: made.message });
  };

  if (!orderId) return <s-admin-action heading="Generate invoice"><s-banner tone="critical">This action works on one order.</s-banner></s-admin-action>;

  return (
    <s-admin-action heading="Generate invoice" loading={!preview && !problem}>
      {phase.step === "done" && <Made document={phase.document} />}
      {phase.step === "failed" && <s-banner tone="critical" heading="No invoice was made">{phase.message}</s-banner>}
      {problem && <s-banner tone="critical">{problem}</s-banner>}
      {preview && phase.step !== "done" && (
        <s-stack gap="base">
          <s-stack direction="inline" gap="base">
            <s-date-field label="Invoice date" name="invoiceDate" value={invoiceDate} onChange={(e) => setInvoiceDate(e.currentTarget.value)} />
            <s-date-field
              label="Due date"
              name="dueDate"
              value={preview.dueDate.settable ? (dueDate ?? "") : ""}
              disabled={!preview.dueDate.settable}
              details={preview.dueDate.note}
              onChange={(e) => setDueDate(e.currentTarget.value)}
            />
            {preview.kinds.length > 1 && (
              <s-select label="Document" name="kind" value={kind ?? preview.kind ?? ""} onChange={(e) => setKind(e.currentTarget.value)}>
                {preview.kinds.map((k) => (
                  <s-option value={k}>{k === "invoice" ? "Booked invoice" : "Invoice draft"}</s-option>
                ))}
              </s-select>
            )}
          </s-stack>
          <PlanPreview preview={preview} />
        </s-stack>
      )}
      <s-button slot="primary-action" variant="primary" disabled={!preview?.willMake || phase.step === "posting" || phase.step === "done"} loading={phase.step === "posting"} onClick={() => void confirm()}>
        {preview?.kind === "draft" ? "Generate draft" : "Generate invoice"}
      </s-button>
      <s-button slot="secondary-actions" onClick={() => shopify.close()}>
        {phase.step === "done" ? "Close" : "Cancel"}
      </s-button>
    </s-admin-action>
  );
}

function PlanPreview({ preview }: { preview: Preview }) {
  const money = (amount: string) => `${amount} ${preview.order.currency}`;
  return (
    <s-stack gap="small-200">
      <s-text type="strong">
        {preview.customer.name}
        {preview.customer.email ? ` (${preview.customer.email})` : ""}: {preview.customer.match}
      </s-text>
      {preview.lines.map((line) => (
        <s-text>
          {line.productNumber ? `${line.productNumber} · ` : ""}
          {line.description} · {line.quantity} × {money(line.unitPrice)} · VAT {percent(line.vatRate)} · {money(line.gross)}
        </s-text>
      ))}
      {preview.vat.map((v) => (
        <s-text color="subdued">
          VAT {percent(v.rate)} on {money(v.net)}: {money(v.vat)}
        </s-text>
      ))}
      <s-text type="strong">Total {money(preview.totals.gross)}</s-text>
      <s-banner tone={preview.check.outcome === "mismatch" ? "warning" : "success"}>
        {preview.check.outcome === "equal"
          ? `Equals Shopify's total of ${money(preview.check.shopifyTotal)}.`
          : preview.check.outcome === "rounded"
            ? `Equals Shopify's total of ${money(preview.check.shopifyTotal)} with a rounding line of ${money(preview.check.difference)}.`
            : `Differs from Shopify's total of ${money(preview.check.shopifyTotal)} by ${money(preview.check.difference)}.`}
      </s-banner>
      {preview.reasons.map((reason) => (
        <s-text color="subdued">{reason}</s-text>
      ))}
    </s-stack>
  );
}

function Made({ document }: { document: DocumentRow }) {
  const what = document.state === "finalized" ? `Invoice ${document.number ?? ""} booked` : "Invoice draft made";
  return (
    <s-banner tone="success" heading={`${what} in ${document.provider}`}>
      <s-stack gap="small-200">
        <s-text>Total {document.total ?? "—"}{document.dueDate ? `, due ${document.dueDate}` : ""}.</s-text>
        {document.pdf && (
          <s-link href={document.pdf} target="_blank">
            Open the PDF
          </s-link>
        )}
      </s-stack>
    </s-banner>
  );
}
