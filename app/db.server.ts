// The Prisma client. SQLite (a file under the data folder) by default; PostgreSQL when DATABASE_URL is a
// postgresql:// URL. Both clients are generated from the same model (prisma/schema.prisma), so one type
// serves both.
import path from "node:path";
import fs from "node:fs";
import { PrismaClient as SqliteClient } from "@invoice-bridge/prisma-sqlite";
import { PrismaClient as PostgresClient } from "@invoice-bridge/prisma-postgresql";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseFlavour, sqliteFileFromUrl } from "./lib/database-url";

export type Db = SqliteClient;
export type { Prisma } from "@invoice-bridge/prisma-sqlite";

export function createDb(url = process.env.DATABASE_URL): Db {
  if (databaseFlavour(url) === "postgresql") {
    // The PostgreSQL client has the same model and methods; its generated type differs only by name.
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  }
  const file = path.resolve(sqliteFileFromUrl(url));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 }) });
}


/**
 * The worker's own SQLite connection commits without waiting for the disk (WAL with
 * synchronous=NORMAL), so that it holds the write lock briefly and the webhook intake, which keeps full
 * durability, rarely waits behind it. A power cut may lose the worker's last few commits; jobs then
 * simply run again, and exactly-once rests on unique rows and provider references, not on the worker's
 * bookkeeping.
 */
export async function configureWorkerConnection(client: Db): Promise<void> {
  if (databaseFlavour(process.env.DATABASE_URL) === "sqlite") {
    await client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  }
}

declare global {
  var __ibDb: Db | undefined;
}

// One client per process, kept across Vite's module reloads in development.
const db: Db = globalThis.__ibDb ?? createDb();
globalThis.__ibDb = db;

export default db;
