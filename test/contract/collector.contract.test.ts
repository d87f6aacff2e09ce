import { afterAll, beforeAll } from "vitest";
import { CollectorSimulator } from "../simulators/collector/server";
import { createProvider } from "../../app/providers/registry";
import { providerContract } from "./provider-contract";

let sim: CollectorSimulator;
beforeAll(async () => {
  sim = new CollectorSimulator();
  await sim.start();
});
afterAll(() => sim.close());

providerContract({
  name: "Walley (Collector)",
  currency: "DKK",
  vatRate: "0.25",
  customerMatch: "email",
  notApplicable: { customerMatching: "Walley keeps no customer register: the buyer's name and address travel on each invoice" },
  noLookup: "the invoice service has no lookup by order number or reference (V3.1 operations)",
  async reset() {
    sim.stores.clear();
    sim.invoices.clear();
    sim.faults.clear();
    sim.addStore({ storeId: 310, countryCode: "DK", username: "contract-user", password: "contract-pass" });
  },
  provider: (options) =>
    createProvider({
      type: "collector",
      credentials: { username: "contract-user", password: options?.badCredentials ? "wrong-pass" : "contract-pass" },
      settings: { endpoint: sim.endpoint, stores: [{ countryCode: "DK", buyers: "b2c", storeId: 310 }] },
    }),
  fault: (fault) => sim.faults.add(fault),
  // No catalogue: the article travels on the invoice row.
  async seedProduct() {},
  async documents() {
    const invoices = [...sim.invoices.values()];
    return { drafts: invoices.filter((i) => i.status === "preliminary").length, booked: invoices.filter((i) => i.status === "activated").length };
  },
});
