// Connecting an accounting system, as the onboarding and the Connection page's "Reconnect" show it: the
// credentials with "Test connection" (which reads the system's lists), then the settings picked from those
// lists, then "Save". Visma signs in at Visma instead; the shop's own invoices need no credentials.
import { useFetcher, useNavigate } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { SYSTEMS, type Connectable, type CredentialField } from "../admin/connectable";
import { initialSettings, ProviderSettingsForm, type Settings } from "./ProviderSettingsForm";

type Choices = Record<string, Array<{ value: string; label: string; rate?: string }>>;
type Result = { intent: string; ok: boolean; message?: string; choices?: Choices };

export function ConnectForm(props: {
  type: Connectable;
  fields: CredentialField[];
  rates: string[];
  /** Where the test and save posts go (the page's own action). */
  action: string;
  /** Settings to start from (a reconnect keeps the merchant's). */
  settings?: Settings;
  /** Only Visma: its sign-in redirect. */
  signInUrl?: string;
  /** Only e-conomic, when the app's tokens are configured: its approval redirect (the grant token comes back by itself). */
  approveUrl?: string;
  onSaved?: () => void;
}) {
  const test = useFetcher<Result>();
  const save = useFetcher<Result>();
  const navigate = useNavigate();
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [settings, setSettings] = useState<Settings>(props.settings ?? {});
  const choices = test.data?.ok ? (test.data.choices ?? null) : null;
  const needsTest = props.fields.length > 0;
  const ready = !needsTest || choices !== null;
  const name = SYSTEMS[props.type].name;

  // The lists arrived: start from their first sensible choices.
  useEffect(() => {
    if (choices) setSettings((s) => initialSettings(props.type, s, choices, props.rates));
  }, [test.data]);
  useEffect(() => {
    if (save.data?.ok) props.onSaved?.();
  }, [save.data]);

  if (props.type === "visma") {
    return (
      <Card>
        <BlockStack gap="300">
          <Text as="p">Visma asks you to sign in and to allow Invoice Bridge to make invoices in your company. You come back here afterwards to choose the settings.</Text>
          <InlineStack>
            {/* The route answers with App Bridge's "leave the frame" redirect to Visma's sign-in page. */}
            <Button variant="primary" onClick={() => props.signInUrl && navigate(props.signInUrl)}>
              Sign in at Visma
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    );
  }

  return (
    <BlockStack gap="400">
      {needsTest ? (
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Your {name} account
            </Text>
            {props.approveUrl ? (
              <BlockStack gap="200">
                <Text as="p">Approve Invoice Bridge in e-conomic (you sign in there as the agreement&apos;s administrator); you come back here to choose the settings.</Text>
                <InlineStack>
                  <Button variant="primary" onClick={() => navigate(props.approveUrl!)}>
                    Approve in e-conomic
                  </Button>
                </InlineStack>
                <Text as="p" tone="subdued">
                  Or, if you already have an Agreement Grant Token for Invoice Bridge, enter it below.
                </Text>
              </BlockStack>
            ) : null}
            <FormLayout>
              {props.fields.map((field) => (
                <TextField
                  key={field.key}
                  label={field.label}
                  type={field.secret ? "password" : "text"}
                  autoComplete="off"
                  value={credentials[field.key] ?? ""}
                  onChange={(v) => setCredentials({ ...credentials, [field.key]: v })}
                  helpText={field.help}
                />
              ))}
            </FormLayout>
            {test.data && !test.data.ok ? <Banner tone="critical" title={test.data.message} /> : null}
            {choices ? <Banner tone="success" title={`Connected to ${name}. Now choose the settings below.`} /> : null}
            <InlineStack>
              <Button loading={test.state !== "idle"} onClick={() => test.submit({ intent: "test", type: props.type, credentials: JSON.stringify(credentials) }, { method: "post", action: props.action })}>
                Test connection
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      ) : null}
      {ready ? (
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {props.type === "shop" ? "Your details on the invoices" : `Settings in ${name}`}
            </Text>
            <ProviderSettingsForm type={props.type} settings={settings} choices={choices} rates={props.rates} onChange={setSettings} />
            {save.data && !save.data.ok ? <Banner tone="critical" title={save.data.message} /> : null}
            {save.data?.ok ? <Banner tone="success" title={save.data.message} /> : null}
            <InlineStack>
              <Button
                variant="primary"
                loading={save.state !== "idle"}
                onClick={() =>
                  save.submit(
                    { intent: "save", type: props.type, settings: JSON.stringify(settings), ...(needsTest ? { credentials: JSON.stringify(credentials) } : {}) },
                    { method: "post", action: props.action },
                  )
                }
              >
                Save and continue
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      ) : null}
    </BlockStack>
  );
}

/**
 * The settings of a connected system, with its lists read by the loader; saved with the stored credentials.
 * `onSaved` gets the confirmation: the page shows it, since a page that reloads its settings after a save may
 * draw this card anew (and its own banner with it).
 */
export function SettingsCard(props: { type: Connectable; settings: Settings; choices: Choices | null; rates: string[]; action: string; title: string; onSaved?: (message: string) => void }) {
  const save = useFetcher<Result>();
  const [settings, setSettings] = useState<Settings>(() => initialSettings(props.type, props.settings, props.choices, props.rates));
  useEffect(() => {
    if (save.data?.ok) props.onSaved?.(save.data.message ?? "Saved.");
  }, [save.data]);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {props.title}
        </Text>
        <ProviderSettingsForm type={props.type} settings={settings} choices={props.choices} rates={props.rates} onChange={setSettings} />
        {save.data && !save.data.ok ? <Banner tone="critical" title={save.data.message} /> : null}
        {save.data?.ok && !props.onSaved ? <Banner tone="success" title={save.data.message} /> : null}
        <InlineStack>
          <Button variant="primary" loading={save.state !== "idle"} onClick={() => save.submit({ intent: "save", type: props.type, settings: JSON.stringify(settings) }, { method: "post", action: props.action })}>
            Save settings
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
