// SMTP failures, classified once, here, by the reply code and the step that failed (never by message text):
//  - the buyer's address or the message refused for good (5xx at RCPT TO or DATA) → "bounced", permanent;
//  - our sender refused (5xx at MAIL FROM), or another 5xx → permanent, to be fixed in the mail settings;
//  - 4xx (and 503), a refused or dropped connection, a timeout, a refused login → retryable.
// RFC 5321 §4.2.1: 5yz is a permanent negative reply and 4yz a transient one. 503 (bad sequence) only says
// the session was in the wrong state, so the same message can go through on a new connection.
import { PermanentError, RetryableError, type AppError } from "../lib/errors";
import type { MailSent, SmtpErrorLike } from "./mailer.server";

export type SmtpFailure = {
  /** What the EmailDelivery row becomes: "bounced" is final; "failed" is released for a retry or a fix. */
  status: "bounced" | "failed";
  error: AppError;
  /** The technical facts for the log's detail: the SMTP step, the code and the server's reply. */
  detail: { code: string | null; command: string | null; responseCode: number | null; reply: string | null };
};

export type SmtpContext = { invoiceNumber: string; to: string; from: string };

export function isPermanentReply(responseCode: number): boolean {
  return responseCode >= 500 && responseCode < 600 && responseCode !== 503;
}

/** Nodemailer's own codes for failures of the connection rather than of the message. */
const CONNECTION_PROBLEMS: Record<string, string> = {
  ECONNECTION: "the mail server closed the connection",
  ETIMEDOUT: "the mail server did not answer in time",
  ESOCKET: "the mail server could not be reached",
  EDNS: "the mail server's name could not be resolved",
  ETLS: "a secure connection to the mail server could not be made",
  EPROTOCOL: "the mail server gave an answer that is not SMTP",
};

export function classifySmtpFailure(thrown: unknown, context: SmtpContext): SmtpFailure {
  const error: SmtpErrorLike = typeof thrown === "object" && thrown !== null ? (thrown as SmtpErrorLike) : { message: String(thrown) };
  // With a BCC in the envelope, the error of the whole envelope may carry the shop copy's reply; the
  // buyer's own reply is what counts.
  const own = error.rejectedErrors?.find((rejected) => sameAddress(rejected.recipient, context.to)) ?? error;
  const responseCode = own.responseCode ?? error.responseCode ?? null;
  const reply = own.response ?? error.response ?? null;
  const command = own.command ?? error.command ?? null;
  const detail = { code: error.code ?? null, command, responseCode, reply };
  const technical = `SMTP ${[detail.code, command, reply ?? error.message].filter(Boolean).join(" ")}`;
  const subject = `The e-mail of invoice ${context.invoiceNumber} to ${context.to}`;

  if (error.code === "EAUTH" || error.code === "ENOAUTH") {
    // The app's SMTP login (SMTP_URL) is the operator's to fix, not the merchant's; retried meanwhile.
    return {
      status: "failed",
      detail,
      error: new RetryableError(
        "mail_login_refused",
        `${subject} was not sent: the app's mail server refused its login${reply ? ` (${reply})` : ""}. It will be tried again; if this stays, tell the app's administrator.`,
        { detail: technical },
      ),
    };
  }
  if (responseCode !== null && isPermanentReply(responseCode)) {
    if (command === "RCPT TO" || command === "DATA") {
      return {
        status: "bounced",
        detail,
        error: new PermanentError("mail_bounced", `${subject} was refused: ${reply ?? responseCode}. Check the buyer's address, then resend.`, { detail: technical }),
      };
    }
    if (command === "MAIL FROM") {
      return {
        status: "failed",
        detail,
        error: new PermanentError(
          "mail_sender_refused",
          `${subject} was not sent: the mail server refused the sender ${context.from} (${reply ?? responseCode}). ` +
            "Set a sender address in the e-mail settings that your mail server may send for, then resend.",
          { detail: technical },
        ),
      };
    }
    return {
      status: "failed",
      detail,
      error: new PermanentError(
        "mail_server_refused",
        `${subject} was not sent: the mail server refused it (${reply ?? responseCode}). Check the app's mail setup, then resend.`,
        { detail: technical },
      ),
    };
  }
  const why =
    reply !== null
      ? `the mail server answered "${reply}"`
      : (CONNECTION_PROBLEMS[error.code ?? ""] ?? "the mail server could not be used");
  return {
    status: "failed",
    detail,
    error: new RetryableError("mail_temporarily_failed", `${subject} could not be sent yet: ${why}. It will be sent again automatically.`, {
      detail: technical,
    }),
  };
}

/**
 * The buyer refused while the server took the message for the shop's BCC copy: the send "succeeded",
 * but not for the buyer. The same classification applies to the buyer's own reply.
 */
export function buyerRefusal(sent: MailSent, context: SmtpContext): SmtpFailure | null {
  if (!sent.rejected.some((r) => sameAddress(addressOf(r), context.to))) return null;
  const own = sent.rejectedErrors?.find((e) => sameAddress(e.recipient, context.to));
  return classifySmtpFailure({ code: "EENVELOPE", command: "RCPT TO", ...own, rejectedErrors: undefined }, context);
}

/** Recipients other than the buyer (the shop's BCC) that the server refused, with its reply. */
export function otherRefusals(sent: MailSent, buyer: string): Array<{ address: string; reply: string | null }> {
  return sent.rejected
    .map(addressOf)
    .filter((address) => !sameAddress(address, buyer))
    .map((address) => ({ address, reply: sent.rejectedErrors?.find((e) => sameAddress(e.recipient, address))?.response ?? null }));
}

function addressOf(recipient: string | { address: string }): string {
  return typeof recipient === "string" ? recipient : recipient.address;
}

function sameAddress(a: string | undefined, b: string): boolean {
  return a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}
