// The first admin page: what the app received lately. The full admin (onboarding, connections, rules,
// the sync log with retry) comes with issue 6.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, Page, Text } from "@shopify/polaris";
import db from "../db.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const entries = await db.syncLogEntry.findMany({
    where: { shopDomain: session.shop },
    orderBy: { createdAt: "desc" },
    take: 50,
  });
  return {
    entries: entries.map((e) => ({ id: e.id, at: e.createdAt.toISOString(), status: e.status, message: e.message })),
  };
};

const tone = { done: "success", failed: "critical", retrying: "warning", skipped: "attention", queued: "info", info: "info" } as const;

export default function Index() {
  const { entries } = useLoaderData<typeof loader>();
  return (
    <Page title="Invoice Bridge">
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Sync log
            </Text>
            {entries.length === 0 ? (
              <Text as="p">Nothing yet. New orders appear here as Shopify sends them.</Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text"]}
                headings={["When", "Status", "What happened"]}
                rows={entries.map((e) => [
                  new Date(e.at).toLocaleString(),
                  <Badge key={e.id} tone={tone[e.status as keyof typeof tone] ?? "info"}>
                    {e.status}
                  </Badge>,
                  e.message,
                ])}
              />
            )}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
