import { afterAll, beforeAll } from "vitest";
import { VismaSimulator, type VismaCompany } from "../simulators/visma/server";
import { createProvider } from "../../app/providers/registry";
import { providerContract } from "./provider-contract";
import { VISMA_CLIENT, vismaAccount } from "../helpers/visma-account";

let sim: VismaSimulator;
let account: ReturnType<typeof vismaAccount>;
let company: VismaCompany;
beforeAll(async () => {
  sim = new VismaSimulator();
  await sim.start();
});
afterAll(() => sim.close());

providerContract({
  name: "Visma eAccounting",
  currency: "SEK",
  vatRate: "0.25",
  customerMatch: "email",
  async reset() {
    sim.companies.clear();
    sim.faults.clear();
    account = vismaAccount(sim);
    company = account.company;
  },
  provider(options) {
    const tokens = account.tokens();
    return createProvider({
      type: "visma",
      credentials: {
        accessToken: options?.badCredentials ? "revoked-token" : tokens.access_token,
        refreshToken: options?.badCredentials ? "revoked-refresh-token" : tokens.refresh_token,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
      settings: { baseUrl: sim.url, identityUrl: sim.url, ...account.settings },
      runtime: { oauthClient: VISMA_CLIENT },
    });
  },
  fault: (fault) => sim.faults.add(fault),
  async seedProduct(sku, vatRate) {
    const coding = company.articleAccountCodings.find((c) => c.VatRatePercent === Number(vatRate))!;
    const id = crypto.randomUUID();
    company.articles.set(id, { Id: id, Number: sku, Name: sku, IsActive: true, CodingId: coding.Id, UnitId: company.units[0].Id });
  },
  async documents() {
    return { drafts: company.drafts.size, booked: company.invoices.size };
  },
});
