import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: { port: Number(process.env.PORT || 3000), hmr: false },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
        v3_routeConfig: false,
      },
    }),
  ],
  // Polaris must be one module instance on each side: the app's pages and shopify-app-remix's AppProvider
  // (which provides Polaris's i18n context) are bundled together on the server, and pre-bundled together
  // in the browser (else a late re-optimisation loads a second React: "Invalid hook call").
  ssr: { noExternal: ["@shopify/polaris", "@shopify/shopify-app-remix"] },
  optimizeDeps: { include: ["@shopify/polaris", "@shopify/app-bridge-react", "@shopify/shopify-app-remix/react", "react", "react-dom", "react-dom/client"] },
  build: { assetsInlineLimit: 0 },
});
