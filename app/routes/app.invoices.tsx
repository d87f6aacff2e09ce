// Invoices: the shop's documents with their order, kind, number, state, total, provider and PDF; filters
// (state, provider, dates), search by order name, pages of 50, and the bulk actions Retry and Send e-mail.
// Above them, the progress of the latest "Generate invoices" runs from the admin's order list.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, IndexTable, InlineStack, Link, List, Page, Pagination, ProgressBar, Select, Text, TextField, useIndexResourceState } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "../db.server";
import { DOCUMENT_STATES } from "../admin/document-states";
import { recentBulkRuns } from "../admin/bulk-generate.server";
import { emailDocuments, listDocuments, retryDocuments } from "../admin/invoices.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const p = new URL(request.url).searchParams;
  const filters = { state: p.get("state"), provider: p.get("provider"), from: p.get("from"), to: p.get("to"), q: p.get("q"), after: p.get("after") };
  return { ...(await listDocuments(db, session.shop, filters)), filters, bulkRuns: await recentBulkRuns(db, session.shop) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const ids = form.getAll("id").map(String);
  if (form.get("intent") === "email") {
    const { queued, skipped } = await emailDocuments(db, session.shop, ids, String(form.get("clickId") ?? ""));
    return { message: `${queued} e-mail(s) queued${skipped ? `; ${skipped} draft(s) left out (only booked documents are e-mailed)` : ""}.` };
  }
  const { queued } = await retryDocuments(db, session.shop, ids);
  return { message: queued ? `${queued} failed task(s) queued again.` : "Nothing to retry: none of these orders has a failed task." };
};

const TONE: Record<string, "success" | "info" | "attention" | "critical"> = { Booked: "success", Draft: "attention", Starting: "info", Cancelled: "critical", "Answer lost: check": "critical" };

export default function Invoices() {
  const { rows, total, nextAfter, providers, filters, bulkRuns } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const working = bulkRuns.some((run) => run.waiting > 0);
  // While a run has orders waiting, the page follows it (every 2 s).
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [working, revalidator]);
  const [params, setParams] = useSearchParams();
  const bulk = useFetcher<typeof action>();
  const [query, setQuery] = useState(filters.q ?? "");
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  useEffect(() => {
    if (bulk.state === "idle" && bulk.data) clearSelection();
  }, [bulk.state, bulk.data, clearSelection]);
  const go = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!("after" in change)) next.delete("after");
    setParams(next);
  };
  const submit = (intent: "retry" | "email") => {
    const form = new FormData();
    form.set("intent", intent);
    form.set("clickId", crypto.randomUUID());
    for (const id of selectedResources) form.append("id", id);
    bulk.submit(form, { method: "post" });
  };
  return (
    <Page title="Invoices" subtitle={`${total} document(s)`}>
      <BlockStack gap="400">
        {bulk.data ? <Banner tone="success" title={bulk.data.message} /> : null}
        {bulkRuns.map((run) => (
          <BulkRunCard key={run.id} run={run} />
        ))}
        <Card>
          <InlineStack gap="300" blockAlign="end" wrap>
            <form
              role="search"
              onSubmit={(event) => {
                event.preventDefault();
                go({ q: query || null });
              }}
            >
              <TextField label="Search by order" placeholder="#1001" autoComplete="off" value={query} onChange={setQuery} onBlur={() => go({ q: query || null })} />
            </form>
            <Select
              label="State"
              options={[{ label: "All", value: "" }, ...Object.entries(DOCUMENT_STATES).map(([value, label]) => ({ value, label }))]}
              value={filters.state ?? ""}
              onChange={(v) => go({ state: v || null })}
            />
            <Select label="Accounting system" options={[{ label: "All", value: "" }, ...providers]} value={filters.provider ?? ""} onChange={(v) => go({ provider: v || null })} />
            <TextField label="From" type="date" autoComplete="off" value={filters.from ?? ""} onChange={(v) => go({ from: v || null })} />
            <TextField label="To" type="date" autoComplete="off" value={filters.to ?? ""} onChange={(v) => go({ to: v || null })} />
          </InlineStack>
        </Card>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "document", plural: "documents" }}
            itemCount={rows.length}
            selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
            onSelectionChange={handleSelectionChange}
            promotedBulkActions={[
              { content: "Retry", onAction: () => submit("retry") },
              { content: "Send e-mail", onAction: () => submit("email") },
            ]}
            headings={[{ title: "Order" }, { title: "Document" }, { title: "Number" }, { title: "State" }, { title: "Total", alignment: "end" }, { title: "Accounting system" }, { title: "PDF" }]}
          >
            {rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index} selected={selectedResources.includes(row.id)}>
                <IndexTable.Cell>
                  <Text as="span" fontWeight="semibold">
                    {row.orderName}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{row.kind}</IndexTable.Cell>
                <IndexTable.Cell>{row.number ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={TONE[row.state]}>{row.state}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {row.total}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{row.provider}</IndexTable.Cell>
                <IndexTable.Cell>
                  {row.pdf ? (
                    <Link url={row.pdf} target="_blank" accessibilityLabel={`PDF of ${row.kind.toLowerCase()} ${row.number ?? ""}`.trim()}>
                      PDF
                    </Link>
                  ) : (
                    "—"
                  )}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
          <div style={{ padding: 12 }}>
            <Pagination hasPrevious={Boolean(filters.after)} onPrevious={() => go({ after: null })} hasNext={Boolean(nextAfter)} onNext={() => go({ after: nextAfter })} label={filters.after ? "Later pages" : "First page"} />
          </div>
        </Card>
      </BlockStack>
    </Page>
  );
}

type Run = ReturnType<typeof useLoaderData<typeof loader>>["bulkRuns"][number];

function BulkRunCard({ run }: { run: Run }) {
  const when = new Date(run.createdAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  const what = run.kind === "draft" ? "invoice drafts" : "invoices";
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Generate {what} for {run.selected} selected order(s)
          </Text>
          <Badge tone={run.waiting > 0 ? "info" : run.failed > 0 ? "critical" : "success"}>{run.waiting > 0 ? "Running" : "Finished"}</Badge>
          <Text as="span" tone="subdued">
            {when} UTC
          </Text>
        </InlineStack>
        {run.queued > 0 ? (
          <>
            <ProgressBar progress={run.percent} animated={false} tone={run.failed > 0 ? "critical" : "primary"} ariaLabelledBy={`bulk-${run.id}`} />
            <Text as="p" id={`bulk-${run.id}`}>
              {run.finished} of {run.queued} done{run.failed ? `, ${run.failed} failed (see the Sync log)` : ""}
              {run.waiting ? `, ${run.waiting} waiting` : ""}.
            </Text>
          </>
        ) : null}
        <Text as="p" tone="subdued">
          {run.invoiced} already invoiced · {run.notEligible.length} not eligible
        </Text>
        {run.notEligible.length > 0 ? (
          <List>
            {run.notEligible.slice(0, 10).map((row) => (
              <List.Item key={row.orderName}>
                {row.orderName}: {row.reason}
              </List.Item>
            ))}
          </List>
        ) : null}
      </BlockStack>
    </Card>
  );
}
