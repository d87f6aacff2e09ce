import { describe, expect, it } from "vitest";
import { loadEnv, SANDBOX_API_KEY, SandboxRefusedError } from "../../app/lib/env.server";

const envOf = (values: Record<string, string>) => values as NodeJS.ProcessEnv;

describe("environment", () => {
  it("starts the sandbox with its own key and secret when nothing else is set", () => {
    const env = loadEnv(envOf({ IB_SANDBOX: "1" }));
    expect(env.SHOPIFY_API_KEY).toBe(SANDBOX_API_KEY);
    expect(env.SHOPIFY_APP_URL).toBe("http://127.0.0.1:3000");
  });

  it.each([
    ["SHOPIFY_API_KEY", { SHOPIFY_API_KEY: "a1b2c3real" }],
    ["SHOPIFY_API_SECRET", { SHOPIFY_API_SECRET: "shpss_real" }],
    ["SHOPIFY_APP_URL", { SHOPIFY_APP_URL: "https://invoice-bridge.example.com" }],
  ])("refuses the sandbox when the production %s is present", (name, extra) => {
    expect(() => loadEnv(envOf({ IB_SANDBOX: "1", ...extra }))).toThrow(SandboxRefusedError);
    expect(() => loadEnv(envOf({ IB_SANDBOX: "1", ...extra }))).toThrow(name);
  });

  it("never points a production app at a simulator", () => {
    expect(() =>
      loadEnv(envOf({
        SHOPIFY_API_KEY: "k",
        SHOPIFY_API_SECRET: "s",
        SHOPIFY_APP_URL: "https://x.example.com",
        ENCRYPTION_KEY: Buffer.alloc(32).toString("base64"),
        SHOPIFY_ADMIN_ENDPOINT: "http://127.0.0.1:9999",
      })),
    ).toThrow("sandbox");
  });

  it("names what production is missing", () => {
    expect(() => loadEnv(envOf({ SHOPIFY_API_KEY: "k" }))).toThrow("SHOPIFY_API_SECRET, SHOPIFY_APP_URL, ENCRYPTION_KEY");
  });
});
