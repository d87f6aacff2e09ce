/// <reference types="@shopify/ui-extensions/admin.order-details.block.render" />
// The order's documents in the accounting system (kind, number, state, total, due date, provider, PDF), the last
// sync-log line in words (with Retry when it failed), and the actions its provider allows: resend the e-mail,
// cancel or credit in full (confirmed first), extend the due date, activate the items shipped so far.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { documentAction, orderIdOf, orderState, requestId, retryOrder, waitForAction, type DocumentRow, type OrderState } from "./backend";

export default async () => {
  render(<InvoiceBlock />, document.body);
};

const KIND: Record<string, string> = { invoice: "Invoice", draft: "Invoice draft", order: "Order", creditNote: "Credit note" };
const STATE: Record<string, { label: string; tone: "success" | "info" | "warning" | "critical" | "neutral" }> = {
  finalized: { label: "Booked", tone: "success" },
  created: { label: "Draft", tone: "info" },
  claimed: { label: "Being made", tone: "neutral" },
  submitting: { label: "Answer lost: check", tone: "critical" },
  failed: { label: "Failed", tone: "critical" },
  cancelled: { label: "Cancelled", tone: "warning" },
};

function InvoiceBlock() {
  const orderId = orderIdOf(shopify.data.selected);
  const [state, setState] = useState<OrderState | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ tone: "info" | "success" | "critical"; text: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [dueDates, setDueDates] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const load = async () => {
    if (!orderId) return;
    const answer = await orderState(orderId);
    if (answer.ok) setState(answer.data);
    else setProblem(answer.message);
  };
  useEffect(() => {
    void load();
  }, [orderId]);

  const resend = async (document: DocumentRow) => {
    const form = new URLSearchParams({ requestId: requestId() });
    const response = await fetch(`/app/documents/${encodeURIComponent(document.id)}/resend`, { method: "POST", body: form }).catch(() => null);
    const body = (await response?.json().catch(() => null)) as { ok?: boolean; message?: string } | null;
    setNotice(
      response?.ok && body?.ok
        ? { tone: "info", text: `Invoice ${document.number ?? ""} will be e-mailed to the buyer again.` }
        : { tone: "critical", text: body?.message ?? "The e-mail could not be queued. Try again in a moment." },
    );
  };

  /** Queues the action, follows it until it has run, and shows what the sync log says it came to. */
  const act = async (document: DocumentRow, input: Parameters<typeof documentAction>[1]) => {
    if (!orderId) return;
    setBusy(true);
    setConfirming(null);
    const queued = await documentAction(orderId, input);
    if (!queued.ok) {
      setBusy(false);
      return setNotice({ tone: "critical", text: queued.message });
    }
    const after = await waitForAction(orderId, document.id, { everyMs: 1000, tries: 20 });
    setBusy(false);
    if (!after.ok) return setNotice({ tone: "critical", text: after.message });
    setState(after.data);
    const log = after.data.lastLog;
    setNotice(
      after.data.documents.find((d) => d.id === document.id)?.working
        ? { tone: "info", text: "Still working on it; the result will show here." }
        : { tone: log?.status === "failed" ? "critical" : "success", text: log?.message ?? "Done." },
    );
  };

  const retry = async () => {
    if (!orderId) return;
    const answer = await retryOrder(orderId);
    setNotice(answer.ok ? { tone: "info", text: answer.data.queued ? "The failed task will run again shortly." : "Nothing to retry: the task is no longer failed." } : { tone: "critical", text: answer.message });
    if (answer.ok) void load();
  };

  return (
    <s-admin-block heading="Invoice Bridge">
      {problem && <s-banner tone="critical">{problem}</s-banner>}
      {notice && <s-banner tone={notice.tone}>{notice.text}</s-banner>}
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
                {d.working && <s-badge tone="info">Working</s-badge>}
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
                {d.einvoice && (
                  <s-link href={d.einvoice} target="_blank">
                    Download e-invoice (XML)
                  </s-link>
                )}
                {d.actions.resend && <s-button onClick={() => void resend(d)}>Resend e-mail</s-button>}
                {d.actions.send && (
                  <s-button disabled={busy || d.working} onClick={() => void act(d, { intent: "send", documentId: d.id })}>
                    Send from {d.provider}
                  </s-button>
                )}
                {d.actions.partActivate && (
                  <s-button disabled={busy || d.working} onClick={() => void act(d, { intent: "partActivate", documentId: d.id })}>
                    Activate shipped items
                  </s-button>
                )}
                {d.actions.takeBack && confirming !== d.id && (
                  <s-button tone="critical" disabled={busy || d.working} onClick={() => setConfirming(d.id)}>
                    {d.actions.takeBack === "cancel" ? "Cancel invoice" : "Credit in full"}
                  </s-button>
                )}
              </s-stack>
              {d.actions.takeBack && confirming === d.id && (
                <s-banner tone="warning" heading={d.actions.takeBack === "cancel" ? `Cancel invoice ${d.number ?? ""}?` : `Credit invoice ${d.number ?? ""} in full?`}>
                  <s-stack gap="small-200">
                    <s-text>
                      {d.actions.takeBack === "cancel"
                        ? `${d.provider} cancels the invoice. This cannot be undone.`
                        : `A credit note for ${d.total ?? "the whole invoice"} is booked in ${d.provider}. This cannot be undone.`}
                    </s-text>
                    <s-stack direction="inline" gap="small-200">
                      <s-button tone="critical" variant="primary" onClick={() => void act(d, { intent: "credit", documentId: d.id })}>
                        {d.actions.takeBack === "cancel" ? "Cancel invoice" : "Book the credit note"}
                      </s-button>
                      <s-button onClick={() => setConfirming(null)}>Keep it</s-button>
                    </s-stack>
                  </s-stack>
                </s-banner>
              )}
              {d.actions.extendDueDate && state.provider?.staffDueDate === false && (
                <s-stack direction="inline" gap="small-200">
                  <s-button disabled={busy || d.working} onClick={() => void act(d, { intent: "extendDueDate", documentId: d.id })}>
                    Extend due date
                  </s-button>
                  <s-text color="subdued">{d.provider} moves it by the period of your agreement.</s-text>
                </s-stack>
              )}
              {d.actions.extendDueDate && state.provider?.staffDueDate !== false && (
                <s-stack direction="inline" gap="small-200">
                  <s-date-field label="New due date" name={`due-${d.id}`} value={dueDates[d.id] ?? ""} onChange={(e) => setDueDates({ ...dueDates, [d.id]: e.currentTarget.value })} />
                  <s-button
                    disabled={busy || d.working || !dueDates[d.id]}
                    onClick={() => void act(d, { intent: "extendDueDate", documentId: d.id, dueDate: dueDates[d.id] ?? "" })}
                  >
                    Extend due date
                  </s-button>
                </s-stack>
              )}
            </s-stack>
          ))}
          {state.lastLog && (
            <s-banner tone={state.lastLog.status === "failed" ? "critical" : "info"} heading="Last step">
              <s-stack gap="small-200">
                <s-text>{state.lastLog.message}</s-text>
                {state.lastLog.retry && (
                  <s-stack direction="inline">
                    <s-button onClick={() => void retry()}>Retry</s-button>
                  </s-stack>
                )}
              </s-stack>
            </s-banner>
          )}
        </s-stack>
      )}
    </s-admin-block>
  );
}
