// Provider type → factory. A connection's credentials and settings are validated here, when the
// connection is loaded or saved, so that a bad setting is reported at once, in words, not at the first
// order.
import { z } from "zod";
import { PermanentError } from "../lib/errors";
import type { AccountingProvider, ProviderRuntime, ProviderType } from "./provider";
import { createEconomicProvider, economicCredentialsSchema, economicSettingsSchema } from "./economic/economic-provider";
import { createInvoicExpressProvider, invoicExpressCredentialsSchema, invoicExpressSettingsSchema } from "./invoicexpress/invoicexpress-provider";
import { createVismaProvider, vismaSettingsSchema } from "./visma/visma-provider";
import { createShopProvider, shopSettingsSchema } from "./shop/shop-provider";
import { vismaCredentialsSchema } from "./visma/visma-oauth";
import { collectorCredentialsSchema, collectorSettingsSchema, createCollectorProvider } from "./collector/collector-provider";
import { createIntactProvider, intactCredentialsSchema, intactSettingsSchema } from "./intact/intact-provider";

type FactoryInput = { credentials: unknown; settings: unknown; runtime?: ProviderRuntime };
type Factory = (input: FactoryInput) => AccountingProvider;

/** A provider's credentials or settings through their schema; what is wrong is said field by field. */
export function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
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
  visma: ({ credentials, settings, runtime }) =>
    createVismaProvider({
      credentials: parsed(vismaCredentialsSchema, credentials, "Visma eAccounting sign-in"),
      settings: parsed(vismaSettingsSchema, settings, "Visma eAccounting settings"),
      runtime,
    }),
  invoicexpress: ({ credentials, settings }) =>
    createInvoicExpressProvider({
      credentials: parsed(invoicExpressCredentialsSchema, credentials, "InvoicExpress account details"),
      settings: parsed(invoicExpressSettingsSchema, settings, "InvoicExpress settings"),
    }),
  collector: ({ credentials, settings }) =>
    createCollectorProvider({
      credentials: parsed(collectorCredentialsSchema, credentials, "Walley sign-in"),
      settings: parsed(collectorSettingsSchema, settings, "Walley settings"),
    }),
  intact: ({ credentials, settings }) =>
    createIntactProvider({
      credentials: parsed(intactCredentialsSchema, credentials, "Intact iQ sign-in"),
      settings: parsed(intactSettingsSchema, settings, "Intact iQ settings"),
    }),
  // No credentials: the documents live in the app's own database (runtime.db), per shop (runtime.shopDomain).
  shop: ({ settings, runtime }) =>
    createShopProvider({
      settings: parsed(shopSettingsSchema, settings, "invoice settings"),
      runtime,
    }),
};

/** The settings schema of a provider, for validating a connection's settings when they are saved. */
export const SETTINGS_SCHEMAS: Partial<Record<ProviderType, z.ZodType>> = {
  economic: economicSettingsSchema,
  visma: vismaSettingsSchema,
  invoicexpress: invoicExpressSettingsSchema,
  collector: collectorSettingsSchema,
  intact: intactSettingsSchema,
  shop: shopSettingsSchema,
};

/** Validates settings as the merchant saves them; the error says, field by field, what to correct. */
export function validateSettings(type: string, settings: unknown): unknown {
  const schema = SETTINGS_SCHEMAS[type as ProviderType];
  if (!schema) throw new PermanentError("provider_unknown", `The accounting system '${type}' is not supported yet.`);
  return parsed(schema, settings, `settings of ${NAMES[type as ProviderType]}`);
}

export const NAMES: Record<ProviderType, string> = {
  economic: "e-conomic",
  visma: "Visma eAccounting",
  invoicexpress: "InvoicExpress",
  intact: "Intact iQ",
  collector: "Walley",
  shop: "the shop's own invoices",
};

export function createProvider(input: FactoryInput & { type: string }): AccountingProvider {
  const factory = FACTORIES[input.type as ProviderType];
  if (!factory) throw new PermanentError("provider_unknown", `The accounting system '${input.type}' is not supported yet.`);
  return factory(input);
}
