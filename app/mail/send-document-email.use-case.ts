// E-mailing a booked document's PDF to its buyer, at most once per reason.
//
// 1. Everything that can be checked without the mail server is checked first (the document is booked,
//    there is a recipient and a sender, the stored PDF is the one we fetched), so that a refusal claims
//    nothing and a fix followed by a retry simply sends.
// 2. An EmailDelivery row, unique per (document, reason), is claimed before the SMTP server is called.
//    The same reason again (the same click, a retried job) finds the row and sends nothing. A failure
//    that a retry can cure gives the claim back ("failed"), and the retry takes it again with a
//    conditional update, so two retries at once still send once. A bounce is final for its reason; a
//    resend after a fix is a new reason ("resend:<request id>").
// 3. A crash between the server's "250 OK" and our update leaves the claim "claimed": we then report it
//    as in progress rather than send again. At most once per click wins over at least once; the merchant
//    sees it in the log and can resend.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/errors";
import { PermanentError, type AppError } from "../lib/errors";
import { writeSyncLog, type SyncStatus } from "../sync-log/sync-log.server";
import { composeDocumentEmail } from "./document-email";
import { readStoredPdf } from "./document-pdf";
import { readMailSettings, parseMailbox } from "./mail-settings";
import type { Mailer, MailSent } from "./mailer.server";
import { buyerRefusal, classifySmtpFailure, otherRefusals, type SmtpFailure } from "./smtp-errors";

/** "booking": sent when the invoice is booked (if the shop turned that on); "resend:<request id>": one click of Resend. */
export type SendReason = "booking" | `resend:${string}`;

export type SendDocumentEmailInput = {
  shopDomain: string;
  documentId: string;
  reason: SendReason;
  /** Another recipient than the order's e-mail (a resend to a corrected address). */
  to?: string;
  /** The job this runs in, for the log. */
  jobId?: string | null;
};

export type SendDocumentEmailDeps = {
  db: Db;
  mailer: Mailer;
  /** Where the stored PDFs live (DATA_DIR). */
  dataDir: string;
  /** The app's sender (MAIL_FROM), used when the shop sets none of its own. */
  mailFrom?: string | null;
  now?: () => Date;
};

export type SendDocumentEmailResult =
  | { status: "sent"; deliveryId: string; to: string; messageId: string }
  /** Sent before for this reason, or, on booking, already e-mailed by the accounting system (deliveryId null). */
  | { status: "already-sent"; deliveryId: string | null; to: string | null }
  | { status: "already-bounced"; deliveryId: string; to: string; error: string | null }
  | { status: "in-progress"; deliveryId: string; to: string }
  /** A booking, while the shop has not turned on "send on booking". */
  | { status: "not-enabled" };

/** A claim older than this was left by an attempt that stopped while sending (SMTP timeouts are far shorter). */
const STALE_CLAIM_MS = 15 * 60_000;

export async function sendDocumentEmail(input: SendDocumentEmailInput, deps: SendDocumentEmailDeps): Promise<SendDocumentEmailResult> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  if (input.reason !== "booking" && !/^resend:.+/.test(input.reason)) {
    throw new Error(`sendDocumentEmail: unknown reason "${input.reason}"`);
  }
  const document = await db.document.findFirst({ where: { id: input.documentId, shopDomain: input.shopDomain } });
  const log = (status: SyncStatus, message: string, detail: Record<string, unknown> = {}) =>
    writeSyncLog(db, {
      shopDomain: input.shopDomain,
      orderId: document?.orderId ?? null,
      orderName: document?.orderName ?? null,
      documentId: document?.id ?? null,
      jobId: input.jobId ?? null,
      status,
      message,
      detail: { reason: input.reason, ...detail },
    });
  const refuse = async (error: AppError) => {
    await log("failed", error.merchantMessage, { code: error.code });
    return error;
  };

  if (!document) {
    throw await refuse(new PermanentError("document_not_found", "The invoice to e-mail no longer exists, so nothing was sent."));
  }
  const order = document.orderName ?? document.orderId;
  const number = document.number;
  if (document.state !== "finalized" || !number) {
    throw await refuse(
      new PermanentError("document_not_booked", `Order ${order} has no booked invoice yet, so there is nothing to e-mail. Book it first, then send it.`),
    );
  }

  const shop = await db.shop.findUnique({ where: { shopDomain: input.shopDomain } });
  const settings = readMailSettings(shop?.settings);
  if (input.reason === "booking" && !settings.sendOnBooking) return { status: "not-enabled" };

  const key = { documentId_reason: { documentId: document.id, reason: input.reason } };
  const earlier = await db.emailDelivery.findUnique({ where: key });
  if (earlier && earlier.status !== "failed") return repeated(earlier);
  // InvoicExpress and Visma e-mail a booked invoice themselves (issue-document.use-case.ts marks it on the
  // document), and a resend may have come first: the booking e-mail must not give the buyer a second copy.
  if (input.reason === "booking" && !earlier && document.emailedAt) return { status: "already-sent", deliveryId: null, to: document.emailedTo };

  const to = (input.to ?? document.buyerEmail ?? "").trim();
  if (!to) {
    throw await refuse(
      new PermanentError(
        "no_buyer_email",
        `The order has no e-mail address, so invoice ${number} (order ${order}) was not e-mailed. Enter the buyer's address and resend.`,
      ),
    );
  }
  if (!z.email().safeParse(to).success) {
    throw await refuse(new PermanentError("invalid_email", `"${to}" is not an e-mail address, so invoice ${number} was not e-mailed. Correct it and resend.`));
  }
  const from = settings.from ?? deps.mailFrom ?? null;
  const sender = from ? parseMailbox(from) : null;
  if (!from || !sender) {
    throw await refuse(
      new PermanentError(
        "mail_not_configured",
        `Invoice ${number} was not e-mailed: no sender address is set. Enter one in the e-mail settings (or ask the app's administrator to set MAIL_FROM), then resend.`,
      ),
    );
  }
  const pdf = await readStoredPdf({ dataDir: deps.dataDir, documentId: document.id, invoiceNumber: number, pdfPath: document.pdfPath, pdfSha256: document.pdfSha256 }).catch(
    async (error: unknown) => {
      throw error instanceof PermanentError ? await refuse(error) : error;
    },
  );

  // The UBL e-invoice, where one was kept beside the PDF: the same checks, its own words.
  const einvoice = document.einvoicePath
    ? await readStoredPdf({ dataDir: deps.dataDir, documentId: document.id, invoiceNumber: number, pdfPath: document.einvoicePath, pdfSha256: document.einvoiceSha256 }).catch(
        async (error: unknown) => {
          if (!(error instanceof PermanentError)) throw error;
          throw await refuse(
            new PermanentError("einvoice_missing", `The stored e-invoice (UBL file) of invoice ${number} is missing or damaged, so it was not e-mailed. Fetch the PDF again (Retry), then resend.`, { cause: error }),
          );
        },
      )
    : null;

  const mail = composeDocumentEmail({
    document: { ...document, number },
    settings,
    from,
    to,
    pdf,
    einvoice,
    // The same id for every attempt of one (document, reason): a mailbox that got an attempt whose
    // answer we lost can recognise the retry as the same message.
    messageId: `<ib.${document.id}.${createHash("sha256").update(input.reason).digest("hex").slice(0, 16)}@${sender.address.split("@")[1]}>`,
  });
  const claimed = await claim(db, { key, shopDomain: input.shopDomain, documentId: document.id, reason: input.reason, to, bcc: mail.bcc ?? null, subject: mail.subject, now: now() });
  if ("earlier" in claimed) return repeated(claimed.earlier);
  const deliveryId = claimed.id;
  const context = { invoiceNumber: number, to, from };

  let sent: MailSent;
  try {
    sent = await deps.mailer.sendMail(mail);
  } catch (thrown) {
    throw await failed(classifySmtpFailure(thrown, context));
  }
  const refusal = buyerRefusal(sent, context);
  if (refusal) throw await failed(refusal);

  const sentAt = now();
  const copyRefused = otherRefusals(sent, to);
  await db.$transaction([
    db.emailDelivery.update({
      where: { id: deliveryId },
      data: {
        status: "sent",
        messageId: sent.messageId,
        sentAt,
        error: copyRefused.length > 0 ? copyRefused.map((r) => `${r.address}: ${r.reply ?? "refused"}`).join("; ") : null,
      },
    }),
    db.document.update({ where: { id: document.id }, data: { emailedAt: sentAt, emailedTo: to } }),
  ]);
  const copy = mail.bcc
    ? copyRefused.length > 0
      ? ` The shop's copy to ${mail.bcc} was refused: ${copyRefused[0].reply ?? "no reason given"}.`
      : ` A copy went to ${mail.bcc}.`
    : "";
  await log("done", `Invoice ${number} e-mailed to ${to} (order ${order}).${copy}`, { deliveryId, messageId: sent.messageId, bcc: mail.bcc ?? null });
  return { status: "sent", deliveryId, to, messageId: sent.messageId };

  async function failed(failure: SmtpFailure): Promise<AppError> {
    await db.emailDelivery.update({ where: { id: deliveryId }, data: { status: failure.status, error: failure.error.message } });
    await log(failure.error.kind === "retryable" ? "retrying" : "failed", failure.error.merchantMessage, {
      code: failure.error.code,
      deliveryId,
      smtp: failure.detail,
    });
    return failure.error;
  }

  async function repeated(row: EmailDeliveryRow): Promise<SendDocumentEmailResult> {
    if (row.status === "sent") return { status: "already-sent", deliveryId: row.id, to: row.toAddress };
    if (row.status === "bounced") return { status: "already-bounced", deliveryId: row.id, to: row.toAddress, error: row.error };
    if (now().getTime() - row.createdAt.getTime() > STALE_CLAIM_MS) {
      await log(
        "failed",
        `It is not known whether invoice ${number} reached ${row.toAddress}: an earlier attempt stopped while sending it. Ask the buyer, or resend it.`,
        { code: "mail_outcome_unknown", deliveryId: row.id },
      );
    }
    return { status: "in-progress", deliveryId: row.id, to: row.toAddress };
  }
}

type EmailDeliveryRow = NonNullable<Awaited<ReturnType<Db["emailDelivery"]["findUnique"]>>>;

/**
 * The delivery claimed for this attempt: a new row, or a released one ("failed") taken back with a
 * conditional update. Anything else is an earlier outcome, returned as it is.
 */
async function claim(
  db: Db,
  input: {
    key: { documentId_reason: { documentId: string; reason: string } };
    shopDomain: string;
    documentId: string;
    reason: string;
    to: string;
    bcc: string | null;
    subject: string;
    now: Date;
  },
): Promise<{ id: string } | { earlier: EmailDeliveryRow }> {
  const attempt = { toAddress: input.to, bcc: input.bcc, subject: input.subject, status: "claimed", error: null, createdAt: input.now };
  try {
    return await db.emailDelivery.create({
      data: { shopDomain: input.shopDomain, documentId: input.documentId, reason: input.reason, ...attempt },
      select: { id: true },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const existing = await db.emailDelivery.findUniqueOrThrow({ where: input.key });
  if (existing.status === "failed") {
    const { count } = await db.emailDelivery.updateMany({ where: { id: existing.id, status: "failed" }, data: attempt });
    if (count === 1) return { id: existing.id };
  }
  return { earlier: await db.emailDelivery.findUniqueOrThrow({ where: input.key }) };
}
