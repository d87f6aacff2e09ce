// One error model for the whole app. An error is classified once, where it is raised, by its class:
// the worker reads the class to decide between stopping, backing off and pausing a connection. No code
// looks at message text to decide anything.

export type ErrorKind = "permanent" | "retryable" | "auth";

/**
 * Whether the other side may have done what was asked before the call failed: "not-applied" when it
 * refused or was never reached (a refusal, a 429, a 503), "unknown" when it may have (a timeout, a cut
 * connection, an answer that could not be read). Only a provider that cannot be asked afterwards what it
 * holds needs to know (issue-document.use-case.ts).
 */
export type CallOutcome = "not-applied" | "unknown";
type ErrorOptions = { cause?: unknown; detail?: string; outcome?: CallOutcome };

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** What the merchant reads in the sync log: one sentence they can act on. */
  readonly merchantMessage: string;
  /** A stable code for logs and the UI. */
  readonly code: string;
  /** Refusals (permanent, auth) were not applied; a retryable failure may have been, unless it says not. */
  readonly outcome: CallOutcome;

  constructor(kind: ErrorKind, code: string, merchantMessage: string, options?: ErrorOptions) {
    super(options?.detail ?? merchantMessage, { cause: options?.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.merchantMessage = merchantMessage;
    this.outcome = options?.outcome ?? (kind === "retryable" ? "unknown" : "not-applied");
  }
}

/** Bad data or configuration: retrying will not help; the merchant has to change something. */
export class PermanentError extends AppError {
  constructor(code: string, merchantMessage: string, options?: ErrorOptions) {
    super("permanent", code, merchantMessage, options);
  }
}

/** A 5xx, a timeout, a 429: try again later, after `retryAfterMs` when the other side said so. */
export class RetryableError extends AppError {
  readonly retryAfterMs?: number;
  constructor(
    code: string,
    merchantMessage: string,
    options?: ErrorOptions & { retryAfterMs?: number },
  ) {
    super("retryable", code, merchantMessage, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** The credentials stopped working: pause the connection and ask the merchant to reconnect. */
export class AuthError extends AppError {
  constructor(code: string, merchantMessage: string, options?: ErrorOptions) {
    super("auth", code, merchantMessage, options);
  }
}

/** Anything that is not an AppError is a bug or an unforeseen failure: retried, then reported. */
export function classify(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new RetryableError("unexpected", "An unexpected error occurred; it will be retried automatically.", {
    cause: error,
    detail,
  });
}
