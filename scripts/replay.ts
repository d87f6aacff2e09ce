// npm run replay -- FILE.json|DIR [--provider economic|visma|invoicexpress|shop] [--sales-tax combined|per-jurisdiction]
// Replays real Shopify order payloads through the app, offline: the sandbox's Shopify Admin simulator holds each
// order with exactly the payload's amounts, a signed orders/create goes through the real webhook intake, the worker
// makes the document in the chosen provider's simulator, and the document is printed next to Shopify's totals.
// Exit code 1 when any document's total differs from Shopify's current total by more than its explicit rounding
// line (or no booked document was made), 0 otherwise. A file may be a bare order payload, a captured delivery
// ({headers, body}), or {payload, company} (the company's names, which the payload does not carry).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    provider: { type: "string", default: "economic" },
    "sales-tax": { type: "string", default: "combined" },
    json: { type: "boolean", default: false },
  },
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-replay-"));
Object.assign(process.env, {
  IB_SANDBOX: "1",
  NODE_ENV: "development",
  DATABASE_URL: `file:${path.join(dataDir, "replay.sqlite")}`,
  DATA_DIR: dataDir,
  WORKER: "off",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
  SHOPIFY_APP_URL: "http://127.0.0.1:3000",
});

async function main(): Promise<number> {
  // The sandbox's Visma client, as the tests register it with the Visma simulator.
  const { VISMA_CLIENT } = await import("../test/helpers/visma-account");
  Object.assign(process.env, { VISMA_CLIENT_ID: VISMA_CLIENT.clientId, VISMA_CLIENT_SECRET: VISMA_CLIENT.clientSecret });
  // Migrated before the app's modules load: the session storage looks for its table as it starts.
  const { migrateDatabase } = await import("../app/db/migrations.server");
  await migrateDatabase(process.env.DATABASE_URL!);
  const { REPLAY_PROVIDERS, ReplaySandbox, readReplayFile, summaryLine, providerName } = await import("../test/helpers/replay");
  const provider = args.provider as (typeof REPLAY_PROVIDERS)[number];
  if (!REPLAY_PROVIDERS.includes(provider)) {
    console.error(`--provider is one of ${REPLAY_PROVIDERS.join(", ")}`);
    return 2;
  }
  const salesTax = args["sales-tax"];
  if (salesTax !== "combined" && salesTax !== "per-jurisdiction") {
    console.error("--sales-tax is combined or per-jurisdiction");
    return 2;
  }
  if (positionals.length === 0) {
    console.error("usage: npm run replay -- FILE.json|DIR [--provider economic|visma|invoicexpress|shop] [--sales-tax combined|per-jurisdiction]");
    return 2;
  }
  const files = positionals.flatMap((target) =>
    fs.statSync(target).isDirectory()
      ? fs.readdirSync(target).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(target, f))
      : [target],
  );

  const { default: db } = await import("../app/db.server");
  const sandbox = new ReplaySandbox({ db, dataDir, salesTax });
  await sandbox.start();
  let failed = 0;
  try {
    for (const file of files) {
      const name = path.relative(process.cwd(), file);
      let result;
      try {
        result = await sandbox.replay(readReplayFile(JSON.parse(fs.readFileSync(file, "utf8"))), provider);
      } catch (error) {
        failed += 1;
        console.log(`FAIL ${name}: ${(error as Error).message}`);
        continue;
      }
      if (!result.ok) failed += 1;
      if (args.json) {
        console.log(JSON.stringify({ file: name, ...result }));
      } else if (files.length > 1) {
        console.log(summaryLine(name, result));
      } else {
        printDetail(name, result, providerName(provider));
      }
    }
  } finally {
    await sandbox.close();
    await db.$disconnect();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (files.length > 1) console.log(`\n${files.length - failed} of ${files.length} replayed with the document's total equal to Shopify's.`);
  return failed > 0 ? 1 : 0;
}

function printDetail(file: string, r: Awaited<ReturnType<InstanceType<typeof import("../test/helpers/replay").ReplaySandbox>["replay"]>>, name: string) {
  console.log(`${file}: order ${r.orderName} (${r.currency}) → ${name}\n`);
  console.log("Shopify");
  for (const t of r.shopify.taxLines) console.log(`  tax line  ${t.title.padEnd(28)} ${t.rate.padEnd(8)} ${t.amount.padStart(12)}`);
  console.log(`  tax       ${"".padEnd(37)} ${r.shopify.tax.padStart(12)}`);
  console.log(`  total     ${"".padEnd(37)} ${r.shopify.total.padStart(12)}\n`);
  if (r.document) {
    console.log(`${name}: ${r.document.state} ${r.document.number ?? "(no number)"}, reference ${r.document.reference}`);
    for (const l of r.document.lines) {
      console.log(`  ${l.description.slice(0, 40).padEnd(40)} ${String(l.quantity).padStart(5)} × ${l.unitPrice.padStart(10)}  VAT ${String(l.vatRate ?? "-").padEnd(7)} ${l.total.padStart(12)}`);
    }
    for (const v of r.document.vat) console.log(`  VAT ${v.rate.padEnd(44)} ${v.amount.padStart(30)}`);
    console.log(`  total ${"".padEnd(42)} ${r.document.total.padStart(30)}\n`);
  } else {
    console.log(`${name}: no document\n`);
  }
  console.log("Sync log");
  for (const e of r.log) console.log(`  [${e.status}] ${e.message}`);
  console.log(`\n${r.ok ? "OK" : "DIFFERENT"}: document ${r.document?.total ?? "none"} vs Shopify ${r.shopify.total}${r.difference ? ` (difference ${r.difference})` : ""}${r.rounding ? `, including a rounding line of ${r.rounding}` : ""}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
