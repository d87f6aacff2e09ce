import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../app/lib/env.server";
import { PermanentError } from "../../app/lib/errors";
import { logger } from "../../app/lib/logger.server";
import { readStoredPdf, PdfMissingError } from "../../app/mail/document-pdf";
import { mailSetupFromEnv, smtpServerLabel } from "../../app/mail/mailer.server";

const envOf = (values: Record<string, string>) => ({ IB_SANDBOX: "1", ...values }) as Record<string, string> as NodeJS.ProcessEnv;

describe("the app's SMTP setup", () => {
  it("takes an smtp:// or smtps:// URL and a sender from the environment", () => {
    const env = loadEnv(envOf({ SMTP_URL: "smtps://mailer:pa55@smtp.example.com:465", MAIL_FROM: "Invoices <invoices@example.com>" }));
    expect(env).toMatchObject({ SMTP_URL: "smtps://mailer:pa55@smtp.example.com:465", MAIL_FROM: "Invoices <invoices@example.com>" });
    expect(loadEnv(envOf({})).SMTP_URL).toBeUndefined();
  });

  it("refuses another scheme without repeating the URL (it may hold the password)", () => {
    expect(() => loadEnv(envOf({ SMTP_URL: "https://mailer:pa55@smtp.example.com" }))).toThrow("SMTP_URL: must be an smtp:// or smtps:// URL");
    expect(() => loadEnv(envOf({ SMTP_URL: "https://mailer:pa55@smtp.example.com" }))).not.toThrow("pa55");
  });

  it("names the server for logs without its login", () => {
    expect(smtpServerLabel("smtp://mailer:pa55@smtp.example.com:587")).toBe("smtp://smtp.example.com:587");
    expect(smtpServerLabel("not a url pa55")).toBe("(an invalid SMTP URL)");
  });

  it("says that e-mail is not set up when there is no SMTP_URL", () => {
    let error: unknown;
    try {
      mailSetupFromEnv({ SMTP_URL: undefined, MAIL_FROM: "a@b.pt" }, logger);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: "mail_not_configured" });
    expect(mailSetupFromEnv({ SMTP_URL: "smtp://127.0.0.1:2525", MAIL_FROM: "a@b.pt" }, logger).mailFrom).toBe("a@b.pt");
  });
});

describe("the stored PDF of an e-mail", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-mail-pdf-"));
  const input = { dataDir, documentId: "doc-1", invoiceNumber: "10001", pdfSha256: "0".repeat(64) };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("is refused when its path leaves the data folder, and read nothing from there", async () => {
    await expect(readStoredPdf({ ...input, pdfPath: "../../etc/passwd" })).rejects.toBeInstanceOf(PdfMissingError);
  });

  it("is missing when the document has none", async () => {
    await expect(readStoredPdf({ ...input, pdfPath: null })).rejects.toMatchObject({ code: "pdf_missing", problem: "missing" });
  });
});
