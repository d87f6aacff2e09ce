// Fault injection shared by every simulator: on request, the next matching call(s) fail the way real
// systems fail. A test or the demo adds a rule through the simulator's control API.
import http, { type IncomingMessage, type ServerResponse } from "node:http";

export type Fault =
  | { kind: "status"; status: number; body?: unknown; retryAfter?: number }
  | { kind: "timeout" }
  | { kind: "slow"; delayMs: number }
  | { kind: "lost-response" }
  | { kind: "garbage" }
  /** What a proxy in front of the system answers: an HTML error page (502 unless said). */
  | { kind: "html"; status?: number }
  /** 200 with plain text where JSON or XML was due. */
  | { kind: "wrong-type" }
  /** The start of a real answer, then the line is cut: the body is shorter than its Content-Length. */
  | { kind: "partial" }
  /** 200 and a JSON value of the wrong shape (an empty object, a list, a number). */
  | { kind: "wrong-shape"; body?: unknown };

export type FaultRule = Fault & {
  /** Applies to requests whose path (or operation name) contains this text; all requests when absent. */
  match?: string;
  /** How many matching requests it affects. */
  times?: number;
};

export class FaultInjector {
  private rules: Array<FaultRule & { remaining: number }> = [];

  add(rule: FaultRule) {
    this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clear() {
    this.rules = [];
  }

  /** The fault for this request, if any, consuming one use of its rule. */
  take(target: string): Fault | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && (!r.match || target.includes(r.match)));
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule;
  }

  /**
   * Applies a fault around a handler. Returns true when the fault answered the request itself.
   * "lost-response" runs the handler (the change is committed) and then drops the connection.
   */
  async apply(fault: Fault | undefined, res: ServerResponse, handle: () => Promise<void>): Promise<void> {
    if (!fault) return handle();
    switch (fault.kind) {
      case "status": {
        const headers: Record<string, string> = { "Content-Type": "application/json" };
        if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
        res.writeHead(fault.status, headers);
        res.end(JSON.stringify(fault.body ?? { errors: `Simulated ${fault.status}` }));
        return;
      }
      case "timeout":
        // Never answer; the client's own timeout has to end it. Drop the socket after a minute.
        setTimeout(() => res.socket?.destroy(), 60_000).unref();
        return;
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        return handle();
      case "lost-response": {
        const socket = res.socket;
        // Let the handler do its work, then cut the line before any byte of the answer leaves.
        res.write = (() => true) as typeof res.write;
        res.end = (() => {
          socket?.destroy();
          return res;
        }) as typeof res.end;
        await handle();
        socket?.destroy();
        return;
      }
      case "garbage":
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("<html>Bad gateway</html>");
        return;
      case "html":
        res.writeHead(fault.status ?? 502, { "Content-Type": "text/html; charset=utf-8" });
        res.end("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>");
        return;
      case "wrong-type":
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end("OK");
        return;
      case "partial": {
        // Let the handler answer, keep only the first half of what it writes, and cut the line.
        const socket = res.socket;
        const chunks: Buffer[] = [];
        res.write = ((chunk: unknown) => {
          chunks.push(Buffer.from(chunk as string));
          return true;
        }) as typeof res.write;
        res.end = ((chunk?: unknown) => {
          if (chunk) chunks.push(Buffer.from(chunk as string));
          const body = Buffer.concat(chunks);
          socket?.write(`HTTP/1.1 200 OK\r\nContent-Type: ${String(res.getHeader("content-type") ?? "application/json")}\r\nContent-Length: ${body.length}\r\n\r\n`);
          socket?.end(body.subarray(0, Math.floor(body.length / 2)), () => socket.destroy());
          return res;
        }) as typeof res.end;
        await handle();
        return;
      }
      case "wrong-shape":
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(fault.body ?? {}));
        return;
    }
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export type LoopbackServer = { url: string; close: () => Promise<void> };

/**
 * A simulator's HTTP server on loopback. A handler that throws answers 500 with `failureBody` (in the
 * simulated system's own error shape), or drops the connection if the answer had begun.
 */
export async function listenOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  options: { port?: number; failureBody: (error: unknown) => unknown },
): Promise<LoopbackServer> {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, options.failureBody(error));
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
    },
  };
}
