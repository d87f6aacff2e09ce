// The extensions as the Shopify CLI would take them: each shopify.extension.toml on the pinned API version, every
// target one that the pinned @shopify/ui-extensions knows, every module present, and each target bundled into one
// self-contained ES module (the offline stand-in for `shopify app build`).
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { apiVersionOf, buildExtensions, readExtensions } from "../../scripts/build-extensions";

describe("the UI extensions' configuration and build", () => {
  it("are on the API version of the pinned @shopify/ui-extensions, with known targets and existing modules", () => {
    const { apiVersion, targets, problems } = readExtensions();
    expect(apiVersion).toBe("2026-07");
    expect(problems).toEqual([]);
    expect(targets.map((t) => t.target)).toEqual(expect.arrayContaining(["admin.order-details.action.render", "admin.order-details.action.should-render", "admin.order-details.block.render"]));
  });

  it("reads a release's API version as the CLI does", () => {
    expect(apiVersionOf("2026.7.4")).toBe("2026-07");
    expect(apiVersionOf("2025.10.0")).toBe("2025-10");
  });

  it("bundles each target into one ES module with Preact inside and a default export", async () => {
    const targets = await buildExtensions();
    for (const t of targets) {
      const code = fs.readFileSync(t.bundle, "utf8");
      expect(code).toMatch(/export\s*\{[^}]*as default/);
      // nothing left for a host to resolve
      expect(code).not.toMatch(/from\s*["'](preact|@shopify\/ui-extensions)/);
    }
  }, 60_000);
});
