// The SMTP sink itself, driven by nodemailer as the app drives it: what it keeps, and how its faults
// answer, so that the mail tests and the demo can trust it.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeCaughtMessage, SmtpSink } from "../simulators/smtp/server";

let sink: SmtpSink;
const transport = () => nodemailer.createTransport({ url: sink.urlWithLogin("demo", "demo-password"), socketTimeout: 2000 });
const message = (to: string, extra: Record<string, unknown> = {}) => ({
  from: "Shop <shop@example.com>",
  to,
  subject: "Invoice 7",
  text: "Hello",
  attachments: [{ filename: "Invoice-7.pdf", content: Buffer.from("%PDF-1.7 test"), contentType: "application/pdf" }],
  ...extra,
});

describe("the SMTP sink", () => {
  beforeAll(async () => {
    sink = new SmtpSink();
    await sink.start();
  });
  afterAll(() => sink.close());
  beforeEach(() => sink.reset());

  it("keeps each message with its envelope, headers, blind copies and attachments", async () => {
    // WHEN a message with a Cc and a Bcc is sent with a login
    const info = await transport().sendMail(message("ana@example.pt", { cc: "boss@example.com", bcc: "archive@example.com" }));

    // THEN the sink has it, parsed, with the blind copy recovered from the envelope
    expect(info.accepted).toEqual(["ana@example.pt", "boss@example.com", "archive@example.com"]);
    expect(sink.messages).toHaveLength(1);
    const [caught] = sink.messages;
    expect(caught).toMatchObject({
      username: "demo",
      envelope: { from: "shop@example.com", to: ["ana@example.pt", "boss@example.com", "archive@example.com"] },
      from: "shop@example.com",
      to: ["ana@example.pt"],
      cc: ["boss@example.com"],
      bcc: ["archive@example.com"],
      subject: "Invoice 7",
      messageId: info.messageId,
    });
    expect(caught.raw.toString("latin1")).not.toMatch(/^Bcc:/im);
    expect(caught.attachments).toEqual([{ filename: "Invoice-7.pdf", contentType: "application/pdf", bytes: Buffer.from("%PDF-1.7 test") }]);
    expect(describeCaughtMessage(caught)).toMatch(/shop@example\.com → ana@example\.pt \(bcc archive@example\.com\): "Invoice 7" \[Invoice-7\.pdf 0\.0 kB\]$/);
  });

  it("answers a hard bounce as a real relay does, per recipient, every time", async () => {
    // GIVEN an unknown mailbox
    sink.failRecipient("Nobody@Example.pt", { kind: "bounce" });

    // WHEN it is written to twice, the second time beside a good address
    const first = await transport().sendMail(message("nobody@example.pt")).catch((error: { response?: string; responseCode?: number }) => error);
    const second = await transport().sendMail(message("nobody@example.pt", { cc: "ana@example.pt" }));

    // THEN the refusal carries the real reply, and the good address still gets the message
    expect(first).toMatchObject({ responseCode: 550, response: "550 5.1.1 <nobody@example.pt>: Recipient address rejected: User unknown" });
    expect(second.rejected).toEqual(["nobody@example.pt"]);
    expect(sink.messagesTo("ana@example.pt")).toHaveLength(1);
    expect(sink.rcptAttempts.map((a) => a.answer)).toEqual([550, 550, 250]);
  });

  it("fails a recipient temporarily only as many times as asked", async () => {
    // GIVEN one 451
    sink.failRecipient("ana@example.pt", { kind: "temporary", times: 1 });

    // WHEN two attempts are made
    const first = await transport().sendMail(message("ana@example.pt")).catch((error: { responseCode?: number }) => error);
    await transport().sendMail(message("ana@example.pt"));

    // THEN the first is deferred and the second delivered
    expect(first).toMatchObject({ responseCode: 451 });
    expect(sink.messages).toHaveLength(1);
  });

  it("drops the connection on request", async () => {
    sink.failRecipient("ana@example.pt", { kind: "disconnect" });
    const error = await transport().sendMail(message("ana@example.pt")).catch((thrown: { code?: string }) => thrown);
    expect(error).toMatchObject({ code: "ECONNECTION" });
    expect(sink.messages).toHaveLength(0);
  });

  it("refuses logins when told to", async () => {
    sink.refuseLogins = true;
    const error = await transport().sendMail(message("ana@example.pt")).catch((thrown: { code?: string; responseCode?: number }) => thrown);
    expect(error).toMatchObject({ code: "EAUTH", responseCode: 535 });
  });
});
