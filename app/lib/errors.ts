// One error model for the whole app. An error is classified once, where it is raised, by its class:
// the worker reads the class to decide between stopping, backing off and pausing a connection. No code
// looks at message text to decide anything.

export type ErrorKind = "permanent" | "retryable" | "auth";

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** What the merchant reads in the sync log: one sentence they can act on. */
  readonly merchantMessage: string;
  /** A stable code for logs and the UI. */
  readonly code: string;

  constructor(kind: ErrorKind, code: string, merchantMessage: string, options?: { cause?: unknown; detail?: string }) {
    super(options?.detail ?? merchantMessage, { cause: options?.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.merchantMessage = merchantMessage;
  }
}

/** Bad data or configuration: retrying will not help; the merchant has to change something. */
export class PermanentError extends AppError {
  constructor(code: string, merchantMessage: string, options?: { cause?: unknown; detail?: string }) {
    super("permanent", code, merchantMessage, options);
  }
}

/** A 5xx, a timeout, a 429: try again later, after `retryAfterMs` when the other side said so. */
export class RetryableError extends AppError {
  readonly retryAfterMs?: number;
  constructor(
    code: string,
    merchantMessage: string,
    options?: { cause?: unknown; detail?: string; retryAfterMs?: number },
  ) {
    super("retryable", code, merchantMessage, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** The credentials stopped working: pause the connection and ask the merchant to reconnect. */
export class AuthError extends AppError {
  constructor(code: string, merchantMessage: string, options?: { cause?: unknown; detail?: string }) {
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
