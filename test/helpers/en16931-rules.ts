// The European Commission's own validation rules for EN 16931 (../shared/contracts/en16931/, release
// validation-1.3.16): a Schematron compiled to XSLT 2.0, one for UBL 2.1 and one for CII D16B. They are
// compiled once with xslt3 to SaxonJS's SEF format (about 15 s each), cached under
// node_modules/.cache/invoice-bridge/en16931/ by the XSLT's hash, and run with saxon-js (a few hundred ms
// per document). A document passes when the SVRL report has no failed assert flagged `fatal`.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

export type Syntax = "ubl" | "cii";
export type FailedAssert = { id: string; flag: string; location: string; text: string };
export type RulesReport = { fatal: FailedAssert[]; warnings: FailedAssert[] };

const root = path.resolve(import.meta.dirname, "../..");
export const EN16931_DIR = path.resolve(root, "../shared/contracts/en16931");
const CACHE_DIR = path.join(root, "node_modules/.cache/invoice-bridge/en16931");
const XSLT: Record<Syntax, string> = {
  ubl: path.join(EN16931_DIR, "ubl/EN16931-UBL-validation.xslt"),
  cii: path.join(EN16931_DIR, "cii/EN16931-CII-validation.xslt"),
};

const require = createRequire(import.meta.url);
type SaxonJs = {
  transform(options: { stylesheetText: string; sourceText: string; destination: "serialized" }, mode: "sync"): { principalResult: string };
};
let saxon: SaxonJs | undefined;
const stylesheets = new Map<Syntax, string>();

/** The compiled rules of one syntax: from the cache, or compiled now (and cached for every later run). */
export function compiledRules(syntax: Syntax): string {
  const cached = stylesheets.get(syntax);
  if (cached) return cached;
  if (!fs.existsSync(XSLT[syntax])) {
    throw new Error(`The EN 16931 validation rules are missing: ${XSLT[syntax]} (see ../shared/contracts/SOURCES.md)`);
  }
  const hash = createHash("sha256").update(fs.readFileSync(XSLT[syntax])).digest("hex").slice(0, 16);
  const sef = path.join(CACHE_DIR, `${syntax}-${hash}.sef.json`);
  if (!fs.existsSync(sef)) {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Written beside the cache and renamed, so that parallel test files never read half a file.
    const partial = `${sef}.${process.pid}.partial`;
    const xslt3 = require.resolve("xslt3/xslt3.js");
    execFileSync(process.execPath, [xslt3, `-xsl:${XSLT[syntax]}`, `-export:${partial}`, "-nogo", "-relocate:on"], { stdio: "pipe" });
    fs.renameSync(partial, sef);
  }
  const text = fs.readFileSync(sef, "utf8");
  stylesheets.set(syntax, text);
  return text;
}

function attribute(tag: string, name: string): string {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? "";
}

const decode = (text: string) =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** Runs the official rules on one document. */
export function validateEn16931(xml: string, syntax: Syntax): RulesReport {
  saxon ??= require("saxon-js") as SaxonJs;
  const svrl = saxon.transform({ stylesheetText: compiledRules(syntax), sourceText: xml, destination: "serialized" }, "sync").principalResult;
  const report: RulesReport = { fatal: [], warnings: [] };
  for (const match of svrl.matchAll(/<svrl:failed-assert\b([^>]*)>([\s\S]*?)<\/svrl:failed-assert>/g)) {
    const tag = match[1];
    const text = decode(/<svrl:text>([\s\S]*?)<\/svrl:text>/.exec(match[2])?.[1] ?? "").replace(/\s+/g, " ").trim();
    const assert = { id: attribute(tag, "id"), flag: attribute(tag, "flag"), location: decode(attribute(tag, "location")), text };
    (assert.flag === "fatal" ? report.fatal : report.warnings).push(assert);
  }
  return report;
}

/** "BR-CO-15 (fatal) at /Invoice: [BR-CO-15]-Invoice total amount with VAT …" for a test's message. */
export function describeAsserts(asserts: FailedAssert[]): string {
  return asserts.map((a) => `${a.id} (${a.flag}) at ${a.location}: ${a.text}`).join("\n");
}
