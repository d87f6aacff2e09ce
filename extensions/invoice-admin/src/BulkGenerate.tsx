/// <reference types="@shopify/ui-extensions/admin.order-index.selection-action.render" />
// "Generate invoices" for the orders selected on the admin's order list: first what it would do (how many are
// queued, already invoiced, or not eligible and why), then one click queues the eligible ones, the same job
// as "Generate invoice" on one order. Progress is on the app's Invoices page.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { bulkGenerate, bulkSummary, requestId, today, type BulkSummary } from "./backend";

export default async () => {
  render(<BulkGenerate />, document.body);
};

function BulkGenerate() {
  const orderIds = (shopify.data.selected ?? []).map((s) => s.id);
  const [kind, setKind] = useState<string | undefined>(undefined);
  const [summary, setSummary] = useState<BulkSummary | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [posting, setPosting] = useState(false);
  const [queued, setQueued] = useState<number | null>(null);
  // One click, one request id: pressing again (or the request arriving twice) is the same run.
  const [click] = useState(requestId);

  useEffect(() => {
    let current = true;
    void bulkSummary(orderIds, kind).then((answer) => {
      if (!current) return;
      if (answer.ok) {
        setSummary(answer.data);
        setProblem(null);
      } else setProblem(answer.message);
    });
    return () => {
      current = false;
    };
  }, [orderIds.join(","), kind]);

  const confirm = async () => {
    if (!summary?.kind) return;
    setPosting(true);
    const answer = await bulkGenerate({ orderIds, kind: kind ?? summary.kind, invoiceDate: today(), requestId: click });
    setPosting(false);
    if (answer.ok) setQueued(answer.data.queued);
    else setProblem(answer.message);
  };

  const what = (kind ?? summary?.kind) === "draft" ? "invoice drafts" : "invoices";
  const notEligible = summary?.rows.filter((r) => r.outcome === "not-eligible") ?? [];
  const invoiced = summary?.rows.filter((r) => r.outcome === "invoiced") ?? [];
  return (
    <s-admin-action heading="Generate invoices" loading={!summary && !problem}>
      {problem && <s-banner tone="critical">{problem}</s-banner>}
      {queued !== null && (
        <s-banner tone="success" heading={`${queued} order(s) queued`}>
          Their {what} are being made now. Follow them on the Invoices page of Invoice Bridge; each result is in its sync log.
        </s-banner>
      )}
      {summary && queued === null && (
        <s-stack gap="base">
          <s-text type="strong">
            {summary.counts.queued} of {summary.counts.selected} selected order(s) will get {what}.
          </s-text>
          {summary.kinds.length > 1 && (
            <s-select label="Document" name="kind" value={kind ?? summary.kind ?? ""} onChange={(e) => setKind(e.currentTarget.value)}>
              {summary.kinds.map((k) => (
                <s-option value={k}>{k === "invoice" ? "Booked invoices" : "Invoice drafts"}</s-option>
              ))}
            </s-select>
          )}
          {invoiced.length > 0 && <s-text color="subdued">{invoiced.length} already invoiced: {invoiced.map((r) => r.orderName).join(", ")}.</s-text>}
          {notEligible.length > 0 && (
            <s-stack gap="small-200">
              <s-text>{notEligible.length} not eligible:</s-text>
              {notEligible.map((r) => (
                <s-text color="subdued">
                  {r.orderName}: {r.reason}
                </s-text>
              ))}
            </s-stack>
          )}
        </s-stack>
      )}
      <s-button slot="primary-action" variant="primary" disabled={!summary?.counts.queued || posting || queued !== null} loading={posting} onClick={() => void confirm()}>
        {summary?.counts.queued ? `Generate ${summary.counts.queued} ${what}` : "Generate invoices"}
      </s-button>
      <s-button slot="secondary-actions" onClick={() => shopify.close()}>
        {queued !== null ? "Close" : "Cancel"}
      </s-button>
    </s-admin-action>
  );
}
