// The text of a PDF, read back with pdftotext (Debian's poppler-utils), for tests that check what a PDF
// says. Without pdftotext such tests are skipped with the reason; under CI=true they fail instead
// (.ci/run installs it).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe } from "vitest";

function findPdftotext(): string | null {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "pdftotext (poppler-utils) is not installed" : null;
  }
}

export const pdftotextMissing = findPdftotext();
if (pdftotextMissing && process.env.CI === "true") throw new Error(`PDF text tests cannot run under CI: ${pdftotextMissing}`);

/** A describe that needs pdftotext: skipped, with the reason in its title, where the machine lacks it. */
export const describeWithPdfText: typeof describe = Object.assign(
  (name: string, fn: () => void) => describe.skipIf(Boolean(pdftotextMissing))(pdftotextMissing ? `${name} (SKIPPED: ${pdftotextMissing})` : name, fn),
  describe,
) as typeof describe;

/** The PDF's text, laid out as on the page (`pdftotext -layout`). */
export function pdfText(bytes: Uint8Array): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ib-pdf-")), "document.pdf");
  fs.writeFileSync(file, bytes);
  return execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
}
