// Applying migrations, and describing what a migrated database holds.
//
// SQLite uses `prisma migrate deploy`. PostgreSQL cannot: with a driver adapter, Prisma 6.19's schema
// engine fails on PostgreSQL's `name` type ("Column type 'name' could not be deserialized", open bug
// prisma/orm#27403), and the native engine cannot be downloaded here. So PostgreSQL migrations are
// applied by this runner, which records them in `_prisma_migrations` exactly as Prisma does (id,
// sha256 checksum of the file, timestamps, steps), so that `prisma migrate deploy` with a native engine
// later sees them as applied.
import { execFileSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Brings the database DATABASE_URL-style `url` points at up to date: `prisma migrate deploy` for SQLite
 * (then WAL, which lets the worker read while a webhook writes, and persists in the file), our runner
 * for PostgreSQL.
 */
export async function migrateDatabase(url: string): Promise<string> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const applied = await applyPostgresMigrations(url, path.join(root, "prisma/postgresql/migrations"));
    return `PostgreSQL migrations applied: ${applied.length ? applied.join(", ") : "none pending"}`;
  }
  const file = path.resolve(root, url.replace(/^file:/, "").split("?")[0]);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = execFileSync(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${file}`, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.close();
  return out.split("\n").filter((line) => line && !line.startsWith("Loaded Prisma config")).join("\n");
}

export async function applyPostgresMigrations(connectionString: string, migrationsDir: string) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    // One migrator at a time, even when several processes start together.
    await client.query("SELECT pg_advisory_lock(72707369)");
    const done = new Set(
      (await client.query(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`)).rows.map(
        (row: { migration_name: string }) => row.migration_name,
      ),
    );
    const names = fs
      .readdirSync(migrationsDir)
      .filter((name) => fs.existsSync(path.join(migrationsDir, name, "migration.sql")))
      .sort();
    for (const name of names) {
      if (done.has(name)) continue;
      const sql = fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
           VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), checksum, name],
        );
        await client.query("COMMIT");
        applied.push(name);
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed: ${(error as Error).message}`);
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(72707369)").catch(() => undefined);
    await client.end();
  }
  return applied;
}

/**
 * A database's tables, columns and indexes in one canonical text, the same for SQLite and PostgreSQL
 * when they hold the same model. Types are folded to Prisma's scalar names.
 */
export type CatalogColumn = { table: string; column: string; type: string; nullable: boolean };
export type CatalogIndex = { table: string; unique: boolean; columns: string[] };

const CANONICAL_TYPES: Record<string, string> = {
  text: "String",
  integer: "Int",
  int: "Int",
  bigint: "BigInt",
  boolean: "Boolean",
  datetime: "DateTime",
  "timestamp(3) without time zone": "DateTime",
  "timestamp without time zone": "DateTime",
  real: "Float",
  "double precision": "Float",
  decimal: "Decimal",
  numeric: "Decimal",
  jsonb: "Json",
  blob: "Bytes",
  bytea: "Bytes",
};

export function canonicalCatalog(columns: CatalogColumn[], indexes: CatalogIndex[]): string {
  const lines = [
    ...columns.map(
      (c) => `${c.table}.${c.column}: ${CANONICAL_TYPES[c.type.toLowerCase()] ?? `?${c.type}`}${c.nullable ? "?" : ""}`,
    ),
    ...indexes.map((i) => `${i.table} ${i.unique ? "unique" : "index"}(${i.columns.join(",")})`),
  ];
  return lines.sort().join("\n");
}

export async function describePostgres(connectionString: string): Promise<string> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const columns = await client.query(`
      SELECT c.table_name AS "table", c.column_name AS "column",
             format_type(a.atttypid, a.atttypmod) AS "type", c.is_nullable = 'YES' AS nullable
      FROM information_schema.columns c
      JOIN pg_class t ON t.relname = c.table_name
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = c.table_schema
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = c.column_name
      WHERE c.table_schema = current_schema() AND c.table_name <> '_prisma_migrations'`);
    const indexes = await client.query(`
      SELECT t.relname AS "table", ix.indisunique AS "unique",
             array_agg(a.attname::text ORDER BY array_position(ix.indkey::int2[], a.attnum)) AS columns
      FROM pg_index ix
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey)
      WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'
      GROUP BY ix.indexrelid, t.relname, ix.indisunique`);
    return canonicalCatalog(columns.rows, indexes.rows);
  } finally {
    await client.end();
  }
}

export async function describeSqlite(file: string): Promise<string> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`)
      .all() as Array<{ name: string }>;
    const columns: CatalogColumn[] = [];
    const indexes: CatalogIndex[] = [];
    for (const { name: table } of tables) {
      const info = db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{
        name: string; type: string; notnull: number; pk: number;
      }>;
      for (const col of info) {
        columns.push({ table, column: col.name, type: col.type, nullable: col.notnull === 0 && col.pk === 0 });
      }
      for (const index of db.prepare(`PRAGMA index_list("${table}")`).all() as Array<{ name: string; unique: number }>) {
        const cols = (db.prepare(`PRAGMA index_info("${index.name}")`).all() as Array<{ seqno: number; name: string }>)
          .sort((a, b) => a.seqno - b.seqno)
          .map((c) => c.name);
        indexes.push({ table, unique: index.unique === 1, columns: cols });
      }
    }
    return canonicalCatalog(columns, indexes);
  } finally {
    db.close();
  }
}
