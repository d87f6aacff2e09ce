import { afterAll, beforeAll } from "vitest";
import { IntactSimulator } from "../simulators/intact/server";
import { createProvider } from "../../app/providers/registry";
import { providerContract } from "./provider-contract";

let sim: IntactSimulator;
beforeAll(async () => {
  sim = new IntactSimulator();
  await sim.start();
});
afterAll(() => sim.close());

providerContract({
  name: "Intact iQ",
  currency: "DKK",
  vatRate: "0.25",
  customerMatch: "email",
  notApplicable: { customerMatching: "Intact accounts are named by the shop's account-code mapping, never matched or created by e-mail (its own tests: intact-invoices)" },
  async reset() {
    sim.users.clear();
    sim.accounts.clear();
    sim.invoices.length = 0;
    sim.salesOrders.length = 0;
    sim.faults.clear();
    sim.addUser("contract-user", "contract-pass");
    sim.addAccount({ code: "CONTRACT01", name: "Contract Buyer" });
    sim.addAccount({ code: "OTHER01", name: "Other Buyer" });
  },
  provider: (options) =>
    createProvider({
      type: "intact",
      credentials: { username: "contract-user", password: options?.badCredentials ? "wrong-pass" : "contract-pass" },
      settings: {
        wsdlUrl: `${sim.endpoint}?wsdl`,
        endpoint: sim.endpoint,
        salesOrders: true,
        accounts: { from: "table", table: [{ shopify: "contract@example.com", account: "CONTRACT01" }, { shopify: "other@example.com", account: "OTHER01" }] },
      },
    }),
  fault: (fault) => sim.faults.add(fault),
  // No catalogue on our side: items travel on the sales order by their code.
  async seedProduct() {},
  async invoiceInSystem() {
    for (const order of sim.salesOrders) sim.invoiceSalesOrder(order.number, "2026-11-22");
  },
  async documents() {
    return { drafts: sim.salesOrders.filter((o) => !o.invoice).length, booked: sim.invoices.length };
  },
});
