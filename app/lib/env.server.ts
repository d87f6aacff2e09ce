// Every environment variable the app reads, validated once. The README's table lists the same names.
import { z } from "zod";

/** The sandbox's own app credentials: public, fake, and refused anywhere near a real shop. */
export const SANDBOX_API_KEY = "sandbox-api-key";
export const SANDBOX_API_SECRET = "sandbox-api-secret-not-for-production";
/** A fixed key for the sandbox only; production must provide its own. */
export const SANDBOX_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");

const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((value) => value === "1" || value === "true");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1).optional(),
  SHOPIFY_API_SECRET: z.string().min(1).optional(),
  SHOPIFY_APP_URL: z.url().optional(),
  SCOPES: z.string().optional(),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  ENCRYPTION_KEY: z.string().optional(),
  /** During a key rotation: the keys values may still be stored with (comma-separated, base64); read only. */
  ENCRYPTION_KEYS_PREVIOUS: z.string().optional(),
  PORT: z.coerce.number().int().positive().default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  DATA_DIR: z.string().default("data"),
  /** "embedded" runs the job worker inside the web process; "off" leaves it to `npm run worker`. */
  WORKER: z.enum(["embedded", "off"]).default("embedded"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // V8's old generation of the worker (its thread, or `npm run worker`), in MB: collected early, RSS stays low.
  WORKER_HEAP_MB: z.coerce.number().int().min(64).max(8192).default(160),
  /** The queue adapter: the Job table alone ("embedded"), or BullMQ on Redis for several processes. */
  QUEUE: z.enum(["embedded", "bullmq"]).default("embedded"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  QUEUE_PREFIX: z.string().default("ib"),
  JOB_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  JOB_POLL_MS: z.coerce.number().int().min(10).default(500),
  /** A failed attempt's first wait before the next (it doubles per attempt, up to JOB_BACKOFF_MAX_MS). */
  JOB_BACKOFF_BASE_MS: z.coerce.number().int().min(10).default(5_000),
  JOB_BACKOFF_MAX_MS: z.coerce.number().int().min(10).default(60 * 60_000),
  /**
   * "on": the web process checks and records the common webhook delivery ahead of Remix, with prepared
   * statements (app/webhooks/fast-intake.server.ts); "off": every delivery goes through the Remix route.
   */
  WEBHOOK_FAST_PATH: z.enum(["on", "off"]).default("on"),
  /** How often the reconciliation sweep looks for orders whose webhooks never arrived, in minutes; 0: never. */
  RECONCILE_EVERY_MINUTES: z.coerce.number().min(0).max(1440).default(5),
  /** The app's Visma Connect OAuth client (Visma developer portal); needed to connect Visma eAccounting. */
  VISMA_CLIENT_ID: z.string().min(1).optional(),
  VISMA_CLIENT_SECRET: z.string().min(1).optional(),
  /** Sandbox only: the Visma simulator's identity and API base URL (production uses Visma's own). */
  VISMA_ENDPOINT: z.url().optional(),
  /**
   * The app's own e-conomic App Secret Token (e-conomic developer agreement → Apps). With it, a merchant
   * connects e-conomic with their Agreement Grant Token alone; without it, the form asks for both.
   */
  ECONOMIC_APP_SECRET_TOKEN: z.string().min(1).optional(),
  /**
   * The app's App Public Token (e-conomic developer agreement → Apps): with it (and the secret token), the
   * merchant approves the app in e-conomic and the grant token comes back by itself (the installation URL).
   */
  ECONOMIC_APP_PUBLIC_TOKEN: z.string().min(1).optional(),
  /** Sandbox only: the e-conomic simulator's URL, for the REST API and the installation URL (production: restapi/secure.e-conomic.com). */
  ECONOMIC_ENDPOINT: z.url().optional(),
  /** Sandbox only: the InvoicExpress simulator's base URL; an account's API is <endpoint>/<account name>. */
  INVOICEXPRESS_ENDPOINT: z.url().optional(),
  /** Sandbox only: the Collector (Walley) SOAP simulator's service address. */
  COLLECTOR_ENDPOINT: z.url().optional(),
  /** Sandbox only: the Intact iQ SOAP simulator's service address (a tenant's own server otherwise, from the form). */
  INTACT_ENDPOINT: z.url().optional(),
  /** Sandbox mode: simulated Shopify and providers. Set only by `npm run demo` and the tests. */
  IB_SANDBOX: flag,
  /** Sandbox only: the Shopify Admin simulator's base URL. */
  SHOPIFY_ADMIN_ENDPOINT: z.url().optional(),
  /**
   * The SMTP server that e-mails invoices to buyers, with its login: smtp://user:pass@host:587 (STARTTLS
   * when offered) or smtps://user:pass@host:465. Without it the app sends no e-mail of its own. The
   * password is never logged; logs name the host only.
   */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  /** The sender of those e-mails ("Shop invoices <invoices@example.com>") when a shop sets none of its own. */
  MAIL_FROM: z.string().min(3).optional(),
});

export type Env = z.infer<typeof schema> & {
  SHOPIFY_API_KEY: string;
  SHOPIFY_API_SECRET: string;
  SHOPIFY_APP_URL: string;
  ENCRYPTION_KEY: string;
};

export class SandboxRefusedError extends Error {}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  const env = parsed.data;
  if (env.IB_SANDBOX) {
    const production = [
      env.SHOPIFY_API_KEY && env.SHOPIFY_API_KEY !== SANDBOX_API_KEY ? "SHOPIFY_API_KEY" : null,
      env.SHOPIFY_API_SECRET && env.SHOPIFY_API_SECRET !== SANDBOX_API_SECRET ? "SHOPIFY_API_SECRET" : null,
      env.SHOPIFY_APP_URL && !isLoopback(env.SHOPIFY_APP_URL) ? "SHOPIFY_APP_URL" : null,
    ].filter(Boolean);
    if (production.length > 0) {
      throw new SandboxRefusedError(
        `Refusing to start the sandbox: production Shopify settings are present (${production.join(", ")}). ` +
          "Unset them, or start the app without --sandbox.",
      );
    }
    return {
      ...env,
      SHOPIFY_API_KEY: SANDBOX_API_KEY,
      SHOPIFY_API_SECRET: SANDBOX_API_SECRET,
      SHOPIFY_APP_URL: env.SHOPIFY_APP_URL ?? `http://127.0.0.1:${env.PORT}`,
      ENCRYPTION_KEY: env.ENCRYPTION_KEY ?? SANDBOX_ENCRYPTION_KEY,
    };
  }
  if (env.SHOPIFY_ADMIN_ENDPOINT || env.VISMA_ENDPOINT || env.ECONOMIC_ENDPOINT || env.INVOICEXPRESS_ENDPOINT || env.COLLECTOR_ENDPOINT || env.INTACT_ENDPOINT) {
    throw new Error("SHOPIFY_ADMIN_ENDPOINT, VISMA_ENDPOINT, ECONOMIC_ENDPOINT, INVOICEXPRESS_ENDPOINT, COLLECTOR_ENDPOINT and INTACT_ENDPOINT point the app at simulators and are allowed only in sandbox mode.");
  }
  const missing = (["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "ENCRYPTION_KEY"] as const).filter(
    (name) => !env[name],
  );
  if (missing.length > 0) {
    throw new Error(`Missing environment variables: ${missing.join(", ")}. See the README's table.`);
  }
  return env as Env;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}
