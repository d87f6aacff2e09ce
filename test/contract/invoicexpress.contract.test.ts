import { afterAll, beforeAll } from "vitest";
import { InvoicExpressSimulator } from "../simulators/invoicexpress/server";
import { createProvider } from "../../app/providers/registry";
import { providerContract } from "./provider-contract";

let sim: InvoicExpressSimulator;
beforeAll(async () => {
  sim = new InvoicExpressSimulator();
  await sim.start();
});
afterAll(() => sim.close());

providerContract({
  name: "InvoicExpress",
  currency: "EUR",
  vatRate: "0.23",
  customerMatch: "name",
  async reset() {
    sim.accounts.clear();
    sim.faults.clear();
    sim.addAccount({ name: "contract", apiKey: "contract-api-key-1234" });
  },
  provider: (options) =>
    createProvider({
      type: "invoicexpress",
      credentials: { accountName: "contract", apiKey: options?.badCredentials ? "wrong-api-key-0000" : "contract-api-key-1234" },
      settings: { baseUrl: sim.accountUrl("contract"), taxNames: { "0.25": "IVA23", "0.23": "IVA23", "0": "IVA0" }, exemptionReason: "M16" },
    }),
  fault: (fault) => sim.faults.add(fault),
  // Items are created on the fly by InvoicExpress; there is no catalogue to seed.
  async seedProduct() {},
  async documents() {
    const documents = [...sim.accounts.get("contract")!.documents.values()];
    return { drafts: documents.filter((d) => d.status === "draft").length, booked: documents.filter((d) => d.status === "final").length };
  },
});
