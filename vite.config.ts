import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig(({ isSsrBuild }) => ({
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
  // The server build stays one file (build/server/index.js): modules the app loads on first use (the PDF
  // library, soap, the e-invoice library) would otherwise be split into build/server/assets/, and code that
  // finds files beside itself (import.meta.dirname: migrations, the sandbox's extension host) would look there.
  build: { assetsInlineLimit: 0, ...(isSsrBuild ? { rollupOptions: { output: { inlineDynamicImports: true } } } : {}) },
}));
