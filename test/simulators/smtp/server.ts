// A local SMTP sink: a real SMTP server (smtp-server) on loopback that takes every message and keeps it,
// parsed (postal-mime), for the tests and for the demo to print. Like a real relay it answers each
// recipient in the envelope; faults make chosen recipients fail the way real servers fail: a hard
// bounce (550 5.1.1 user unknown), a temporary failure (421/450/451/452), a dropped connection, or
// silence until the client's timeout.
//
// It takes any login, or none (authOptional), over plain text: the app's SMTP URL for the sandbox is
// smtp://user:pass@127.0.0.1:PORT. STARTTLS is not offered, because its built-in certificate is
// self-signed and a real client rightly refuses it.
import PostalMime, { type Address } from "postal-mime";
import { SMTPServer, type SMTPServerSession } from "smtp-server";

export type RecipientFault =
  /** "550 5.1.1 <addr>: Recipient address rejected: User unknown" (or the reply given). */
  | { kind: "bounce"; reply?: string; code?: number }
  /** 421 closes the connection after answering, as real servers do; 450/451/452 keep it open. */
  | { kind: "temporary"; code?: 421 | 450 | 451 | 452; reply?: string }
  /** The server drops the connection without an answer. */
  | { kind: "disconnect" }
  /** The server never answers; the client's socket timeout ends it. */
  | { kind: "stall" };

export type FaultRule = RecipientFault & {
  /** Where the fault strikes: at RCPT TO for this address (default), or at the end of DATA. */
  at?: "rcpt" | "data";
  /** How many attempts it affects; every attempt when absent. */
  times?: number;
};

export type CaughtAttachment = { filename: string | null; contentType: string; bytes: Buffer };

export type CaughtMessage = {
  receivedAt: Date;
  /** The login the client used, if any (the password is not kept). */
  username: string | null;
  envelope: { from: string | null; to: string[] };
  raw: Buffer;
  messageId: string | null;
  subject: string;
  from: string | null;
  replyTo: string[];
  to: string[];
  cc: string[];
  /** Envelope recipients that no To or Cc header names: the blind copies. */
  bcc: string[];
  text: string;
  attachments: CaughtAttachment[];
};

/** One RCPT TO as the server answered it, for tests that count attempts. */
export type RcptAttempt = { to: string; answer: number };

export class SmtpSink {
  readonly messages: CaughtMessage[] = [];
  readonly rcptAttempts: RcptAttempt[] = [];
  /** Refuse every login with 535, as a server does for a wrong password. */
  refuseLogins = false;
  private faults = new Map<string, Array<FaultRule & { remaining: number }>>();
  private server: SMTPServer | null = null;
  private port = 0;

  get url(): string {
    if (!this.server) throw new Error("SmtpSink is not started");
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The URL with a login in it, as the app's SMTP_URL would carry one. */
  urlWithLogin(username: string, password: string): string {
    return `smtp://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  async start(options: { port?: number } = {}): Promise<string> {
    const server = new SMTPServer({
      name: "smtp-sink.invoice-bridge.test",
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      size: 25 * 1024 * 1024,
      onAuth: (auth, _session, callback) => {
        if (this.refuseLogins) {
          const error = Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 });
          return callback(error);
        }
        callback(null, { user: auth.username ?? "anonymous" });
      },
      onRcptTo: (address, session, callback) => {
        const fault = this.takeFault(address.address, "rcpt");
        if (!fault) {
          this.rcptAttempts.push({ to: address.address, answer: 250 });
          return callback();
        }
        this.answerFault(fault, address.address, session, callback);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const recipients = session.envelope.rcptTo.map((r) => r.address);
          const fault = recipients.map((to) => ({ to, fault: this.takeFault(to, "data") })).find((f) => f.fault);
          if (fault?.fault) return this.answerFault(fault.fault, fault.to, session, callback);
          this.record(Buffer.concat(chunks), session).then(
            () => callback(),
            (error: unknown) => callback(Object.assign(new Error(`Message not parsed: ${String(error)}`), { responseCode: 451 })),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    server.on("error", () => undefined);
    this.server = server;
    this.port = (server.server.address() as { port: number }).port;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const connection of server.connections) connection._socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Makes this recipient fail (case-insensitive), at RCPT TO unless `at: "data"`. */
  failRecipient(address: string, rule: FaultRule): void {
    const key = address.toLowerCase();
    this.faults.set(key, [...(this.faults.get(key) ?? []), { ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }]);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Forgets the messages, the attempts and the faults, between tests. */
  reset(): void {
    this.messages.length = 0;
    this.rcptAttempts.length = 0;
    this.refuseLogins = false;
    this.clearFaults();
  }

  messagesTo(address: string): CaughtMessage[] {
    return this.messages.filter((m) => m.envelope.to.some((to) => to.toLowerCase() === address.toLowerCase()));
  }

  private takeFault(address: string, at: "rcpt" | "data"): RecipientFault | undefined {
    const rules = this.faults.get(address.toLowerCase()) ?? [];
    const rule = rules.find((r) => r.remaining > 0 && (r.at ?? "rcpt") === at);
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule;
  }

  private answerFault(fault: RecipientFault, address: string, session: SMTPServerSession, callback: (error?: Error | null) => void) {
    switch (fault.kind) {
      case "bounce": {
        const code = fault.code ?? 550;
        this.rcptAttempts.push({ to: address, answer: code });
        return callback(Object.assign(new Error(fault.reply ?? `5.1.1 <${address}>: Recipient address rejected: User unknown`), { responseCode: code }));
      }
      case "temporary": {
        const code = fault.code ?? 451;
        this.rcptAttempts.push({ to: address, answer: code });
        const reply = fault.reply ?? (code === 421 ? "4.7.0 Try again later, closing connection" : "4.3.0 Temporary local problem, try again later");
        return callback(Object.assign(new Error(reply), { responseCode: code }));
      }
      case "disconnect": {
        this.rcptAttempts.push({ to: address, answer: 0 });
        const connection = [...(this.server?.connections ?? [])].find((c) => c.id === session.id);
        connection?._socket.destroy();
        return;
      }
      case "stall":
        this.rcptAttempts.push({ to: address, answer: 0 });
        return;
    }
  }

  private async record(raw: Buffer, session: SMTPServerSession) {
    const parsed = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer" });
    const to = addresses(parsed.to);
    const cc = addresses(parsed.cc);
    const named = new Set([...to, ...cc].map((a) => a.toLowerCase()));
    const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
    const mailFrom = session.envelope.mailFrom;
    this.messages.push({
      receivedAt: new Date(),
      username: typeof session.user === "string" ? session.user : null,
      envelope: { from: mailFrom ? mailFrom.address : null, to: envelopeTo },
      raw,
      messageId: parsed.messageId ?? null,
      subject: parsed.subject ?? "",
      from: parsed.from ? addresses([parsed.from])[0] ?? null : null,
      replyTo: addresses(parsed.replyTo),
      to,
      cc,
      bcc: envelopeTo.filter((a) => !named.has(a.toLowerCase())),
      text: parsed.text ?? "",
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.mimeType,
        bytes: typeof a.content === "string" ? Buffer.from(a.content, "base64") : Buffer.from(a.content as ArrayBuffer),
      })),
    });
  }
}

/** One line per caught message, for the demo to print: who, what, and the attachments with their size. */
export function describeCaughtMessage(message: CaughtMessage): string {
  const copies = message.bcc.length > 0 ? ` (bcc ${message.bcc.join(", ")})` : "";
  const files = message.attachments.map((a) => `${a.filename ?? "(unnamed)"} ${(a.bytes.length / 1024).toFixed(1)} kB`).join(", ");
  return `${message.receivedAt.toISOString()} ${message.from ?? "(no sender)"} → ${message.to.join(", ")}${copies}: "${message.subject}"${files ? ` [${files}]` : ""}`;
}

function addresses(list: Address[] | undefined): string[] {
  return (list ?? []).flatMap((a) => (a.group ? a.group.map((m) => m.address) : [a.address]));
}
