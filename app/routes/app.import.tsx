// Historical import: choose a date range and criteria, see how many orders Shopify has for them, start;
// a progress bar with the counts (done, skipped, failed) follows the run live, polling every 2 seconds.
// The run itself is jobs (app/import): it survives a restart, makes no duplicate, and is paced like
// every other order.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, FormLayout, InlineGrid, InlineStack, Page, ProgressBar, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "../db.server";
import { cancelImport, countImport, importProgress, retryFailedImportOrders, startImport } from "../import/historical-import.server";
import { AppError } from "../lib/errors";
import { adminClientFor } from "../shopify/admin.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const connected = await db.connection.count({ where: { shopDomain: session.shop, status: "active" } });
  return { progress: await importProgress(db, session.shop), connected: connected > 0, today: new Date().toISOString().slice(0, 10) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const input = { shopDomain: session.shop, from: String(form.get("from") ?? ""), to: String(form.get("to") ?? ""), criteria: JSON.parse(String(form.get("criteria") ?? "{}")) };
  try {
    if (intent === "count") {
      const { count, exact, note } = await countImport({ db, adminClientFor }, input);
      return { intent, ok: true as const, count, message: `${exact ? "" : "At least "}${count} order(s) match.${note ? ` ${note}` : ""}` };
    }
    if (intent === "start") {
      const { total } = await startImport({ db, adminClientFor }, input);
      return { intent, ok: true as const, message: `Import started: ${total} order(s).` };
    }
    if (intent === "retry-failed") {
      const queued = await retryFailedImportOrders(db, session.shop);
      return { intent, ok: true as const, message: queued === 0 ? "No failed order was waiting for a retry." : `${queued} failed order(s) will be tried again now.` };
    }
    if (intent === "cancel") {
      await cancelImport(db, session.shop);
      return { intent, ok: true as const, message: "Import stopped. Documents already made are kept." };
    }
  } catch (error) {
    if (error instanceof AppError) return { intent, ok: false as const, message: error.merchantMessage };
    throw error;
  }
  return { intent, ok: false as const, message: "Unknown request." };
};

type Criteria = { financialStatus: "any" | "paid"; fulfillmentStatus: "any" | "shipped"; includeTag: string; excludeTag: string };

const daysAgo = (today: string, days: number) => new Date(new Date(`${today}T00:00:00Z`).getTime() - days * 86_400_000).toISOString().slice(0, 10);

export default function HistoricalImport() {
  const { progress, connected, today } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const count = useFetcher<typeof action>();
  const run = useFetcher<typeof action>();
  const [from, setFrom] = useState(daysAgo(today, 90));
  const [to, setTo] = useState(today);
  const [criteria, setCriteria] = useState<Criteria>({ financialStatus: "paid", fulfillmentStatus: "any", includeTag: "", excludeTag: "" });
  const running = progress?.status === "running";

  // Live progress: the loader again every 2 seconds while a run is going.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const fields = { from, to, criteria: JSON.stringify(criteria) };
  const counted = count.data && "count" in count.data ? count.data : null;
  return (
    <Page title="Historical import" subtitle="Document orders from before the app was installed, by your rules">
      <BlockStack gap="400">
        {!connected ? <Banner tone="warning" title="Connect an accounting system first, on the Connection page." /> : null}
        {run.data ? <Banner tone={run.data.ok ? "success" : "critical"} title={run.data.message} /> : null}
        {progress ? (
          <ProgressCard
            progress={progress}
            onCancel={() => run.submit({ intent: "cancel" }, { method: "post" })}
            onRetryFailed={() => run.submit({ intent: "retry-failed" }, { method: "post" })}
          />
        ) : null}
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {progress && !running ? "Import more orders" : "Which orders"}
            </Text>
            <FormLayout>
              <FormLayout.Group>
                <TextField label="Created from" type="date" autoComplete="off" value={from} onChange={setFrom} max={today} />
                <TextField label="Created to (inclusive)" type="date" autoComplete="off" value={to} onChange={setTo} max={today} />
              </FormLayout.Group>
              <FormLayout.Group>
                <Select
                  label="Payment"
                  options={[
                    { label: "Paid orders (also those refunded since)", value: "paid" },
                    { label: "Any order", value: "any" },
                  ]}
                  value={criteria.financialStatus}
                  onChange={(v) => setCriteria({ ...criteria, financialStatus: v as Criteria["financialStatus"] })}
                />
                <Select
                  label="Fulfilment"
                  options={[
                    { label: "Any order", value: "any" },
                    { label: "Shipped orders only", value: "shipped" },
                  ]}
                  value={criteria.fulfillmentStatus}
                  onChange={(v) => setCriteria({ ...criteria, fulfillmentStatus: v as Criteria["fulfillmentStatus"] })}
                />
              </FormLayout.Group>
              <FormLayout.Group>
                <TextField label="Only orders tagged" autoComplete="off" value={criteria.includeTag} onChange={(v) => setCriteria({ ...criteria, includeTag: v })} />
                <TextField label="Leave out orders tagged" autoComplete="off" value={criteria.excludeTag} onChange={(v) => setCriteria({ ...criteria, excludeTag: v })} />
              </FormLayout.Group>
            </FormLayout>
            <Text as="p" tone="subdued">
              Each order gets the document your rules give it, once: orders that already have one are skipped. The import keeps to your accounting system&apos;s rate limit.
            </Text>
            {count.data ? (
              <Banner tone={count.data.ok ? "info" : "critical"} title={count.data.message} />
            ) : null}
            <InlineStack gap="200">
              <Button loading={count.state !== "idle"} onClick={() => count.submit({ intent: "count", ...fields }, { method: "post" })}>
                Count orders
              </Button>
              <Button
                variant="primary"
                disabled={!connected || running || !counted || counted.count === 0}
                loading={run.state !== "idle" && run.formData?.get("intent") === "start"}
                onClick={() => run.submit({ intent: "start", ...fields }, { method: "post" })}
              >
                {counted ? `Import ${counted.count} order(s)` : "Start import"}
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}

type Progress = NonNullable<Awaited<ReturnType<typeof importProgress>>>;

function ProgressCard({ progress, onCancel, onRetryFailed }: { progress: Progress; onCancel: () => void; onRetryFailed: () => void }) {
  const tone = progress.status === "done" ? "success" : progress.status === "running" ? "info" : "attention";
  const label = progress.status === "done" ? "Finished" : progress.status === "running" ? "Running" : "Stopped";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Orders created {progress.from} to {progress.to}
          </Text>
          <Badge tone={tone}>{label}</Badge>
        </InlineStack>
        <ProgressBar progress={progress.percent} tone={progress.failed > 0 ? "critical" : "primary"} ariaLabelledBy="import-percent" />
        <Text as="p" id="import-percent">
          {progress.percent}% of {Math.max(progress.total, progress.listed)} order(s)
        </Text>
        <InlineGrid columns={3} gap="400">
          <Figure label="Documented" value={progress.done} />
          <Figure label="Skipped" value={progress.skipped} />
          <Figure label="Failed" value={progress.failed} />
        </InlineGrid>
        {progress.failed > 0 ? (
          <BlockStack gap="200">
            <Text as="p">Each failed order is in the sync log with its reason. Fix the cause, then retry them here or one by one there.</Text>
            <InlineStack>
              <Button onClick={onRetryFailed}>Retry the failed orders</Button>
            </InlineStack>
          </BlockStack>
        ) : null}
        {progress.lastError ? <Banner tone="warning" title={progress.lastError} /> : null}
        {progress.status === "running" ? (
          <InlineStack>
            <Button tone="critical" onClick={onCancel}>
              Stop the import
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg" tone={label === "Failed" && value > 0 ? "critical" : undefined}>
        {value}
      </Text>
    </BlockStack>
  );
}
