// The process log (for operators; the merchant's log is the sync log). Secrets are redacted by key,
// wherever they sit in the logged object, so that no credential reaches a log line.
import pino from "pino";

export const REDACTED_KEYS = [
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "password",
  "Password",
  "apiKey",
  "api_key",
  "apiSecret",
  "secret",
  "authorization",
  "Authorization",
  "x-shopify-access-token",
  "X-Shopify-Access-Token",
  "encryptedCredentials",
  "credentials",
];

export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
    base: undefined,
    redact: {
      paths: REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
      censor: "[redacted]",
    },
  },
  // LOG_FILE: the lines go to that file (appended) instead of standard output.
  process.env.LOG_FILE ? pino.destination({ dest: process.env.LOG_FILE, sync: true, append: true }) : undefined,
);

export type Logger = typeof logger;
