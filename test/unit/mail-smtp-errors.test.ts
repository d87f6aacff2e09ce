// SMTP failures as nodemailer reports them (the shapes of its NodemailerError), classified into what the
// EmailDelivery row becomes and what the merchant reads. The same classification meets a real SMTP
// server in test/integration/mail-send-document.test.ts.
import { describe, expect, it } from "vitest";
import { PermanentError, RetryableError } from "../../app/lib/errors";
import type { MailSent, SmtpErrorLike } from "../../app/mail/mailer.server";
import { buyerRefusal, classifySmtpFailure, otherRefusals } from "../../app/mail/smtp-errors";

const context = { invoiceNumber: "10001", to: "ana@example.pt", from: "Loja <faturas@loja.pt>" };

const rcptError = (recipient: string, response: string): SmtpErrorLike => ({
  code: "EENVELOPE",
  command: "RCPT TO",
  recipient,
  response,
  responseCode: Number(response.slice(0, 3)),
  message: `Recipient command failed: ${response}`,
});

describe("SMTP failures, classified once", () => {
  it.each([
    ["a 550 at RCPT TO", rcptError("ana@example.pt", "550 5.1.1 <ana@example.pt>: Recipient address rejected: User unknown"), "bounced", "mail_bounced"],
    ["a 554 after DATA", { code: "EMESSAGE", command: "DATA", response: "554 5.7.1 Message rejected as spam", responseCode: 554 }, "bounced", "mail_bounced"],
    ["a 553 at MAIL FROM", { code: "EENVELOPE", command: "MAIL FROM", response: "553 5.7.1 Sender not owned by user", responseCode: 553 }, "failed", "mail_sender_refused"],
    ["a 554 greeting", { code: "EPROTOCOL", command: "CONN", response: "554 No SMTP service here", responseCode: 554 }, "failed", "mail_server_refused"],
  ])("%s is permanent", (_name, error, status, code) => {
    // WHEN it is classified
    const failure = classifySmtpFailure(error, context);

    // THEN the row status and the error class follow the reply code and the step
    expect(failure.status).toBe(status);
    expect(failure.error).toBeInstanceOf(PermanentError);
    expect(failure.error.code).toBe(code);
    expect(failure.error.merchantMessage).toContain(error.response!);
  });

  it.each([
    ["a 421 at RCPT TO", rcptError("ana@example.pt", "421 4.7.0 Try again later"), 'the mail server answered "421 4.7.0 Try again later"'],
    ["a 451 after DATA", { code: "EMESSAGE", command: "DATA", response: "451 4.3.0 Local problem", responseCode: 451 }, 'the mail server answered "451 4.3.0 Local problem"'],
    ["a 503 bad sequence", { code: "EENVELOPE", command: "RCPT TO", response: "503 5.5.1 Bad sequence", responseCode: 503 }, 'the mail server answered "503 5.5.1 Bad sequence"'],
    ["a refused connection", { code: "ESOCKET", message: "connect ECONNREFUSED 127.0.0.1:2525", command: "CONN" }, "the mail server could not be reached"],
    ["a timeout", { code: "ETIMEDOUT", message: "Timeout", command: "CONN" }, "the mail server did not answer in time"],
    ["a dropped connection", { code: "ECONNECTION", message: "Connection closed unexpectedly" }, "the mail server closed the connection"],
    ["something unforeseen", new Error("boom"), "the mail server could not be used"],
  ])("%s is retryable and gives the claim back", (_name, error, why) => {
    // WHEN it is classified
    const failure = classifySmtpFailure(error, context);

    // THEN the claim is released ("failed") and the merchant reads that it will be sent again
    expect(failure.status).toBe("failed");
    expect(failure.error).toBeInstanceOf(RetryableError);
    expect(failure.error.merchantMessage).toBe(`The e-mail of invoice 10001 to ana@example.pt could not be sent yet: ${why}. It will be sent again automatically.`);
  });

  it("takes the buyer's own reply when every recipient was refused for different reasons", () => {
    // GIVEN the shop's copy deferred (451) and the buyer refused (550), as nodemailer reports it
    const error: SmtpErrorLike = {
      code: "EENVELOPE",
      command: "RCPT TO",
      response: "451 4.3.0 Try later",
      responseCode: 451,
      rejectedErrors: [rcptError("arquivo@loja.pt", "451 4.3.0 Try later"), rcptError("Ana@Example.pt", "550 5.1.1 User unknown")],
    };

    // THEN the buyer's bounce decides
    const failure = classifySmtpFailure(error, context);
    expect(failure.status).toBe("bounced");
    expect(failure.error.merchantMessage).toBe("The e-mail of invoice 10001 to ana@example.pt was refused: 550 5.1.1 User unknown. Check the buyer's address, then resend.");
  });

  it("retries a refused login: the app's SMTP setup is for its administrator to fix", () => {
    const failure = classifySmtpFailure({ code: "EAUTH", command: "AUTH PLAIN", response: "535 5.7.8 Authentication failed", responseCode: 535 }, context);
    expect(failure.status).toBe("failed");
    expect(failure.error).toBeInstanceOf(RetryableError);
    expect(failure.error.code).toBe("mail_login_refused");
  });

  it("finds the buyer refused among the recipients of a message the server took", () => {
    // GIVEN a message the server took for the shop's copy only
    const sent: MailSent = {
      messageId: "<m@x>",
      accepted: ["arquivo@loja.pt"],
      rejected: ["ana@example.pt"],
      rejectedErrors: [rcptError("ana@example.pt", "550 5.1.1 User unknown")],
      response: "250 OK",
    };

    // THEN that is the buyer's bounce, and no other recipient was refused
    expect(buyerRefusal(sent, context)?.status).toBe("bounced");
    expect(otherRefusals(sent, "ana@example.pt")).toEqual([]);
    expect(buyerRefusal({ ...sent, accepted: ["ana@example.pt"], rejected: [], rejectedErrors: [] }, context)).toBeNull();
  });
});
