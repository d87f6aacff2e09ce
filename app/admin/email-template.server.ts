// The e-mail template page's data: the shop's mail settings, a recent booked invoice whose real values fill
// the live preview, saving (validated: an unknown placeholder or a bad address is refused in words), and
// "send me a test": the template, filled for that invoice, to an address of the merchant's, with its PDF.
import { z } from "zod";
import type { Db } from "../db.server";
import { PermanentError } from "../lib/errors";
import { parseMailbox, mailSettingsSchema, readMailSettings } from "../mail/mail-settings";
import { composeDocumentEmail, templateValues } from "../mail/document-email";
import type { Mailer } from "../mail/mailer.server";
import { readStoredDocumentPdf } from "../documents/pdf-links.server";
import { updateShopSettings } from "./shop-settings.server";

export async function loadEmailTemplate(db: Db, shopDomain: string) {
  const shop = await db.shop.findUnique({ where: { shopDomain } });
  const settings = readMailSettings(shop?.settings);
  const recent = await db.document.findFirst({ where: { shopDomain, kind: "invoice", state: "finalized", number: { not: null } }, orderBy: { updatedAt: "desc" } });
  const values = recent
    ? templateValues({ ...recent, number: recent.number! }, settings)
    : { invoice_number: "10001", order_name: "#1001", due_date: new Date().toISOString().slice(0, 10), customer_name: "Anna Berg", shop_name: shopDomain.replace(/\.myshopify\.com$/, "") };
  return { settings, values, previewFrom: recent ? `invoice ${recent.number} of order ${recent.orderName ?? recent.orderId}` : "an example invoice" };
}

const FORM = mailSettingsSchema.extend({ from: z.string().trim().optional(), replyTo: z.string().trim().optional(), bcc: z.string().trim().optional() });

export async function saveEmailTemplate(db: Db, shopDomain: string, input: unknown) {
  const raw = FORM.safeParse(input);
  const cleaned = raw.success ? Object.fromEntries(Object.entries(raw.data).filter(([, v]) => v !== "" && v !== undefined)) : input;
  const parsed = mailSettingsSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new PermanentError("mail_settings_invalid", `The e-mail settings were not saved: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`);
  }
  await updateShopSettings(db, shopDomain, (current) => ({ ...current, mail: parsed.data }));
  return parsed.data;
}

export async function sendTestEmail(db: Db, shopDomain: string, input: { to: string; dataDir: string; mailer: Mailer; mailFrom: string | null }) {
  if (!parseMailbox(input.to)) throw new PermanentError("mail_test_address", "Enter one e-mail address to send the test to.");
  const shop = await db.shop.findUnique({ where: { shopDomain } });
  const settings = readMailSettings(shop?.settings);
  const from = settings.from ?? input.mailFrom;
  if (!from) throw new PermanentError("mail_sender_missing", "No sender address is set: enter one above, or ask the app's administrator to set MAIL_FROM.");
  const recent = await db.document.findFirst({ where: { shopDomain, kind: "invoice", state: "finalized", number: { not: null }, pdfPath: { not: null } }, orderBy: { updatedAt: "desc" } });
  if (!recent) throw new PermanentError("mail_test_no_invoice", "A test needs one booked invoice to show; there is none yet.");
  const pdf = await readStoredDocumentPdf(db, recent.id, input.dataDir);
  if (!pdf) throw new PermanentError("mail_test_pdf", `The PDF of invoice ${recent.number} is not stored; open it once from Invoices, then try again.`);
  const mail = composeDocumentEmail({ document: { ...recent, number: recent.number! }, settings: { ...settings, bcc: null }, from, to: input.to, pdf: pdf.bytes, messageId: `<test-${Date.now()}@invoice-bridge>` });
  await input.mailer.sendMail({ ...mail, subject: `[Test] ${mail.subject}` });
  return { to: input.to, invoice: recent.number };
}
