// Connection: the accounting system's status, when the app last reached it, the last error; check now,
// reconnect, disconnect (the documents are kept); and its settings, picked from its own lists.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import db from "../db.server";
import { connectionAction, credentialFields, loadConnection, type ConnectionActionResult } from "../admin/connection.server";
import { authenticate } from "../shopify.server";
import { ConnectForm, SettingsCard } from "../components/ConnectForm";
import { economicApprovalAvailable } from "../providers/economic/economic-connect.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const page = await loadConnection(db, session.shop);
  return { ...page, fields: page.connection ? credentialFields(page.connection.type) : [], economicApproval: economicApprovalAvailable() };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return connectionAction(db, session.shop, await request.formData());
};

const when = (iso: string | null) =>
  iso
    ? new Date(iso).toLocaleString("en-GB", {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone: "UTC",
      }) + " UTC"
    : "never";

export default function Connection() {
  const { connection, settingsProblem, choices, choicesError, rates, lastFailure, fields, economicApproval } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const act = useFetcher<ConnectionActionResult>();
  const [reconnecting, setReconnecting] = useState(false);
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  // The settings card is drawn anew when the saved settings come back, so its confirmation lives here.
  const [saved, setSaved] = useState<string | null>(null);

  const message = act.data && "message" in act.data ? act.data.message : null;
  if (!connection) {
    return (
      <Page title="Connection">
        <BlockStack gap="400">
          {message ? <Banner tone={act.data?.ok ? "success" : "critical"} title={message} /> : null}
          <Card>
            <BlockStack gap="300">
              <Text as="p">No accounting system is connected. Documents already made are kept in the Invoices page.</Text>
              <InlineStack>
                <Button variant="primary" onClick={() => navigate("/app/onboarding")}>
                  Connect an accounting system
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </BlockStack>
      </Page>
    );
  }
  const post = (intent: string) => act.submit({ intent }, { method: "post" });
  return (
    <Page title="Connection">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {message ? <Banner tone={act.data?.ok ? "success" : "critical"} title={message} onDismiss={() => revalidator.revalidate()} /> : null}
            <Card>
              <BlockStack gap="300">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    {connection.name}
                  </Text>
                  {connection.status === "active" ? <Badge tone="success">Connected</Badge> : <Badge tone="critical">Paused</Badge>}
                </InlineStack>
                {connection.account ? <Text as="p">Account: {connection.account}</Text> : null}
                <Text as="p">Last verified: {when(connection.verifiedAt)}</Text>
                {connection.statusMessage ? (
                  <Banner tone="critical" title="Orders wait until you reconnect">
                    {connection.statusMessage}
                  </Banner>
                ) : null}
                <Text as="p" tone={lastFailure ? undefined : "subdued"}>
                  Last error: {lastFailure ? `${lastFailure.message} (${when(lastFailure.at)})` : "none"}
                </Text>
                <InlineStack gap="200">
                  <Button loading={act.state !== "idle" && act.formData?.get("intent") === "check"} onClick={() => post("check")}>
                    Check now
                  </Button>
                  <Button onClick={() => setReconnecting(!reconnecting)}>Reconnect</Button>
                  <Button tone="critical" onClick={() => setConfirmDisconnect(true)}>
                    Disconnect
                  </Button>
                </InlineStack>
                {confirmDisconnect ? (
                  <Banner tone="warning" title={`Disconnect ${connection.name}?`}>
                    <BlockStack gap="200">
                      <p>
                        The app forgets its access. The documents made so far, and their PDFs, are kept. New orders are not documented until you connect again.
                      </p>
                      <InlineStack gap="200">
                        <Button variant="primary" tone="critical" onClick={() => post("disconnect")}>
                          Yes, disconnect
                        </Button>
                        <Button onClick={() => setConfirmDisconnect(false)}>Keep the connection</Button>
                      </InlineStack>
                    </BlockStack>
                  </Banner>
                ) : null}
              </BlockStack>
            </Card>
            {reconnecting ? (
              <ConnectForm
                type={connection.type}
                fields={fields}
                rates={rates}
                settings={connection.settings}
                action="/app/connection"
                signInUrl="/app/connect/visma"
                approveUrl={economicApproval ? "/app/connect/economic" : undefined}
                onSaved={() => {
                  setReconnecting(false);
                  revalidator.revalidate();
                }}
              />
            ) : null}
            {saved ? <Banner tone="success" title={saved} onDismiss={() => setSaved(null)} /> : null}
            {settingsProblem ? (
              <Banner tone="warning" title="Some settings are missing">
                {settingsProblem}
              </Banner>
            ) : null}
            {choicesError ? (
              <Banner tone="critical" title={`The lists could not be read from ${connection.name}`}>
                {choicesError}
              </Banner>
            ) : null}
            {/* Settings are picked from the system's own lists: without them (paused, or unreadable) there is nothing to pick from. */}
            {choices ? (
              <SettingsCard
                key={JSON.stringify(connection.settings)}
                type={connection.type}
                settings={connection.settings}
                choices={choices}
                rates={rates}
                action="/app/connection"
                title={`Settings in ${connection.name}`}
                onSaved={(text) => {
                  setSaved(text);
                  revalidator.revalidate();
                }}
              />
            ) : (
              <Card>
                <Text as="p">
                  {connection.status === "paused"
                    ? `Reconnect ${connection.name} to change its settings.`
                    : `The settings can be changed once ${connection.name} answers again.`}
                </Text>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
