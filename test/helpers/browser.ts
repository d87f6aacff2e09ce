// Browser tests: the app's production build on a real port, in sandbox mode, opened in Debian's chromium
// through the sandbox's stand-in for the Shopify admin (app/sandbox), exactly as a merchant would see it.
// Without chromium the suite is skipped with the reason; under CI=true it fails instead (.ci/run installs it).
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium, type Browser, type Frame, type Page } from "playwright-core";
import { describe, expect } from "vitest";
import type { Db } from "../../app/db.server";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const browserMissing = fs.existsSync(CHROMIUM) ? null : `Debian's chromium is not installed at ${CHROMIUM}`;
if (browserMissing && process.env.CI === "true") throw new Error(`Browser tests cannot run under CI: ${browserMissing}`);

export const describeWithBrowser: typeof describe = Object.assign(
  (name: string, fn: () => void) => describe.skipIf(Boolean(browserMissing))(browserMissing ? `${name} (SKIPPED: ${browserMissing})` : name, fn),
  describe,
) as typeof describe;

const root = path.resolve(import.meta.dirname, "../..");
export const SCREENSHOTS = path.join(root, "test-results/screenshots");

/** Serves the app's production build (made once by test/setup/browser-build.ts) on a free port. */
export async function startApp(options: { port?: number } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const { startServer } = await import("../../server");
  const server = await startServer({ port: options.port ?? 0, host: "127.0.0.1", production: true });
  return { url: server.url, close: () => server.close() };
}

/** A port free right now, for a test whose app must know its own address before it starts (OAuth redirects). */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A page as a merchant's browser (the app turns away requests that look like bots), with no way out to the internet. */
export async function merchantPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
  });
  await page.route((url) => url.hostname !== "127.0.0.1", (route) => route.abort());
  return page;
}

/** Opens an app page in the stand-in admin and returns the app's frame once the page has rendered. */
export async function openAdmin(page: Page, appUrl: string, shop: string, appPath = "/app"): Promise<Frame> {
  await page.goto(`${appUrl}/sandbox/admin?${new URLSearchParams({ shop, page: appPath })}`);
  const frame = page.frameLocator('iframe[name="app-iframe"]');
  try {
    await frame.locator(".Polaris-Page").first().waitFor({ timeout: 15_000 });
  } catch (error) {
    const text = await frame.locator("body").innerText({ timeout: 1000 }).catch(() => "(no body)");
    throw new Error(`the app's page did not render in the stand-in admin; the frame shows: ${text.slice(0, 500)}`, { cause: error });
  }
  return page.frame({ name: "app-iframe" })!;
}

/**
 * Clicks what sends the merchant out of the admin's frame to an accounting system's sign-in or approval,
 * and waits until the app's callback has brought the browser back into the stand-in admin at `backTo`.
 * Returns the app's frame there.
 */
export async function leaveAndReturn(page: Page, appUrl: string, input: { callbackPath: string; click: () => Promise<void>; backTo?: string }): Promise<Frame> {
  const returned = page.waitForResponse((r) => r.url().startsWith(`${appUrl}${input.callbackPath}?`) && r.status() === 302);
  await input.click();
  await returned;
  await page.waitForURL((url) => url.pathname === "/sandbox/admin" && url.searchParams.get("page") === (input.backTo ?? "/app/onboarding"));
  await page.frameLocator('iframe[name="app-iframe"]').locator(".Polaris-Page").first().waitFor();
  return page.frame({ name: "app-iframe" })!;
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the frame's page. */
export async function seriousAccessibilityViolations(frame: Frame): Promise<Array<{ id: string; impact: string; help: string; nodes: number }>> {
  await frame.addScriptTag({ content: axeSource });
  const result = (await frame.evaluate(() => (window as unknown as { axe: { run: () => Promise<unknown> } }).axe.run())) as {
    violations: Array<{ id: string; impact: string; help: string; nodes: unknown[] }>;
  };
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
}

/** The app installed on a shop as Shopify leaves it: the offline session the admin pages authenticate with. */
export async function installApp(db: Db, shop: string, accessToken: string) {
  // The scopes the app asks for (app/shopify.server.ts), so that the session counts as current.
  await db.session.create({ data: { id: `offline_${shop}`, shop, state: "sandbox", isOnline: false, accessToken, scope: "write_orders,read_customers" } });
}

export { expect };
