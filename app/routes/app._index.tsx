// The dashboard: documents made today and this week, the failures that need the merchant, the
// connection's health, and the verification banner.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import db from "../db.server";
import { loadDashboard } from "../admin/dashboard.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // A shop with no accounting system starts with the set-up (same host, same embedded parameters).
  const connected = await db.connection.count({ where: { shopDomain: session.shop, status: { in: ["active", "paused"] } } });
  if (connected === 0) return redirect(`/app/onboarding${new URL(request.url).search}`);
  return loadDashboard(db, session.shop);
};

function Figure({ label, value, hint }: { label: string; value: number; hint?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl">
          {value}
        </Text>
        {hint ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {hint}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function Dashboard() {
  const { documents, failures, failureCount, connection } = useLoaderData<typeof loader>();
  return (
    <Page title="Dashboard">
      <BlockStack gap="400">
        <Layout>
          <Layout.Section>
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
              <Figure label="Invoices today" value={documents.today} />
              <Figure label="Invoices, last 7 days" value={documents.last7Days} />
              <Figure label="Credit notes, last 7 days" value={documents.creditNotesLast7Days} />
            </InlineGrid>
          </Layout.Section>
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Needs your attention
                  </Text>
                  <Badge tone={failureCount > 0 ? "critical" : "success"}>{failureCount > 0 ? `${failureCount} failed` : "Nothing failed"}</Badge>
                </InlineStack>
                {failures.length === 0 ? (
                  <Text as="p">Every order the app handled ended as a document, or was skipped for a reason you chose.</Text>
                ) : (
                  <BlockStack gap="200">
                    {failures.map((f) => (
                      <Box key={f.id} padding="300" background="bg-surface-critical" borderRadius="200">
                        <BlockStack gap="100">
                          <Text as="p" fontWeight="semibold">
                            {f.orderName ?? "Task"}
                          </Text>
                          <Text as="p">{f.message}</Text>
                        </BlockStack>
                      </Box>
                    ))}
                    <Link url="/app/log?status=failed">See all failures and retry them in the sync log</Link>
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Accounting system
                </Text>
                {connection ? (
                  <>
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="p" fontWeight="semibold">
                        {connection.name}
                      </Text>
                      <Badge tone={connection.status === "active" ? "success" : "critical"}>{connection.status === "active" ? "Connected" : "Paused"}</Badge>
                    </InlineStack>
                    {connection.message ? <Text as="p">{connection.message}</Text> : null}
                    <Text as="p" tone="subdued">
                      Last verified: {connection.verifiedAt ? `${connection.verifiedAt.slice(0, 16).replace("T", " ")} UTC` : "not yet"}
                    </Text>
                    <Link url="/app/connection">Connection and settings</Link>
                  </>
                ) : (
                  <Text as="p">No accounting system is connected yet. Start with onboarding.</Text>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}
