import { afterAll, beforeAll } from "vitest";
import { EconomicSimulator } from "../simulators/economic/server";
import { createProvider } from "../../app/providers/registry";
import { providerContract } from "./provider-contract";

let sim: EconomicSimulator;
beforeAll(async () => {
  sim = new EconomicSimulator();
  await sim.start();
});
afterAll(() => sim.close());

const GROUPS: Record<string, number> = { "0.25": 1, "0": 2 };

providerContract({
  name: "e-conomic",
  currency: "DKK",
  vatRate: "0.25",
  customerMatch: "email",
  async reset() {
    sim.agreements.clear();
    sim.faults.clear();
    sim.addAgreement({ appSecretToken: "s", agreementGrantToken: "g" });
  },
  provider: (options) =>
    createProvider({
      type: "economic",
      credentials: { appSecretToken: options?.badCredentials ? "wrong" : "s", agreementGrantToken: "g" },
      settings: { baseUrl: sim.url, customerGroupNumber: 1, paymentTermsNumber: 1, layoutNumber: 19, collectiveCustomerNumber: 99, productGroups: GROUPS },
    }),
  fault: (fault) => sim.faults.add(fault),
  async seedProduct(sku, vatRate) {
    sim.agreements.get("g")!.products.set(sku, { productNumber: sku, name: sku, productGroup: { productGroupNumber: GROUPS[vatRate] } });
  },
  async documents() {
    const a = sim.agreements.get("g")!;
    return { drafts: a.drafts.size, booked: a.booked.size };
  },
});
