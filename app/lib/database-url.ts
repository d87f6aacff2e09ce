// Which database a DATABASE_URL points at. Shared by the runtime client, the Prisma CLI config and the
// scripts, so that the rule lives in one place: postgres(ql):// is PostgreSQL, anything else is SQLite.

export type DatabaseFlavour = "sqlite" | "postgresql";

export const DEFAULT_SQLITE_FILE = "data/invoice-bridge.sqlite";

export function databaseFlavour(url: string | undefined): DatabaseFlavour {
  return url && /^postgres(ql)?:\/\//i.test(url) ? "postgresql" : "sqlite";
}

/** The SQLite file of a `file:` URL (or the default data file when the URL is empty). */
export function sqliteFileFromUrl(url: string | undefined): string {
  if (!url) return DEFAULT_SQLITE_FILE;
  const withoutScheme = url.replace(/^file:/, "");
  return withoutScheme.split("?")[0] || DEFAULT_SQLITE_FILE;
}
