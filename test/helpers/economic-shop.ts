// A shop ready to book on e-conomic: past its verification period, booking confirmed, and connected to
// an e-conomic account (the simulator's) with the credentials encrypted as the app stores them.
import type { Db } from "../../app/db.server";
import { encryptSecret, parseKey } from "../../app/lib/crypto.server";
import { env } from "../../app/lib/env.server";

export async function seedEconomicShop(
  db: Db,
  input: {
    shopDomain: string;
    economicUrl: string;
    appSecretToken: string;
    agreementGrantToken: string;
    missingProducts?: "halt" | "default" | "create";
    productGroups?: Record<string, number>;
  },
) {
  await db.shop.create({
    data: {
      shopDomain: input.shopDomain,
      verificationStartedAt: new Date("2026-01-01T00:00:00Z"),
      settings: JSON.stringify({ rules: { bookingConfirmedAt: "2026-02-01T00:00:00Z" } }),
    },
  });
  await db.connection.create({
    data: {
      shopDomain: input.shopDomain,
      providerType: "economic",
      encryptedCredentials: encryptSecret(
        JSON.stringify({ appSecretToken: input.appSecretToken, agreementGrantToken: input.agreementGrantToken }),
        parseKey(env().ENCRYPTION_KEY),
      ),
      settings: JSON.stringify({
        baseUrl: input.economicUrl,
        customerGroupNumber: 1,
        paymentTermsNumber: 1,
        layoutNumber: 19,
        collectiveCustomerNumber: 99,
        productGroups: input.productGroups ?? { "0.25": 1, "0": 2 },
        missingProducts: input.missingProducts ?? "create",
      }),
    },
  });
}
