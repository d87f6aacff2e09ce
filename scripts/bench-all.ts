// npm run bench [-- --quick --only cost,scale-out]
// Every benchmark of issue 16 (and the e-invoice's cost, issue 18) in turn, each in its own process (so one's memory and JIT do not colour the
// next), then one table: what was measured, the figure, the target and whether it is met. Each benchmark
// ends its output with one JSON line (`{"bench": …}`), which is what this reads; their full reports are
// kept under the run's folder and named at the end. --quick runs smaller sizes (a few minutes, not the
// better part of an hour); the CI's short check is `npm run bench:cost -- --check` (counts, not times).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false }, only: { type: "string" } } });
const root = path.resolve(import.meta.dirname, "..");
const reports = fs.mkdtempSync(path.join(os.tmpdir(), "ib-bench-"));
const quick = args.quick;

type Summary = Record<string, unknown>;
type Row = { area: string; measure: string; value: string; target: string; met: boolean | null };

/** The benchmarks, with the arguments of a full and a quick run, and the rows each summary gives. */
const benches: Array<{ name: string; script: string; full: string[]; quick: string[]; rows: (s: Summary) => Row[] }> = [
  {
    name: "webhooks",
    script: "scripts/bench-webhooks.ts",
    full: ["--count", "5000", "--rate", "500", "--fast-path", "on"],
    quick: ["--count", "2000", "--rate", "500", "--fast-path", "on"],
    rows: (s) => [
      row("1 intake", "p99 at 500/s, fast path (ms)", s.fastPathIntakeP99Ms, "≤ 25", (v) => v <= 25),
      row("1 intake", "p99 intake / p99 bare route", s.fastPathRatioP99, "≤ 1.5×", (v) => v <= 1.5, "×"),
      row("1 intake", "deliveries/s sustained", s.fastPathIntakePerSecond, "≥ 500", (v) => v >= 490),
    ],
  },
  {
    name: "cost",
    script: "scripts/bench-cost.ts",
    full: ["--orders", "300", "--latency-orders", "200"],
    quick: ["--orders", "100", "--latency-orders", "60"],
    rows: (s) => [
      row("2 pipeline", "warm invoices/s, one worker (e-conomic)", s.warmInvoicesPerSecond, "≥ 200", (v) => v >= 200),
      row("2 pipeline", "warm CPU ms per invoice (app only)", s.warmCpuMsPerInvoice, "—", null),
      row("2 pipeline", "warm SQL statements per invoice", s.warmSqlPerInvoice, "≤ baseline + 10%", null),
      row("2 pipeline", "cold invoices/s (customers, products made)", s.coldInvoicesPerSecond, "—", null),
      row("2 intake", "CPU ms per delivery (warm)", s.warmIntakeCpuMsPerDelivery, "—", null),
      row("5 latency", "webhook → booked p50 (ms)", s.latencyP50Ms, "≤ 2000", (v) => v <= 2000),
      row("5 latency", "webhook → booked p99 (ms)", s.latencyP99Ms, "—", null),
    ],
  },
  {
    name: "pipeline",
    script: "scripts/bench-pipeline.ts",
    full: ["--provider", "all", "--orders", "300"],
    quick: ["--provider", "all", "--orders", "60", "--burst", "300"],
    rows: (s) =>
      ((s.runs as Summary[] | undefined) ?? []).map((r) => ({
        area: "2 providers",
        measure: `${String(r.label)}: warm invoices/s (calls/invoice)`,
        value: r.warmInvoicesPerSecond === undefined ? `${String(r.booked)}/${String(r.expected)} booked, ${String(r.rejected429)} × 429` : `${String(r.warmInvoicesPerSecond)} (${String(r.warmCallsPerInvoice)})`,
        target: r.warmInvoicesPerSecond === undefined ? "0 × 429" : "all booked",
        met: r.booked === r.expected && (r.rejected429 ?? 0) === 0 && r.failedJobs === 0,
      })),
  },
  {
    name: "scale-out",
    script: "scripts/bench-scale-out.ts",
    full: ["--workers", "1,2,4", "--orders", "400"],
    quick: ["--workers", "1,2", "--orders", "100"],
    rows: (s) => [
      ...((s.runs as Summary[] | undefined) ?? []).map((r) =>
        row("3 scale-out", `${String(r.workers)} worker process(es): invoices/s (ratio to 1)`, r.invoicesPerSecond, "ratio grows (bounded by 2 cores)", null, ` (${String(r.ratioToOne)}×)`),
      ),
      row("3 scale-out", "overlapping runs of one order's jobs", s.overlaps, "0", (v) => v === 0),
      row("3 scale-out", "orders with 2+ invoices / none", typeof s.duplicates === "number" && typeof s.missing === "number" ? s.duplicates + s.missing : undefined, "0", (v) => v === 0),
    ],
  },
  {
    name: "import",
    script: "scripts/bench-import.ts",
    full: ["--orders", "10000"],
    quick: ["--orders", "500"],
    rows: (s) => [
      row("4 import", `${String(s.orders)} orders to Visma: seconds`, s.seconds, "—", null),
      row("4 import", "peak RSS (MB)", s.peakRssMb, "≤ 256", (v) => v <= 256),
      row("4 import", "Visma quota used (busiest endpoint)", s.vismaQuotaUsed, "≥ 0.90", (v) => v >= 0.9),
      row("4 import", "Visma 429s", s.visma429, "0", (v) => v === 0),
      row("4 import", "duplicates + failures", typeof s.duplicates === "number" && typeof s.failures === "number" ? s.duplicates + s.failures : undefined, "0", (v) => v === 0),
    ],
  },
  {
    name: "own-invoice",
    script: "scripts/bench-own-invoice.ts",
    full: ["--runs", "20"],
    quick: ["--runs", "7"],
    rows: (s) => [
      row("issue 18", "own invoice: PDF render, 10 lines (ms)", s.pdfMs, "—", null),
      row("issue 18", "its e-invoice: model, UBL, Factur-X (ms)", s.einvoiceMs, "—", null),
      // The PDF's render is most of an own invoice's time; the share of it is the closest honest measure here.
      row("issue 18", "e-invoice time / the PDF's", s.einvoiceShareOfPdf, "< 0.10 of an own invoice", (v) => v < 0.1),
    ],
  },
  {
    name: "admin-pages",
    script: "scripts/bench-admin-pages.ts",
    full: ["--runs", "3"],
    quick: ["--runs", "1"],
    rows: (s) =>
      Object.entries((s.pages as Record<string, Summary> | undefined) ?? {}).map(([page, m]) => ({
        area: "6 admin pages",
        measure: `${page}: LCP ms / CLS / INP ms (4× CPU slowdown)`,
        value: `${String(m.lcpMs)} / ${String(m.cls)} / ${String(m.inpMs)}`,
        target: "≤ 2500 / ≤ 0.1 / ≤ 200",
        met: m.withinLimits === true,
      })),
  },
];

function row(area: string, measure: string, value: unknown, target: string, ok: ((v: number) => boolean) | null, unit = ""): Row {
  if (typeof value !== "number") return { area, measure, value: "not measured", target, met: ok ? false : null };
  return { area, measure, value: `${value}${unit}`, target, met: ok ? ok(value) : null };
}

/** Runs one benchmark with its output shown as it comes and kept; returns its JSON summary. */
async function runBench(name: string, script: string, extra: string[]): Promise<Summary | null> {
  const log = path.join(reports, `${name}.log`);
  const out = fs.createWriteStream(log);
  console.log(`\n# ${name}: npx tsx ${script} ${extra.join(" ")}`);
  const child = spawn(process.execPath, ["--import", "tsx", script, ...extra], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let last: Summary | null = null;
  let pending = "";
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    out.write(chunk);
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith('{"bench"')) last = JSON.parse(line) as Summary;
  });
  child.stderr.on("data", (chunk: Buffer) => (process.stderr.write(chunk), out.write(chunk)));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (pending.startsWith('{"bench"')) last = JSON.parse(pending) as Summary;
  out.end();
  if (code !== 0) console.log(`${name} exited with ${code}; see ${log}`);
  return last;
}

const selected = args.only ? benches.filter((b) => args.only!.split(",").includes(b.name)) : benches;
const rows: Row[] = [];
const started = performance.now();
for (const bench of selected) {
  const summary = await runBench(bench.name, bench.script, quick ? bench.quick : bench.full);
  rows.push(...(summary ? bench.rows(summary) : [{ area: bench.name, measure: "the benchmark", value: "failed (no summary)", target: "—", met: false }]));
}

console.log(`\n## Issue 16, all figures (${quick ? "quick" : "full"} run, ${((performance.now() - started) / 60_000).toFixed(1)} min, ${os.cpus().length} cores)\n`);
console.log("| part | measure | figure | target | met |\n|---|---|---:|---|---|");
for (const r of rows) console.log(`| ${r.area} | ${r.measure} | ${r.value} | ${r.target} | ${r.met === null ? "—" : r.met ? "yes" : "**no**"} |`);
console.log(`\nFull reports: ${reports}`);
