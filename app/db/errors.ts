// Database errors we act on, recognised by Prisma's error code (the same on SQLite and PostgreSQL).

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
