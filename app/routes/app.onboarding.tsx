// Onboarding: choose the accounting system, connect it (Test connection, or Visma's sign-in), pick its
// settings from its own lists, choose the essentials, and read what happens next. The step follows from
// what is stored (app/admin/onboarding.server.ts); the chosen system rides in the URL until it is saved.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, ChoiceList, FormLayout, InlineGrid, InlineStack, List, Page, ProgressBar, Select, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "../db.server";
import { CONNECTABLE, SYSTEMS, type Connectable } from "../admin/connectable";
import { connectionAction, credentialFields, isConnectable, loadConnection } from "../admin/connection.server";
import { finishOnboarding, loadEssentials, onboardingStep, onboardingSummary, saveEssentials, type Essentials, type OnboardingStep } from "../admin/onboarding.server";
import { FINANCIAL_STATUSES, statusLabel, TRIGGER_OPTIONS } from "../admin/order-statuses";
import { AppError } from "../lib/errors";
import { authenticate } from "../shopify.server";
import { ConnectForm, SettingsCard } from "../components/ConnectForm";
import { economicApprovalAvailable } from "../providers/economic/economic-connect.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const chosen = new URL(request.url).searchParams.get("provider");
  const provider = isConnectable(chosen) ? chosen : null;
  const step = await onboardingStep(db, session.shop, provider);
  // The connection's lists are read from the system only where a step shows them.
  const connection = step === "connect" || step === "settings" ? await loadConnection(db, session.shop) : null;
  const rates = connection?.rates ?? [];
  return {
    step,
    provider,
    fields: provider ? credentialFields(provider) : [],
    economicApproval: economicApprovalAvailable(),
    rates,
    connection,
    essentials: await loadEssentials(db, session.shop),
    summary: step === "summary" ? await onboardingSummary(db, session.shop) : null,
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "essentials") {
    try {
      await saveEssentials(db, session.shop, JSON.parse(String(form.get("essentials") ?? "{}")));
      return { intent, ok: true, message: "Saved." };
    } catch (error) {
      if (error instanceof AppError) return { intent, ok: false, message: error.merchantMessage };
      throw error;
    }
  }
  if (intent === "finish") {
    await finishOnboarding(db, session.shop);
    return { intent, ok: true, message: "Set-up finished." };
  }
  return connectionAction(db, session.shop, form);
};

const STEPS: Array<{ step: OnboardingStep; label: string }> = [
  { step: "choose", label: "Accounting system" },
  { step: "connect", label: "Connect" },
  { step: "settings", label: "Settings" },
  { step: "essentials", label: "When to invoice" },
  { step: "summary", label: "Summary" },
];

export default function Onboarding() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const index = Math.max(0, STEPS.findIndex((s) => s.step === data.step));
  const progress = data.step === "done" ? 100 : Math.round(((index + 1) / STEPS.length) * 100);
  useEffect(() => {
    if (data.step === "done") navigate("/app");
  }, [data.step, navigate]);
  return (
    <Page title="Set up Invoice Bridge" backAction={data.step === "connect" ? { content: "Choose another system", onAction: () => navigate("/app/onboarding") } : undefined}>
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="p" variant="bodySm" tone="subdued">
              Step {Math.min(index + 1, STEPS.length)} of {STEPS.length}: {STEPS[index]?.label}
            </Text>
            <ProgressBar progress={progress} size="small" tone="primary" animated={false} />
          </BlockStack>
        </Card>
        {data.step === "choose" ? <ChooseSystem onChoose={(type) => navigate(`/app/onboarding?provider=${type}`)} /> : null}
        {data.step === "connect" && data.provider ? (
          <ConnectForm
            type={data.provider}
            fields={data.fields}
            rates={data.rates}
            action="/app/onboarding"
            signInUrl="/app/connect/visma"
            approveUrl={data.economicApproval ? "/app/connect/economic" : undefined}
            onSaved={() => navigate("/app/onboarding")}
          />
        ) : null}
        {data.step === "settings" && data.connection?.connection ? (
          <BlockStack gap="400">
            {data.connection.choicesError ? <Banner tone="critical" title={data.connection.choicesError} /> : <Banner tone="info" title={`Connected to ${data.connection.connection.name}. Choose its settings.`} />}
            <SettingsCard
              type={data.connection.connection.type}
              settings={data.connection.connection.settings}
              choices={data.connection.choices}
              rates={data.rates}
              action="/app/onboarding"
              title={`Settings in ${data.connection.connection.name}`}
              onSaved={() => revalidator.revalidate()}
            />
          </BlockStack>
        ) : null}
        {data.step === "essentials" ? <EssentialsForm initial={data.essentials} onSaved={() => revalidator.revalidate()} /> : null}
        {data.step === "summary" && data.summary ? <Summary summary={data.summary} /> : null}
      </BlockStack>
    </Page>
  );
}

function ChooseSystem({ onChoose }: { onChoose: (type: Connectable) => void }) {
  return (
    <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
      {CONNECTABLE.map((type) => (
        <Card key={type}>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {SYSTEMS[type].name}
            </Text>
            <Text as="p" tone="subdued">
              {SYSTEMS[type].description}
            </Text>
            <InlineStack>
              <Button onClick={() => onChoose(type)} accessibilityLabel={`Choose ${SYSTEMS[type].name}`}>
                Choose
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      ))}
    </InlineGrid>
  );
}

function EssentialsForm({ initial, onSaved }: { initial: Essentials; onSaved: () => void }) {
  const [form, setForm] = useState<Essentials>(initial);
  const save = useFetcher<{ ok: boolean; message: string }>();
  useEffect(() => {
    if (save.data?.ok) onSaved();
  }, [save.data]);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          When the app makes a document
        </Text>
        <FormLayout>
          <Select
            label="Make a document when the order is"
            options={TRIGGER_OPTIONS}
            value={form.trigger}
            onChange={(v) => setForm({ ...form, trigger: v as Essentials["trigger"] })}
          />
          <Select
            label="Document"
            options={[
              { label: "A booked invoice (drafts during the verification period)", value: "invoice" },
              { label: "Always an invoice draft", value: "draft" },
            ]}
            value={form.documentKind}
            onChange={(v) => setForm({ ...form, documentKind: v as Essentials["documentKind"] })}
          />
          <ChoiceList
            title="Only orders with these payment statuses (none ticked: any)"
            allowMultiple
            choices={FINANCIAL_STATUSES.map((s) => ({ label: statusLabel(s), value: s }))}
            selected={form.financialStatuses}
            onChange={(v) => setForm({ ...form, financialStatuses: v as Essentials["financialStatuses"] })}
          />
        </FormLayout>
        {save.data && !save.data.ok ? <Banner tone="critical" title={save.data.message} /> : null}
        <InlineStack>
          <Button variant="primary" loading={save.state !== "idle"} onClick={() => save.submit({ intent: "essentials", essentials: JSON.stringify(form) }, { method: "post" })}>
            Save and continue
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function Summary({ summary }: { summary: { trigger: string; documentKind: string; verificationDays: number; verificationEndsOn: string } }) {
  const finish = useFetcher<{ ok: boolean }>();
  const navigate = useNavigate();
  useEffect(() => {
    if (finish.data?.ok) navigate("/app");
  }, [finish.data, navigate]);
  const when = summary.trigger === "manual" ? "only when staff use Generate invoice" : `when an order is ${summary.trigger}`;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          What happens next
        </Text>
        <List>
          <List.Item>The app makes a document {when}, following your rules.</List.Item>
          {summary.documentKind === "invoice" ? (
            <List.Item>
              For the first {summary.verificationDays} days (until {summary.verificationEndsOn}) it makes invoice drafts only: the verification period. Check them in your
              accounting system, then press “Start automatic booking” in the banner. Until you do, invoices stay drafts.
            </List.Item>
          ) : (
            <List.Item>It makes invoice drafts only; you book them in your accounting system.</List.Item>
          )}
          <List.Item>Every step is written in the sync log, with Retry where something needs you.</List.Item>
          <List.Item>Orders from before today are not documented; use Historical import to bring them in.</List.Item>
        </List>
        <Box>
          <Button variant="primary" loading={finish.state !== "idle"} onClick={() => finish.submit({ intent: "finish" }, { method: "post" })}>
            Finish set-up
          </Button>
        </Box>
      </BlockStack>
    </Card>
  );
}
