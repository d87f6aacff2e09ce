// Prisma CLI configuration. Prisma's own engine binaries cannot be downloaded on our machines, so the CLI
// runs on the JavaScript schema engine with a driver adapter (see ../shared/ENVIRONMENT.md). The flavour
// follows DATABASE_URL: a postgresql:// URL selects the PostgreSQL schema and migrations, anything else SQLite.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseFlavour, sqliteFileFromUrl } from "./app/lib/database-url";

const url = process.env.DATABASE_URL ?? "";
const flavour = databaseFlavour(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: flavour === "postgresql" ? "prisma/postgresql/schema.prisma" : "prisma/schema.prisma",
  adapter: async () =>
    flavour === "postgresql"
      ? new PrismaPg({ connectionString: url })
      : new PrismaBetterSQLite3({ url: `file:${path.resolve(sqliteFileFromUrl(url))}` }),
});
