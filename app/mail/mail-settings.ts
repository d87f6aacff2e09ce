// The shop's e-mail settings, the `mail` part of Shop.settings (JSON), read through zod. Each field falls
// back to its default on its own, so that one bad value (a mistyped BCC) does not also drop the shop's
// sender or template. The invoicing settings (app/invoicing/settings.ts) ignore this part.
import addressparser from "nodemailer/lib/addressparser";
import { z } from "zod";
import { DEFAULT_TEMPLATE, unknownPlaceholders } from "./template";

/** One mailbox, optionally with a display name: "Loja da Ana <ana@loja.pt>" or "ana@loja.pt". */
export function parseMailbox(value: string): { name: string; address: string } | null {
  const parsed = addressparser(value);
  if (parsed.length !== 1 || parsed[0].group) return null;
  const { name, address } = parsed[0];
  return z.email().safeParse(address).success ? { name: name ?? "", address: address ?? "" } : null;
}

const mailbox = z
  .string()
  .trim()
  .refine((value) => parseMailbox(value) !== null, { message: "must be one e-mail address, optionally with a name: Name <address@example.com>" });

/** A template as the merchant saves it: an unknown placeholder is refused, so that no buyer reads a raw "{{…}}". */
export const mailTemplateSchema = z
  .object({ subject: z.string().trim().min(1).max(300), body: z.string().trim().min(1).max(20_000) })
  .superRefine((template, context) => {
    for (const key of ["subject", "body"] as const) {
      const unknown = unknownPlaceholders(template[key]);
      if (unknown.length > 0) {
        context.addIssue({ code: "custom", path: [key], message: `unknown placeholder(s): ${unknown.map((name) => `{{${name}}}`).join(", ")}` });
      }
    }
  });

export const mailSettingsSchema = z.object({
  /** The sender; the app's MAIL_FROM when unset. It must be an address the SMTP server may send for (SPF, DMARC). */
  from: mailbox.optional(),
  /** Where the buyer's reply goes, typically the shop's own inbox when `from` is the app's address. */
  replyTo: mailbox.optional(),
  /** A blind copy of every invoice e-mail, for the shop's records. */
  bcc: mailbox.optional(),
  /** E-mail the invoice to the buyer when it is booked. Off unless the merchant turns it on: buyers get nothing unasked. */
  sendOnBooking: z.boolean().default(false),
  template: mailTemplateSchema.default(DEFAULT_TEMPLATE),
});

export type MailSettings = {
  from: string | null;
  replyTo: string | null;
  bcc: string | null;
  sendOnBooking: boolean;
  template: { subject: string; body: string };
};

const lenient = z.object({
  from: mailbox.optional().catch(undefined),
  replyTo: mailbox.optional().catch(undefined),
  bcc: mailbox.optional().catch(undefined),
  sendOnBooking: z.boolean().default(false).catch(false),
  template: mailTemplateSchema.default(DEFAULT_TEMPLATE).catch(DEFAULT_TEMPLATE),
});

/** The `mail` settings of a shop from its Shop.settings JSON; defaults for whatever is missing or invalid. */
export function readMailSettings(settingsJson: string | null | undefined): MailSettings {
  let raw: unknown = {};
  try {
    raw = settingsJson ? JSON.parse(settingsJson) : {};
  } catch {
    raw = {};
  }
  const mail = typeof raw === "object" && raw !== null ? (raw as { mail?: unknown }).mail : undefined;
  const parsed = lenient.safeParse(typeof mail === "object" && mail !== null ? mail : {});
  const settings = parsed.success ? parsed.data : lenient.parse({});
  return {
    from: settings.from ?? null,
    replyTo: settings.replyTo ?? null,
    bcc: settings.bcc ?? null,
    sendOnBooking: settings.sendOnBooking,
    template: settings.template,
  };
}
