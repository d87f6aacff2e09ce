// The Connection page's and the onboarding's data: the shop's accounting system (status, when it was last
// reached, the last error), testing credentials (which also fetches the lists the settings are picked
// from), saving, checking again, and disconnecting (the documents are kept).
//
// Where a provider is (its base URL) is never taken from the form: production uses the vendor's address,
// the sandbox the simulators' (ECONOMIC_ENDPOINT, INVOICEXPRESS_ENDPOINT, VISMA_ENDPOINT, COLLECTOR_ENDPOINT).
import type { Db } from "../db.server";
import { decryptSecret, encryptSecret } from "../lib/crypto.server";
import { allKeys, currentKey } from "../lib/keys.server";
import { env } from "../lib/env.server";
import { AppError } from "../lib/errors";
import { runtimeFor } from "../providers/connections.server";
import type { ProviderType } from "../providers/provider";
import { createProvider, NAMES, validateSettings } from "../providers/registry";
import { saveConnection, type SaveConnectionOutcome } from "../providers/save-connection.server";
import { settingsChoices, type SettingsChoices } from "../providers/settings-choices.server";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { CONNECTABLE, type Connectable, type CredentialField } from "./connectable";

export function isConnectable(type: unknown): type is Connectable {
  return typeof type === "string" && (CONNECTABLE as readonly string[]).includes(type);
}

/** What the merchant types to connect; e-conomic's App Secret Token is the app's own when it is configured. */
export function credentialFields(type: Connectable): CredentialField[] {
  switch (type) {
    case "economic":
      return [
        ...(env().ECONOMIC_APP_SECRET_TOKEN ? [] : [{ key: "appSecretToken", label: "App Secret Token", secret: true, help: "From the e-conomic app's page in your developer agreement." }]),
        { key: "agreementGrantToken", label: "Agreement Grant Token", secret: true, help: "The token e-conomic gave when Invoice Bridge was approved for your agreement." },
      ];
    case "invoicexpress":
      return [
        { key: "accountName", label: "Account name", secret: false, help: "The first part of your InvoicExpress address: ACCOUNT.app.invoicexpress.com." },
        { key: "apiKey", label: "API key", secret: true, help: "In InvoicExpress under Settings → API." },
      ];
    case "collector":
      return [
        { key: "username", label: "Username", secret: false, help: "The invoice service username in your Walley agreement." },
        { key: "password", label: "Password", secret: true, help: "Walley checks it for each of your stores when you save them." },
      ];
    case "intact":
      return [
        {
          key: "wsdlUrl",
          label: "WebShop service address (WSDL)",
          secret: false,
          help: env().INTACT_ENDPOINT
            ? `In the sandbox: ${env().INTACT_ENDPOINT}?wsdl`
            : "The https address of your Intact server's WebShop WSDL, as your Intact partner gives it (…/IntactWebShop.svc?wsdl).",
        },
        { key: "username", label: "WebShop user", secret: false, help: "The user Intact set up for the web shop." },
        { key: "password", label: "Password", secret: true, help: "The WebShop user's password." },
      ];
    case "visma":
    case "shop":
      return [];
  }
}

/**
 * An address the merchant typed, which the app's server will call (Intact's WSDL): https outside the
 * sandbox, so that the sign-in never travels in the clear, and never a bare IP or local name.
 */
export function addressProblem(type: Connectable, credentials: Record<string, string>, sandbox = Boolean(env().INTACT_ENDPOINT)): string | null {
  if (type !== "intact" || sandbox) return null;
  let url: URL;
  try {
    url = new URL(credentials.wsdlUrl);
  } catch {
    return "The WebShop service address is not a web address. Copy it as your Intact partner gave it (https://…/IntactWebShop.svc?wsdl).";
  }
  if (url.protocol !== "https:") return "The WebShop service address must start with https://, so that the WebShop password is sent encrypted.";
  if (/^(localhost|[\d.]+|\[[\da-f:]+\])$/i.test(url.hostname) || !url.hostname.includes(".")) return "The WebShop service address must name your Intact server by its domain name, not a local name or IP address.";
  return null;
}

/** The credentials as the provider takes them: typed fields, trimmed, plus the app's own e-conomic token. */
function credentialsFrom(type: Connectable, input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of credentialFields(type)) out[field.key] = String(input[field.key] ?? "").trim();
  if (type === "economic" && env().ECONOMIC_APP_SECRET_TOKEN) out.appSecretToken = env().ECONOMIC_APP_SECRET_TOKEN!;
  return out;
}

/** Where the provider is, set by the app: the simulators in the sandbox, the vendor otherwise. */
function whereFor(type: Connectable, credentials: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  const config = env();
  if (type === "economic") return config.ECONOMIC_ENDPOINT ? { baseUrl: config.ECONOMIC_ENDPOINT } : {};
  if (type === "invoicexpress") {
    return config.INVOICEXPRESS_ENDPOINT ? { baseUrl: `${config.INVOICEXPRESS_ENDPOINT.replace(/\/$/, "")}/${encodeURIComponent(String(credentials.accountName ?? ""))}` } : {};
  }
  if (type === "visma") return { ...(stored.baseUrl ? { baseUrl: stored.baseUrl } : {}), ...(stored.identityUrl ? { identityUrl: stored.identityUrl } : {}) };
  if (type === "collector") return config.COLLECTOR_ENDPOINT ? { endpoint: config.COLLECTOR_ENDPOINT } : {};
  // Each Intact tenant runs its own server: its address is the merchant's, and the sandbox's the simulator's.
  if (type === "intact") return { wsdlUrl: String(credentials.wsdlUrl ?? ""), ...(config.INTACT_ENDPOINT ? { endpoint: config.INTACT_ENDPOINT } : {}) };
  return {};
}

/** The merchant's settings without the addresses only the app sets. */
function withoutWhere(settings: Record<string, unknown>): Record<string, unknown> {
  const { baseUrl: _baseUrl, identityUrl: _identityUrl, endpoint: _endpoint, wsdlUrl: _wsdlUrl, ...rest } = settings;
  return rest;
}

async function currentConnection(db: Db, shopDomain: string) {
  return db.connection.findFirst({ where: { shopDomain, status: { in: ["active", "paused"] } }, orderBy: { createdAt: "asc" } });
}

function storedCredentials(row: { encryptedCredentials: string }): Record<string, unknown> {
  return JSON.parse(decryptSecret(row.encryptedCredentials, allKeys())) as Record<string, unknown>;
}

/** VAT rates in the shop's recent orders and in the saved mappings: the rates the settings must map. */
async function ratesSeen(db: Db, shopDomain: string, settings: Record<string, unknown>): Promise<string[]> {
  const rates = new Set<string>();
  for (const key of ["productGroups", "codings", "taxNames"]) {
    const map = settings[key];
    if (map && typeof map === "object") for (const rate of Object.keys(map)) rates.add(rate);
  }
  const deliveries = await db.webhookDelivery.findMany({ where: { shopDomain, topic: { startsWith: "ORDERS_" } }, orderBy: { receivedAt: "desc" }, take: 200, select: { payload: true } });
  for (const d of deliveries) {
    try {
      const order = JSON.parse(d.payload) as { line_items?: Array<{ tax_lines?: Array<{ rate?: unknown }> }>; shipping_lines?: Array<{ tax_lines?: Array<{ rate?: unknown }> }> };
      for (const line of [...(order.line_items ?? []), ...(order.shipping_lines ?? [])]) {
        for (const tax of line.tax_lines ?? []) if (typeof tax.rate === "number" || typeof tax.rate === "string") rates.add(normalRate(String(tax.rate)));
      }
    } catch {
      // a payload that is not JSON names no rate
    }
  }
  return [...rates].filter((r) => r !== "").sort((a, b) => Number(b) - Number(a));
}

/** "0.250" → "0.25", "0" stays "0": the form settings keys use. */
export function normalRate(rate: string): string {
  const n = Number(rate);
  if (!Number.isFinite(n) || n < 0 || n >= 1) return "";
  return String(Number(n.toFixed(6)));
}

export type ConnectionView = {
  type: Connectable;
  name: string;
  status: string;
  statusMessage: string | null;
  verifiedAt: string | null;
  updatedAt: string;
  settings: Record<string, unknown>;
  /** Non-secret parts of the credentials, to show which account is connected. */
  account: string | null;
};

export async function loadConnection(db: Db, shopDomain: string) {
  const row = await currentConnection(db, shopDomain);
  const lastFailure = await db.syncLogEntry.findFirst({ where: { shopDomain, status: "failed" }, orderBy: { createdAt: "desc" }, select: { message: true, createdAt: true } });
  if (!row || !isConnectable(row.providerType)) {
    return { connection: null, settingsProblem: null, choices: null, choicesError: null, rates: await ratesSeen(db, shopDomain, {}), lastFailure: null };
  }
  const type = row.providerType;
  const settings = JSON.parse(row.settings) as Record<string, unknown>;
  // Unreadable credentials (the app's ENCRYPTION_KEY changed since they were saved) are a reason to reconnect, not a crash.
  let credentials: Record<string, unknown> | null = null;
  try {
    credentials = storedCredentials(row);
  } catch {
    credentials = null;
  }
  let settingsProblem: string | null = null;
  try {
    validateSettings(type, settings);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    settingsProblem = error.merchantMessage;
  }
  let choices: SettingsChoices | null = null;
  let choicesError: string | null = credentials ? null : `The app cannot read the stored sign-in for ${NAMES[type]} (its encryption key changed). Reconnect ${NAMES[type]}.`;
  if (row.status === "active" && credentials) {
    try {
      choices = await settingsChoices({ providerType: type, credentials, settings, runtime: runtimeFor(db, row) });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      choicesError = error.merchantMessage;
    }
  }
  const connection: ConnectionView = {
    type,
    name: NAMES[type],
    status: row.status,
    statusMessage: row.statusMessage,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
    settings: withoutWhere(settings),
    account:
      credentials && (type === "invoicexpress" || type === "collector" || type === "intact")
        ? [credentials.accountName ?? credentials.username, credentials.wsdlUrl].filter(Boolean).map(String).join(" at ")
        : null,
  };
  return {
    connection,
    settingsProblem,
    choices,
    choicesError,
    rates: await ratesSeen(db, shopDomain, settings),
    lastFailure: lastFailure ? { message: lastFailure.message, at: lastFailure.createdAt.toISOString() } : null,
  };
}

export type TestOutcome = { ok: true; choices: SettingsChoices } | { ok: false; message: string };

/** "Test connection": reads the provider's lists with what the merchant typed; nothing is stored. */
export async function testCredentials(type: Connectable, input: Record<string, unknown>): Promise<TestOutcome> {
  const credentials = credentialsFrom(type, input);
  const missing = credentialFields(type).filter((f) => !credentials[f.key]);
  if (missing.length > 0) return { ok: false, message: `Enter the ${missing.map((f) => f.label).join(" and ")}.` };
  const unsafe = addressProblem(type, credentials);
  if (unsafe) return { ok: false, message: unsafe };
  try {
    return { ok: true, choices: await settingsChoices({ providerType: type, credentials, settings: whereFor(type, credentials, {}) }) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const message = error.kind === "retryable" ? `${NAMES[type]} could not be reached (${error.merchantMessage}) Try again in a moment.` : error.merchantMessage;
    return { ok: false, message };
  }
}

/**
 * Saves the connection from the form: new credentials when the merchant typed them (connecting, or
 * reconnecting with a new key), otherwise the stored ones (changing settings). Checked before stored.
 */
export async function saveConnectionForm(
  db: Db,
  shopDomain: string,
  input: { type: Connectable; credentials?: Record<string, unknown>; settings: Record<string, unknown> },
): Promise<SaveConnectionOutcome> {
  const existing = await db.connection.findUnique({ where: { shopDomain_providerType: { shopDomain, providerType: input.type } } });
  const stored = existing ? (JSON.parse(existing.settings) as Record<string, unknown>) : {};
  const typed = input.credentials && credentialFields(input.type).length > 0 ? credentialsFrom(input.type, input.credentials) : undefined;
  // A disconnected row keeps no usable credentials: key-based systems need them typed again.
  if (!typed && credentialFields(input.type).length > 0 && (!existing || existing.status === "disconnected")) {
    return { ok: false, message: `Enter your ${NAMES[input.type]} details and test the connection first.` };
  }
  const unsafe = typed ? addressProblem(input.type, typed) : null;
  if (unsafe) return { ok: false, message: unsafe };
  const credentialsForWhere = typed ?? (existing && existing.status !== "disconnected" ? storedCredentials(existing) : {});
  const settings = { ...withoutWhere(input.settings), ...whereFor(input.type, credentialsForWhere, stored) };
  return saveConnection(db, {
    shopDomain,
    providerType: input.type as ProviderType,
    // The shop's own invoices have no credentials: an empty object, encrypted like any other.
    credentials: typed ?? (input.type === "shop" ? {} : undefined),
    settings,
  });
}

/** "Check now": reaches the accounting system with the stored connection and records the answer. */
export async function checkConnection(db: Db, shopDomain: string): Promise<{ ok: boolean; message: string }> {
  const row = await currentConnection(db, shopDomain);
  if (!row || !isConnectable(row.providerType)) return { ok: false, message: "No accounting system is connected." };
  const name = NAMES[row.providerType];
  try {
    const provider = createProvider({ type: row.providerType, credentials: storedCredentials(row), settings: JSON.parse(row.settings), runtime: runtimeFor(db, row) });
    await provider.verifyConnection();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const message = error.kind === "retryable" ? `${name} could not be reached (${error.merchantMessage}) Try again in a moment.` : error.merchantMessage;
    if (error.kind === "auth") await db.connection.update({ where: { id: row.id }, data: { status: "paused", statusMessage: message } });
    await writeSyncLog(db, { shopDomain, status: "failed", message: `Connection check: ${message}` });
    return { ok: false, message };
  }
  await db.connection.update({ where: { id: row.id }, data: { verifiedAt: new Date() } });
  return { ok: true, message: `${name} answered: the connection works.` };
}

/** Disconnect: the credentials are erased, the documents (and their PDFs) are kept. */
export async function disconnect(db: Db, shopDomain: string): Promise<{ message: string }> {
  const row = await currentConnection(db, shopDomain);
  if (!row) return { message: "No accounting system is connected." };
  const name = NAMES[row.providerType as ProviderType] ?? row.providerType;
  await db.connection.update({
    where: { id: row.id },
    data: { status: "disconnected", statusMessage: "Disconnected by the merchant.", encryptedCredentials: encryptSecret("{}", currentKey()) },
  });
  const kept = await db.document.count({ where: { shopDomain } });
  const message = `Disconnected from ${name}. The ${kept} document(s) made so far are kept. New orders are not documented until you connect an accounting system again.`;
  await writeSyncLog(db, { shopDomain, status: "info", message });
  return { message };
}

export type ConnectionActionResult =
  | { intent: "test"; ok: true; choices: SettingsChoices }
  | { intent: "test" | "save" | "check" | "disconnect"; ok: boolean; message: string };

/** The Connection page's and the onboarding's posts: test, save, check, disconnect. */
export async function connectionAction(db: Db, shopDomain: string, form: FormData): Promise<ConnectionActionResult | null> {
  const intent = String(form.get("intent") ?? "");
  const type = form.get("type");
  const json = (name: string) => {
    try {
      return JSON.parse(String(form.get(name) ?? "{}")) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  if (intent === "test" || intent === "save") {
    if (!isConnectable(type)) return { intent, ok: false, message: "Choose an accounting system first." };
    if (intent === "test") {
      const outcome = await testCredentials(type, json("credentials"));
      return outcome.ok ? { intent, ok: true, choices: outcome.choices } : { intent, ok: false, message: outcome.message };
    }
    const credentials = form.has("credentials") ? json("credentials") : undefined;
    const outcome = await saveConnectionForm(db, shopDomain, { type, credentials, settings: json("settings") });
    return outcome.ok ? { intent, ok: true, message: `${NAMES[type]} is connected and its settings are saved.` } : { intent, ok: false, message: outcome.message };
  }
  if (intent === "check") return { intent, ...(await checkConnection(db, shopDomain)) };
  if (intent === "disconnect") return { intent, ok: true, ...(await disconnect(db, shopDomain)) };
  return null;
}
