// One data model, two databases. prisma/schema.prisma (SQLite) is the source; this script writes the
// PostgreSQL copy from it, generates both clients, applies migrations, and checks that the two agree.
//
//   generate          write prisma/postgresql/schema.prisma and generate both Prisma clients
//   migrate           apply the migrations of the database DATABASE_URL points at (migrate deploy)
//   check             fail when the PostgreSQL schema is stale, or a flavour's migrations do not
//                     produce its schema (each is migrated from empty into a scratch database)
//   new-migration N   write migration N for both flavours, as the difference from the last migrations
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_SQLITE_FILE } from "../app/lib/database-url";
import { describePostgres, describeSqlite, migrateDatabase } from "../app/db/migrations.server";

type Flavour = "sqlite" | "postgresql";

const root = path.resolve(import.meta.dirname, "..");
const SQLITE_SCHEMA = path.join(root, "prisma/schema.prisma");
const PG_SCHEMA = path.join(root, "prisma/postgresql/schema.prisma");
const prismaBin = path.join(root, "node_modules/.bin/prisma");

export function postgresSchemaFrom(sqliteSchema: string): string {
  const header =
    "// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.ts. Do not edit: edit the SQLite schema\n" +
    "// and run `npm run prisma:generate`.\n";
  return (
    header +
    sqliteSchema
      .replace(/\/\/ @shopify\/shopify-app-session-storage-prisma[\s\S]*?\n}\n\n/, "")
      .replace('provider = "sqlite"', 'provider = "postgresql"')
      .replace(/url\s+=\s+"file:[^"]*"/, 'url      = env("DATABASE_URL")')
      .replace("../node_modules/@invoice-bridge/prisma-sqlite", "../../node_modules/@invoice-bridge/prisma-postgresql")
  );
}

function prisma(args: string[], databaseUrl: string, options: { quiet?: boolean } = {}): string {
  const out = execFileSync(prismaBin, args, {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", options.quiet ? "pipe" : "inherit"],
  });
  // The CLI prints "Loaded Prisma config from prisma.config.ts." on stdout; keep the rest.
  return out
    .split("\n")
    .filter((line) => !line.startsWith("Loaded Prisma config"))
    .join("\n");
}

const PG_PLACEHOLDER = "postgresql://localhost:5432/unused";
const PG_ADMIN_URL = process.env.PG_ADMIN_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

function generate() {
  fs.mkdirSync(path.dirname(PG_SCHEMA), { recursive: true });
  fs.writeFileSync(PG_SCHEMA, postgresSchemaFrom(fs.readFileSync(SQLITE_SCHEMA, "utf8")));
  prisma(["generate"], "file:./" + DEFAULT_SQLITE_FILE, { quiet: true });
  prisma(["generate"], PG_PLACEHOLDER, { quiet: true });
  console.log("prisma: generated the SQLite and PostgreSQL clients");
}

async function migrateQuietly(url: string, options: { quiet?: boolean } = {}) {
  const out = await migrateDatabase(url);
  if (!options.quiet) console.log(out);
}

function migrate() {
  return migrateQuietly(process.env.DATABASE_URL || "file:./" + DEFAULT_SQLITE_FILE);
}

function migrationsDir(flavour: Flavour) {
  return path.join(root, flavour === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations");
}

/** A scratch database of the given flavour, migrated from empty with that flavour's migrations. */
async function withScratchDatabase<T>(
  flavour: Flavour,
  fn: (url: string) => T | Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const runMigrations = options.migrate ?? true;
  if (flavour === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-schema-"));
    try {
      const url = `file:${path.join(dir, "scratch.sqlite")}`;
      if (runMigrations) await migrateQuietly(url, { quiet: true });
      return await fn(url);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const { default: pg } = await import("pg");
  const admin = PG_ADMIN_URL;
  const name = `ib_schema_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(admin);
    url.pathname = `/${name}`;
    if (runMigrations) await migrateQuietly(url.toString(), { quiet: true });
    return await fn(url.toString());
  } finally {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  }
}

/**
 * A connection for commands that only diff schemas: Prisma still opens the adapter, so it must point at
 * something that exists (a fresh checkout has no data/ folder).
 */
function diffUrl(flavour: Flavour): string {
  if (flavour === "postgresql") return PG_ADMIN_URL;
  return `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ib-diff-")), "scratch.sqlite")}`;
}

function fromEmptySql(flavour: Flavour): string {
  const schema = flavour === "sqlite" ? SQLITE_SCHEMA : PG_SCHEMA;
  const url = diffUrl(flavour);
  return prisma(["migrate", "diff", "--from-empty", "--to-schema-datamodel", schema, "--script"], url, { quiet: true });
}

/** Two scratch databases of one flavour: one built by the migrations, one straight from the schema. */
async function describeBoth(flavour: Flavour): Promise<{ migrated: string; fromSchema: string }> {
  const direct = fromEmptySql(flavour);
  if (flavour === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const migrated = await withScratchDatabase("sqlite", (url) => describeSqlite(url.replace(/^file:/, "")));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-schema-"));
    try {
      const file = path.join(dir, "direct.sqlite");
      const db = new Database(file);
      db.exec(direct);
      db.close();
      return { migrated, fromSchema: await describeSqlite(file) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const migrated = await withScratchDatabase("postgresql", (url) => describePostgres(url));
  const fromSchema = await withScratchDatabase(
    "postgresql",
    async (url) => {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(direct);
      await client.end();
      return describePostgres(url);
    },
    { migrate: false },
  );
  return { migrated, fromSchema };
}

async function check() {
  const expected = postgresSchemaFrom(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
  if (!fs.existsSync(PG_SCHEMA) || fs.readFileSync(PG_SCHEMA, "utf8") !== expected) {
    throw new Error("prisma/postgresql/schema.prisma is stale: run `npm run prisma:generate` and commit it.");
  }
  const flavours = (process.argv[3]?.split(",") ?? ["sqlite", "postgresql"]) as Flavour[];
  const described: Partial<Record<Flavour, string>> = {};
  for (const flavour of flavours) {
    const { migrated, fromSchema } = await describeBoth(flavour);
    if (migrated !== fromSchema) {
      throw new Error(
        `${flavour}: the database the migrations make differs from the schema.\n` +
          `--- from the schema\n${fromSchema}\n--- from the migrations\n${migrated}\n` +
          "Write a migration: npm run prisma:new-migration -- NAME",
      );
    }
    described[flavour] = migrated;
    console.log(`prisma: ${flavour} migrated from empty; it holds exactly the schema's tables, columns and indexes`);
  }
  if (described.sqlite && described.postgresql && described.sqlite !== described.postgresql) {
    throw new Error(`SQLite and PostgreSQL hold different models:\n--- sqlite\n${described.sqlite}\n--- postgresql\n${described.postgresql}`);
  }
  if (described.sqlite && described.postgresql) {
    console.log(`prisma: SQLite and PostgreSQL describe the same model (${described.sqlite.split("\n").length} columns and indexes)`);
  }
}

// The schema as of the newest migration is kept beside the migrations, because with a driver adapter
// Prisma 6.19 cannot diff against a database or a migrations folder ("not supported" / P3006).
const SNAPSHOT = "schema-at-last-migration.prisma";

function newMigration(name: string) {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("migration name: lowercase letters, digits and _");
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  // The PostgreSQL schema is made from the SQLite one: made now, so that its migration is not diffed against a stale copy.
  fs.writeFileSync(PG_SCHEMA, postgresSchemaFrom(fs.readFileSync(SQLITE_SCHEMA, "utf8")));
  for (const flavour of ["sqlite", "postgresql"] as const) {
    const schema = flavour === "sqlite" ? SQLITE_SCHEMA : PG_SCHEMA;
    const dir = migrationsDir(flavour);
    const snapshot = path.join(dir, SNAPSHOT);
    const from = fs.existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
    const url = diffUrl(flavour);
    const sql = prisma(["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"], url, { quiet: true });
    const folder = path.join(dir, `${stamp}_${name}`);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "migration.sql"), sql.trimStart());
    fs.writeFileSync(path.join(dir, "migration_lock.toml"), `# Please do not edit this file manually\nprovider = "${flavour}"\n`);
    fs.copyFileSync(schema, snapshot);
    console.log(`prisma: wrote ${path.relative(root, folder)}`);
  }
}

const command = process.argv[2];
const run: Record<string, () => unknown> = {
  generate,
  migrate,
  check,
  "new-migration": () => newMigration(process.argv[3] ?? ""),
};
if (!command || !run[command]) {
  console.error(`usage: tsx scripts/prisma-schemas.ts ${Object.keys(run).join("|")}`);
  process.exit(2);
}
Promise.resolve(run[command]()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
