// The sync log: what the app did, in words, with the failures that need action first; filter by status,
// expand an entry for its detail (secrets and personal data redacted), and Retry one or many.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Page, Pagination, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import db from "../db.server";
import { loadSyncLog, retryTasks, sweepNow } from "../admin/sync-log.server";
import { LOG_STATUSES } from "../admin/log-statuses";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  return loadSyncLog(db, session.shop, { status: params.get("status"), page: Number(params.get("page") ?? 1) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") === "sweep") {
    await sweepNow(db, session.shop);
    return { swept: true as const };
  }
  const jobIds = form.getAll("jobId").map(String).filter(Boolean);
  return { swept: false as const, ...(await retryTasks(db, session.shop, jobIds)) };
};

const TONE = { done: "success", failed: "critical", retrying: "warning", skipped: "attention", queued: "info", info: "info" } as const;

export default function SyncLog() {
  const { entries, status, page, hasNext, needsAction, sweep } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const retry = useFetcher<typeof action>();
  const check = useFetcher<typeof action>();
  const [open, setOpen] = useState<string | null>(null);
  const retryable = entries.filter((e) => e.retryJobId);
  const go = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };
  return (
    <Page title="Sync log">
      <BlockStack gap="400">
        {retry.data && !retry.data.swept ? (
          <Banner tone="success" title={`${retry.data.queued} task(s) queued again`}>
            <p>They run again shortly; their outcome appears here.</p>
          </Banner>
        ) : null}
        <Card>
          <BlockStack gap="200">
            <InlineStack align="space-between" blockAlign="center" gap="300">
              <Text as="h2" variant="headingSm">
                Missed orders
              </Text>
              <check.Form method="post">
                <input type="hidden" name="intent" value="sweep" />
                <Button submit loading={check.state !== "idle"} disabled={sweep.running}>
                  Check now
                </Button>
              </check.Form>
            </InlineStack>
            <Text as="p" tone="subdued">
              {sweep.everyMinutes > 0
                ? `Every ${sweep.everyMinutes} minutes the app asks Shopify for the orders changed since its last check, and processes any whose notification never arrived.`
                : "The regular check is turned off on this server; check by hand here."}
            </Text>
            {sweep.running || check.data?.swept ? (
              <Text as="p">Checking for missed orders; the result appears here and in the log shortly.</Text>
            ) : sweep.lastAt ? (
              <Text as="p">
                Last check {new Date(sweep.lastAt).toLocaleString("en-GB")}: {sweep.last}
              </Text>
            ) : (
              <Text as="p">No check has run yet.</Text>
            )}
          </BlockStack>
        </Card>
        <Card>
          <InlineStack align="space-between" blockAlign="end" gap="300">
            <Select
              label="Status"
              options={[{ label: "All", value: "" }, ...LOG_STATUSES.map((s) => ({ label: s[0].toUpperCase() + s.slice(1), value: s }))]}
              value={status ?? ""}
              onChange={(value) => go({ status: value || null, page: null })}
            />
            {retryable.length > 1 ? (
              <retry.Form method="post">
                {retryable.map((e) => (
                  <input key={e.id} type="hidden" name="jobId" value={e.retryJobId!} />
                ))}
                <Button submit variant="primary" loading={retry.state !== "idle"}>{`Retry all ${retryable.length} failed`}</Button>
              </retry.Form>
            ) : null}
          </InlineStack>
        </Card>
        {needsAction > 0 ? (
          <Text as="p" tone="subdued">
            {needsAction} failure(s) need your action; they are listed first.
          </Text>
        ) : null}
        <Card padding="0">
          {entries.length === 0 ? (
            <Box padding="400">
              <Text as="p">Nothing here yet. New orders appear as Shopify sends them.</Text>
            </Box>
          ) : (
            <ul aria-label="Sync log entries" style={{ listStyle: "none", margin: 0, padding: 0 }}>
              {entries.map((e) => (
                <li key={e.id} style={{ borderBottom: "1px solid var(--p-color-border-secondary)" }}>
                  <Box padding="300">
                    <BlockStack gap="200">
                      <InlineStack gap="300" blockAlign="center" wrap={false}>
                        <Badge tone={TONE[e.status as keyof typeof TONE] ?? "info"}>{e.status}</Badge>
                        <Text as="span" tone="subdued" variant="bodySm">
                          {new Date(e.at).toLocaleString("en-GB")}
                        </Text>
                        {e.orderName ? (
                          <Text as="span" fontWeight="semibold">
                            {e.orderName}
                          </Text>
                        ) : null}
                      </InlineStack>
                      <Text as="p">{e.message}</Text>
                      <InlineStack gap="200">
                        {e.retryJobId ? (
                          <retry.Form method="post">
                            <input type="hidden" name="jobId" value={e.retryJobId} />
                            <Button submit size="slim" accessibilityLabel={`Retry ${e.orderName ?? "this task"}`}>
                              Retry
                            </Button>
                          </retry.Form>
                        ) : null}
                        {e.detail ? (
                          <Button size="slim" variant="plain" onClick={() => setOpen(open === e.id ? null : e.id)} ariaExpanded={open === e.id}>
                            {open === e.id ? "Hide details" : "Details"}
                          </Button>
                        ) : null}
                      </InlineStack>
                      {open === e.id && e.detail ? (
                        <Box background="bg-surface-secondary" padding="200" borderRadius="200">
                          <pre style={{ margin: 0, whiteSpace: "pre-wrap", fontSize: 12 }}>{e.detail}</pre>
                        </Box>
                      ) : null}
                    </BlockStack>
                  </Box>
                </li>
              ))}
            </ul>
          )}
          <Box padding="300">
            <Pagination
              hasPrevious={page > 1}
              onPrevious={() => go({ page: String(page - 1) })}
              hasNext={hasNext}
              onNext={() => go({ page: String(page + 1) })}
              label={`Page ${page}`}
            />
          </Box>
        </Card>
      </BlockStack>
    </Page>
  );
}
