// npm run build:extensions — bundles every target module of every extension under extensions/ into
// extensions/<extension>/dist/<target>.js, one self-contained ES module each (Preact included), as the Shopify CLI
// builds them (`shopify app build`, which needs a Partner login, is not available offline). It also checks what the
// CLI would refuse: an api_version other than the pinned @shopify/ui-extensions release's, a target that release
// does not know, a module that does not exist. The sandbox's stand-in order page serves these bundles.
import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { build } from "vite";

const root = path.resolve(import.meta.dirname, "..");

export type ExtensionTarget = { extension: string; handle: string; target: string; module: string; bundle: string };

/** "2026.7.4" → "2026-07": the API version a @shopify/ui-extensions release is for. */
export function apiVersionOf(packageVersion: string): string {
  const [year, month] = packageVersion.split(".");
  return `${year}-${month.padStart(2, "0")}`;
}

export function readExtensions(): { apiVersion: string; targets: ExtensionTarget[]; problems: string[] } {
  const pinned = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@shopify/ui-extensions"];
  const apiVersion = apiVersionOf(pinned);
  const known = new Set(
    fs.readdirSync(path.join(root, "node_modules/@shopify/ui-extensions/build/ts/surfaces"), { recursive: true, encoding: "utf8" })
      .filter((file) => file.includes("targets/") && file.endsWith(".d.ts"))
      .map((file) => path.basename(file, ".d.ts")),
  );
  const problems: string[] = [];
  const targets: ExtensionTarget[] = [];
  for (const extension of fs.readdirSync(path.join(root, "extensions"), { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const dir = path.join(root, "extensions", extension.name);
    const tomlFile = path.join(dir, "shopify.extension.toml");
    if (!fs.existsSync(tomlFile)) continue;
    const toml = parse(fs.readFileSync(tomlFile, "utf8")) as { api_version?: string; extensions?: Array<{ handle: string; targeting?: Array<{ target: string; module: string }> }> };
    if (toml.api_version !== apiVersion) problems.push(`${extension.name}: api_version is ${String(toml.api_version)}, but @shopify/ui-extensions ${pinned} is ${apiVersion}`);
    for (const ext of toml.extensions ?? []) {
      for (const t of ext.targeting ?? []) {
        if (!known.has(t.target)) problems.push(`${extension.name}: @shopify/ui-extensions ${pinned} has no target ${t.target}`);
        const module = path.resolve(dir, t.module);
        if (!fs.existsSync(module)) problems.push(`${extension.name}: ${t.target} names ${t.module}, which does not exist`);
        targets.push({ extension: extension.name, handle: ext.handle, target: t.target, module, bundle: path.join(dir, "dist", `${t.target}.js`) });
      }
    }
  }
  return { apiVersion, targets, problems };
}

export async function buildExtensions(): Promise<ExtensionTarget[]> {
  const { targets, problems } = readExtensions();
  if (problems.length > 0) throw new Error(`extensions not built:\n  ${problems.join("\n  ")}`);
  for (const t of targets) {
    await build({
      configFile: false,
      logLevel: "warn",
      esbuild: { jsx: "automatic", jsxImportSource: "preact" },
      // Customer-account extensions call the app at its address (they have no relative fetch to it, as admin
      // extensions do): the app's URL at build time, empty in the sandbox, whose host serves them from the app.
      define: { "process.env.INVOICE_BRIDGE_APP_URL": JSON.stringify(process.env.SHOPIFY_APP_URL ?? "") },
      build: {
        outDir: path.dirname(t.bundle),
        emptyOutDir: false,
        minify: true,
        lib: { entry: t.module, formats: ["es"], fileName: () => path.basename(t.bundle) },
      },
    });
  }
  return targets;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildExtensions().then(
    (targets) => {
      for (const t of targets) console.log(`built ${path.relative(root, t.bundle)} (${fs.statSync(t.bundle).size} bytes) from ${path.relative(root, t.module)}`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
