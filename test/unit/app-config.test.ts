import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { ACCESS_SCOPES, API_VERSION } from "../../app/shopify.server";
import { TOPIC_JOBS } from "../../app/jobs/topics";

type Toml = {
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }> };
};
const tomlText = fs.readFileSync("shopify.app.toml", "utf8");
const toml = parse(tomlText) as unknown as Toml;

describe("shopify.app.toml", () => {
  it("pins the same Admin API version as the app, the newest shopify-api 15 offers", () => {
    expect(API_VERSION).toBe("2026-10");
    expect(toml.webhooks.api_version).toBe(API_VERSION);
  });

  it("asks for exactly the scopes the app declares", () => {
    expect(toml.access_scopes.scopes.split(",").sort()).toEqual([...ACCESS_SCOPES].sort());
  });

  it("subscribes to every topic the app has a job for, and to nothing else", () => {
    const subscribed = toml.webhooks.subscriptions.flatMap((s) => [...(s.topics ?? []), ...(s.compliance_topics ?? [])]);
    const handled = Object.keys(TOPIC_JOBS).map((key) => key.toLowerCase().replace("_", "/"));
    expect(subscribed.sort()).toEqual(handled.sort());
    expect(toml.webhooks.subscriptions.find((s) => s.compliance_topics)?.compliance_topics?.sort()).toEqual([
      "customers/data_request",
      "customers/redact",
      "shop/redact",
    ]);
  });

  it("points each subscription at a route file that exists, named in the comment above it", () => {
    for (const subscription of toml.webhooks.subscriptions) {
      const file = `app/routes/${subscription.uri.slice(1).replaceAll("/", ".")}.tsx`;
      expect(fs.existsSync(path.resolve(file)), file).toBe(true);
      const block = tomlText.slice(0, tomlText.indexOf(`uri = "${subscription.uri}"`));
      const comment = block.slice(block.lastIndexOf("# Handled by"));
      expect(comment).toContain(file);
    }
  });
});
