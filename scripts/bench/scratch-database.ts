// A database of its own for one run of a script (chaos, benchmarks): a SQLite file in the run's folder, or a
// fresh PostgreSQL database on the server at PG_ADMIN_URL, dropped again by `drop`.
import path from "node:path";
import pg from "pg";

const PG_ADMIN_URL = process.env.PG_ADMIN_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

async function onAdmin(sql: string) {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export async function scratchDatabase(flavour: string, name: string, dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (flavour !== "postgresql") return { url: `file:${path.join(dir, `${name}.sqlite`)}`, drop: async () => {} };
  const database = `ib_${name}_${process.pid}`;
  await onAdmin(`CREATE DATABASE ${database}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return { url: url.toString(), drop: () => onAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
}
