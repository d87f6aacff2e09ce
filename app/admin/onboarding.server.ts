// The onboarding: which step a shop is at follows from what is stored (a connection, valid settings,
// the essentials chosen, finished), so that a merchant who leaves half-way comes back to the same step.
//   choose → connect (credentials + Test connection, or Visma's sign-in) → settings (lists read from
//   the system) → essentials (trigger, document, criteria) → summary (the verification period) → done.
import { z } from "zod";
import type { Db } from "../db.server";
import { AppError, PermanentError } from "../lib/errors";
import { validateSettings } from "../providers/registry";
import { readShopSettings } from "../invoicing/settings";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { FINANCIAL_STATUSES } from "./order-statuses";
import { readRawShopSettings, updateShopSettings, withRules } from "./shop-settings.server";

export type OnboardingStep = "choose" | "connect" | "settings" | "essentials" | "summary" | "done";

type Progress = { essentialsAt?: string; completedAt?: string };

export async function onboardingStep(db: Db, shopDomain: string, chosen: string | null): Promise<OnboardingStep> {
  const connection = await db.connection.findFirst({ where: { shopDomain, status: { in: ["active", "paused"] } }, orderBy: { createdAt: "asc" } });
  if (!connection) return chosen ? "connect" : "choose";
  try {
    validateSettings(connection.providerType, JSON.parse(connection.settings));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return "settings";
  }
  const progress = ((await readRawShopSettings(db, shopDomain)).onboarding ?? {}) as Progress;
  if (!progress.essentialsAt) return "essentials";
  return progress.completedAt ? "done" : "summary";
}

const ESSENTIALS = z.object({
  trigger: z.enum(["created", "paid", "fulfilled", "manual"], { error: "choose when a document is made" }),
  documentKind: z.enum(["draft", "invoice"], { error: "choose drafts or booked invoices" }),
  financialStatuses: z.array(z.enum(FINANCIAL_STATUSES)).max(FINANCIAL_STATUSES.length),
});
export type Essentials = z.infer<typeof ESSENTIALS>;

export async function loadEssentials(db: Db, shopDomain: string): Promise<Essentials> {
  const rules = readShopSettings((await db.shop.findUnique({ where: { shopDomain } }))?.settings).rules;
  return {
    trigger: rules.trigger,
    documentKind: rules.documentKind,
    financialStatuses: rules.financialStatuses.filter((s): s is Essentials["financialStatuses"][number] => (FINANCIAL_STATUSES as readonly string[]).includes(s)),
  };
}

/** The essentials into the shop's rules, keeping every other setting. */
export async function saveEssentials(db: Db, shopDomain: string, input: unknown, now = new Date()) {
  const parsed = ESSENTIALS.safeParse(input);
  if (!parsed.success) throw new PermanentError("essentials_invalid", `Not saved: ${parsed.error.issues.map((i) => i.message).join("; ")}.`);
  await updateShopSettings(db, shopDomain, (current) => ({
    ...withRules(current, parsed.data),
    onboarding: { ...((current.onboarding as Progress) ?? {}), essentialsAt: now.toISOString() },
  }));
}

/** What the summary explains: what is made, and until when drafts only. */
export async function onboardingSummary(db: Db, shopDomain: string, now = new Date()) {
  const shop = await db.shop.findUnique({ where: { shopDomain } });
  const settings = readShopSettings(shop?.settings);
  const startedAt = shop?.verificationStartedAt ?? now;
  const endsOn = new Date(startedAt.getTime() + settings.rules.verificationDays * 86_400_000).toISOString().slice(0, 10);
  return { trigger: settings.rules.trigger, documentKind: settings.rules.documentKind, verificationDays: settings.rules.verificationDays, verificationEndsOn: endsOn };
}

export async function finishOnboarding(db: Db, shopDomain: string, now = new Date()) {
  await updateShopSettings(db, shopDomain, (current) => ({ ...current, onboarding: { ...((current.onboarding as Progress) ?? {}), completedAt: now.toISOString() } }));
  await writeSyncLog(db, { shopDomain, status: "info", message: "Set-up finished: new orders are documented by your rules from now on." });
}
