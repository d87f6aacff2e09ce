// The part the SOAP simulators (Collector, Intact) share: the `soap` package's server (soap.listen) from the
// app's own WSDL on a loopback port, with the simulator's own routes (control API, PDFs) in front of it, and
// the shared fault injection applied to each SOAP call by its operation's name (the SOAPAction's last part).
import fs from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import * as soap from "soap";
import type { ParsedWsdl } from "../../app/providers/soap-schema";
import { sendJson, type FaultInjector } from "./faults";

export type SoapSimulatorServer = { url: string; wsdl: ParsedWsdl; close: () => Promise<void> };

export async function startSoapServer(input: {
  wsdlFile: string;
  servicePath: string;
  services: soap.IServices;
  faults: FaultInjector;
  port?: number;
  /** The simulator's own routes; true when it answered the request. */
  route: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}): Promise<SoapSimulatorServer> {
  const xml = fs.readFileSync(input.wsdlFile, "utf8");
  const server = http.createServer();
  // soap.listen answers its path once it has read the WSDL; its parsed WSDL checks request bodies.
  const listening = await new Promise<soap.Server>((resolve, reject) => {
    const soapServer = soap.listen(server, { path: input.servicePath, services: input.services, xml, callback: (error: unknown) => (error ? reject(error) : resolve(soapServer)) } as soap.IServerOptions);
  });
  const soapListener = server.listeners("request")[0] as (req: IncomingMessage, res: ServerResponse) => void;
  server.removeAllListeners("request");
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://simulator");
    if (await input.route(req, res, url)) return;
    if (url.pathname === input.servicePath && req.method === "POST") {
      const operation = String(req.headers.soapaction ?? "").replace(/"/g, "").split("/").pop() ?? "";
      return input.faults.apply(input.faults.take(operation), res, () => new Promise<void>((resolve) => {
        res.once("finish", resolve);
        res.once("close", resolve);
        soapListener(req, res);
      }));
    }
    soapListener(req, res);
  };
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(input.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    wsdl: (listening as unknown as { wsdl: ParsedWsdl }).wsdl,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
    },
  };
}
