// The SMTP transport (nodemailer) that e-mails documents to buyers, made from SMTP_URL. The use cases see
// only the Mailer interface, which a nodemailer transport satisfies as it is, so that tests can pass a
// typed double and the demo the same transport pointed at the local SMTP sink.
import nodemailer from "nodemailer";
import type { Env } from "../lib/env.server";
import { PermanentError } from "../lib/errors";
import type { Logger } from "../lib/logger.server";

export type OutgoingMail = {
  from: string;
  to: string;
  bcc?: string;
  replyTo?: string;
  subject: string;
  text: string;
  /** Set by us, stable across retries of one delivery, so that a mailbox can drop a copy it already has. */
  messageId: string;
  attachments: Array<{ filename: string; content: Buffer; contentType: string }>;
};

/** The part of an SMTP error we read (nodemailer's NodemailerError has these fields). */
export type SmtpErrorLike = {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  recipient?: string;
  rejectedErrors?: SmtpErrorLike[];
  message?: string;
};

export type MailSent = {
  messageId: string;
  accepted: Array<string | { address: string }>;
  /** Recipients the server refused while it took the message for the others (RCPT answered 4xx or 5xx). */
  rejected: Array<string | { address: string }>;
  rejectedErrors?: SmtpErrorLike[];
  response: string;
};

export interface Mailer {
  sendMail(mail: OutgoingMail): Promise<MailSent>;
}

export type MailerOptions = {
  /** smtp://user:pass@host:587 or smtps://user:pass@host:465 */
  url: string;
  logger: Logger;
  /** Milliseconds; a server that stalls longer makes a retryable failure, not a stuck job. */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
};

/** The server of an SMTP URL without its login, the only form of it that may reach a log: "smtp://host:587". */
export function smtpServerLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return "(an invalid SMTP URL)";
  }
}

export function createMailer(options: MailerOptions): Mailer {
  const server = smtpServerLabel(options.url);
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.connectionTimeoutMs ?? 15_000,
    greetingTimeout: options.greetingTimeoutMs ?? 15_000,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
    // Attachments are buffers we made; a path or URL in a message would be a bug, never a file to read.
    disableFileAccess: true,
    disableUrlAccess: true,
    // nodemailer's own logger would print the AUTH exchange; ours logs the host only.
    logger: false,
  });
  const mailer: Mailer = transport;
  options.logger.info({ smtp: server }, "SMTP transport ready");
  return {
    async sendMail(mail) {
      try {
        const sent = await mailer.sendMail(mail);
        options.logger.info({ smtp: server, messageId: sent.messageId, rejected: sent.rejected.length }, "e-mail accepted by the SMTP server");
        return sent;
      } catch (error) {
        const e = error as SmtpErrorLike;
        options.logger.warn({ smtp: server, code: e.code, command: e.command, responseCode: e.responseCode }, "SMTP server did not take the e-mail");
        throw error;
      }
    },
  };
}

export type MailSetup = {
  mailer: Mailer;
  /** MAIL_FROM: the sender when a shop sets none of its own. */
  mailFrom: string | null;
};

/** The app's SMTP setup from the environment, or a clear refusal when it has none. */
export function mailSetupFromEnv(env: Pick<Env, "SMTP_URL" | "MAIL_FROM">, logger: Logger): MailSetup {
  if (!env.SMTP_URL) {
    throw new PermanentError(
      "mail_not_configured",
      "E-mail to buyers is not set up in this app (it has no SMTP server), so nothing was e-mailed. Ask the app's administrator to set SMTP_URL.",
    );
  }
  return { mailer: createMailer({ url: env.SMTP_URL, logger }), mailFrom: env.MAIL_FROM ?? null };
}
