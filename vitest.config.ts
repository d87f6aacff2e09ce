import { defineConfig } from "vitest/config";

// Two projects over real databases: every test on SQLite, and the database suites again on PostgreSQL.
// Without a PostgreSQL server the second project says it is skipped and why (under CI=true it fails).
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: "sqlite",
          include: ["test/unit/**/*.test.ts", "test/contract/**/*.test.ts", "test/integration/**/*.test.ts", "test/browser/**/*.test.ts"],
          globalSetup: ["test/setup/global-setup.ts"],
          setupFiles: ["test/setup/database.ts"],
          env: { IB_TEST_DB: "sqlite" },
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
