import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useFetcher, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, InlineStack } from "@shopify/polaris";
import { useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "../shopify.server";
import { env } from "../lib/env.server";
import db from "../db.server";
import { verificationOf } from "../admin/dashboard.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await db.shop.findUnique({ where: { shopDomain: session.shop } });
  const verification = verificationOf(shop, new Date());
  const config = env();
  // In the sandbox, App Bridge is the local stand-in (app/sandbox): Shopify's CDN is not there to load it from.
  return { apiKey: config.SHOPIFY_API_KEY, appBridgeUrl: config.IB_SANDBOX ? "/sandbox/app-bridge.js" : undefined, verification };
};

export default function App() {
  const { apiKey, appBridgeUrl, verification } = useLoaderData<typeof loader>();
  const confirm = useFetcher();
  const [asking, setAsking] = useState(false);
  // During the set-up there are no drafts to check yet: the banner would only distract.
  const settingUp = useLocation().pathname.startsWith("/app/onboarding");
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Invoice Bridge
        </Link>
        <Link to="/app/invoices">Invoices</Link>
        <Link to="/app/log">Sync log</Link>
        <Link to="/app/rules">Rules</Link>
        <Link to="/app/connection">Connection</Link>
        <Link to="/app/email">E-mail</Link>
        <Link to="/app/import">Historical import</Link>
      </NavMenu>
      {verification.state !== "confirmed" && !settingUp ? (
        <Box paddingInline="400" paddingBlockStart="400">
          <Banner
            tone={verification.state === "running" ? "info" : "warning"}
            title={verification.state === "running" ? `Verification period: drafts only until ${verification.endsOn}` : "Automatic booking is waiting for you"}
            action={asking ? undefined : { content: "Start automatic booking", onAction: () => setAsking(true) }}
          >
            {asking ? (
              <BlockStack gap="200">
                <p>Have you checked the drafts in your accounting system? From now on, orders that meet your rules are booked.</p>
                <InlineStack gap="200">
                  <Button variant="primary" loading={confirm.state !== "idle"} onClick={() => confirm.submit({ intent: "confirm-booking" }, { method: "post", action: "/app/rules" })}>
                    Yes, start automatic booking
                  </Button>
                  <Button onClick={() => setAsking(false)}>Not yet</Button>
                </InlineStack>
              </BlockStack>
            ) : (
              <p>
                {verification.state === "running"
                  ? "Check the drafts the app makes in your accounting system. When they are right, start automatic booking."
                  : "The verification period is over. Invoices stay drafts until you start automatic booking."}
              </p>
            )}
          </Banner>
        </Box>
      ) : null}
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
