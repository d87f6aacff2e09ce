// Provider type → factory. A connection's credentials and settings are validated here, when the
// connection is loaded or saved, so that a bad setting is reported at once, in words, not at the first
// order.
import { z } from "zod";
import { PermanentError } from "../lib/errors";
import type { AccountingProvider, ProviderType } from "./provider";
import { createEconomicProvider, economicCredentialsSchema, economicSettingsSchema } from "./economic/economic-provider";

type Factory = (input: { credentials: unknown; settings: unknown }) => AccountingProvider;

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || what}: ${i.message}`).join("; ");
    throw new PermanentError("connection_settings", `The ${what} are incomplete or wrong (${problems}). Correct them in the app's settings.`);
  }
  return result.data;
}

const FACTORIES: Partial<Record<ProviderType, Factory>> = {
  economic: ({ credentials, settings }) =>
    createEconomicProvider({
      credentials: parsed(economicCredentialsSchema, credentials, "e-conomic credentials"),
      settings: parsed(economicSettingsSchema, settings, "e-conomic settings"),
    }),
};

export function createProvider(input: { type: string; credentials: unknown; settings: unknown }): AccountingProvider {
  const factory = FACTORIES[input.type as ProviderType];
  if (!factory) throw new PermanentError("provider_unknown", `The accounting system '${input.type}' is not supported yet.`);
  return factory(input);
}
