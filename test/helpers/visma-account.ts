// A Visma company in the simulator, with the app registered as an OAuth client, and the connection
// settings that pick its terms of payment, unit and codings (as the merchant would in the admin).
import type { VismaCompany, VismaSimulator } from "../simulators/visma/server";

export const VISMA_CLIENT = { clientId: "invoice-bridge", clientSecret: "visma-client-secret" };

export function vismaAccount(sim: VismaSimulator, overrides: Partial<VismaCompany> = {}) {
  sim.addClient({ ...VISMA_CLIENT, redirectUris: ["http://127.0.0.1:3000/connect/visma/callback"] });
  const company = sim.addCompany(overrides);
  const coding = (rate: number) => String(company.articleAccountCodings.find((c) => c.VatRatePercent === rate)!.Id);
  const settings = {
    termsOfPaymentId: String(company.termsOfPayments[0].Id),
    unitId: String(company.units[0].Id),
    codings: { "0.25": coding(0.25), "0.12": coding(0.12), "0.06": coding(0.06), "0": coding(0) },
  };
  return { company, settings, tokens: () => sim.issueTokens({ clientId: VISMA_CLIENT.clientId, companyId: company.id }) };
}
