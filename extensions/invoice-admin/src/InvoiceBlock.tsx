/// <reference types="@shopify/ui-extensions/admin.order-details.block.render" />
// The order's documents in the accounting system (kind, number, state, total, due date, provider, PDF), the last
// sync-log line in words, and the actions its provider allows.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { orderIdOf, orderState, requestId, type DocumentRow, type OrderState } from "./backend";

export default async () => {
  render(<InvoiceBlock />, document.body);
};

const KIND: Record<string, string> = { invoice: "Invoice", draft: "Invoice draft", order: "Order", creditNote: "Credit note" };
const STATE: Record<string, { label: string; tone: "success" | "info" | "warning" | "critical" | "neutral" }> = {
  finalized: { label: "Booked", tone: "success" },
  created: { label: "Draft", tone: "info" },
  claimed: { label: "Being made", tone: "neutral" },
  failed: { label: "Failed", tone: "critical" },
  cancelled: { label: "Cancelled", tone: "warning" },
};

function InvoiceBlock() {
  const orderId = orderIdOf(shopify.data.selected);
  const [state, setState] = useState<OrderState | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!orderId) return;
    void orderState(orderId).then((answer) => (answer.ok ? setState(answer.data) : setProblem(answer.message)));
  }, [orderId]);

  const resend = async (document: DocumentRow) => {
    const form = new URLSearchParams({ requestId: requestId() });
    const response = await fetch(`/app/documents/${encodeURIComponent(document.id)}/resend`, { method: "POST", body: form }).catch(() => null);
    const body = (await response?.json().catch(() => null)) as { ok?: boolean; message?: string } | null;
    setNotice(response?.ok && body?.ok ? `Invoice ${document.number ?? ""} will be e-mailed to the buyer again.` : (body?.message ?? "The e-mail could not be queued. Try again in a moment."));
  };

  return (
    <s-admin-block heading="Invoice Bridge">
      {problem && <s-banner tone="critical">{problem}</s-banner>}
      {notice && <s-banner tone="info">{notice}</s-banner>}
      {state && state.documents.length === 0 && <s-text color="subdued">No document in {state.provider?.name ?? "an accounting system"} yet.</s-text>}
      {state && (
        <s-stack gap="base">
          {state.documents.map((d) => (
            <s-stack gap="small-200">
              <s-stack direction="inline" gap="small-200">
                <s-text type="strong">
                  {KIND[d.kind] ?? d.kind} {d.number ?? ""}
                </s-text>
                <s-badge tone={(STATE[d.state] ?? STATE.claimed).tone}>{(STATE[d.state] ?? { label: d.state }).label}</s-badge>
              </s-stack>
              <s-text>
                {d.total ?? "—"} · {d.provider}
                {d.dueDate ? ` · due ${d.dueDate}` : ""}
              </s-text>
              <s-stack direction="inline" gap="small-200">
                {d.pdf && (
                  <s-link href={d.pdf} target="_blank">
                    PDF
                  </s-link>
                )}
                {d.actions.resend && <s-button onClick={() => void resend(d)}>Resend e-mail</s-button>}
              </s-stack>
            </s-stack>
          ))}
          {state.lastLog && (
            <s-banner tone={state.lastLog.status === "failed" ? "critical" : "info"} heading="Last step">
              {state.lastLog.message}
            </s-banner>
          )}
        </s-stack>
      )}
    </s-admin-block>
  );
}
