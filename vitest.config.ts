import { defineConfig } from "vitest/config";

// Projects over real databases: every test on SQLite, the database suites again on PostgreSQL, and the
// browser tests (the admin in Debian's chromium) on SQLite.
// Without a PostgreSQL server the second project says it is skipped and why (under CI=true it fails).
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: "sqlite",
          include: ["test/unit/**/*.test.ts", "test/contract/**/*.test.ts", "test/integration/**/*.test.ts"],
          globalSetup: ["test/setup/global-setup.ts"],
          setupFiles: ["test/setup/database.ts"],
          env: { IB_TEST_DB: "sqlite" },
        },
      },
      {
        // The admin in a real browser: the app built once, then one file at a time, after the other
        // projects (npm test runs it second), so that its build and browser do not crowd the timing tests.
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/setup/global-setup.ts", "test/setup/browser-build.ts"],
          setupFiles: ["test/setup/database.ts"],
          env: { IB_TEST_DB: "sqlite" },
          fileParallelism: false,
          testTimeout: 60_000,
        },
      },
      {
        // The Shopify UI extensions (Preact, s-* elements) in @shopify/ui-extensions-tester's mock host, on jsdom.
        esbuild: { jsx: "automatic", jsxImportSource: "preact" },
        test: {
          name: "extensions",
          include: ["extensions/**/tests/**/*.test.{ts,tsx}"],
          environment: "jsdom",
          // Inlined, so that the tester's import() of each target's module goes through Vite (TSX, Preact).
          server: { deps: { inline: ["@shopify/ui-extensions-tester"] } },
        },
      },
      {
        test: {
          name: "postgresql",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/setup/global-setup.ts"],
          setupFiles: ["test/setup/database.ts"],
          env: { IB_TEST_DB: "postgresql" },
        },
      },
    ],
  },
});
