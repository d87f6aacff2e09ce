// The lists the merchant picks a provider's settings from (Connection and Onboarding pages), read from the
// provider with the credentials being entered. Reading them is also the "Test connection": a refused
// credential raises the provider's AuthError or PermanentError with its merchant sentence, an unreachable
// system a RetryableError. Each provider's lists live in its own folder; this file only dispatches.
import { z } from "zod";
import { PermanentError } from "../lib/errors";
import { parsed } from "./registry";
import { economicChoices } from "./economic/economic-choices";
import { ECONOMIC_PRODUCTION_URL } from "./economic/economic-client";
import { economicCredentialsSchema } from "./economic/economic-provider";
import { invoicExpressChoices } from "./invoicexpress/invoicexpress-choices";
import { invoicExpressBaseUrl } from "./invoicexpress/invoicexpress-client";
import { invoicExpressCredentialsSchema } from "./invoicexpress/invoicexpress-provider";
import type { ProviderRuntime, ProviderType } from "./provider";
import { VISMA_API_URL } from "./visma/visma-client";
import { vismaChoices } from "./visma/visma-choices";
import { vismaCredentialsSchema, VISMA_IDENTITY_URL } from "./visma/visma-oauth";
import { collectorChoices } from "./collector/collector-provider";
import { intactChoices } from "./intact/intact-provider";

export type Choice = {
  value: string;
  label: string;
  /** the VAT rate as a ratio string ("0.25") where the provider tells it */
  rate?: string;
};
export type SettingsChoices = Record<string, Choice[]>;

type ChoicesInput = { credentials: unknown; settings: Record<string, unknown>; runtime?: ProviderRuntime };

/** Only where the provider is: the rest of the settings is what the merchant is about to choose. */
const whereSchema = z.object({ baseUrl: z.url().optional(), identityUrl: z.url().optional() });

const READERS: Partial<Record<ProviderType, (input: ChoicesInput) => Promise<SettingsChoices>>> = {
  economic: ({ credentials, settings }) =>
    economicChoices({
      credentials: parsed(economicCredentialsSchema, credentials, "e-conomic credentials"),
      baseUrl: parsed(whereSchema, settings, "e-conomic settings").baseUrl ?? ECONOMIC_PRODUCTION_URL,
    }),
  visma: ({ credentials, settings, runtime }) => {
    const where = parsed(whereSchema, settings, "Visma eAccounting settings");
    return vismaChoices({
      credentials: parsed(vismaCredentialsSchema, credentials, "Visma eAccounting sign-in"),
      baseUrl: where.baseUrl ?? VISMA_API_URL,
      identityUrl: where.identityUrl ?? VISMA_IDENTITY_URL,
      runtime,
    });
  },
  invoicexpress: ({ credentials, settings }) => {
    const account = parsed(invoicExpressCredentialsSchema, credentials, "InvoicExpress account details");
    return invoicExpressChoices({
      credentials: account,
      baseUrl: parsed(whereSchema, settings, "InvoicExpress settings").baseUrl ?? invoicExpressBaseUrl(account.accountName),
    });
  },
  collector: ({ credentials, settings }) => collectorChoices({ credentials, settings }),
  intact: ({ credentials, settings }) => intactChoices({ credentials, settings }),
  // The shop's own invoices: nothing to read from anywhere.
  shop: async () => ({}),
};

/**
 * Reads the provider's lists with these credentials; also the "Test connection": a wrong credential
 * throws the provider's AuthError/PermanentError with a merchant sentence, unreachable → RetryableError.
 * Settings may be incomplete (only baseUrl/identityUrl are read from them).
 */
export async function settingsChoices(input: {
  providerType: ProviderType;
  credentials: unknown;
  settings?: Record<string, unknown>;
  runtime?: ProviderRuntime;
}): Promise<SettingsChoices> {
  const read = READERS[input.providerType];
  // The registry's words for a provider it cannot build.
  if (!read) throw new PermanentError("provider_unknown", `The accounting system '${input.providerType}' is not supported yet.`);
  return read({ credentials: input.credentials, settings: input.settings ?? {}, runtime: input.runtime });
}
