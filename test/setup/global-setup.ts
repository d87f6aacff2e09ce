// Once per test run and project: a migrated template database that each test file copies.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { applyPostgresMigrations, migrateDatabase } from "../../app/db/migrations.server";

declare module "vitest" {
  export interface ProvidedContext {
    sqliteTemplate: string;
    pgTemplateUrl: string;
    pgSkipReason: string;
    redisSkipReason: string;
  }
}

export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

/** The BullMQ suites need Redis: without it they say so and are skipped; under CI=true, the run fails. */
async function probeRedis(project: TestProject) {
  const { Redis } = await import("ioredis");
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    project.provide("redisSkipReason", "");
  } catch (error) {
    const reason = `no Redis at ${REDIS_URL} (${(error as Error).message}); set REDIS_URL to run it`;
    if (process.env.CI === "true") throw new Error(`Redis suite cannot run under CI: ${reason}`);
    console.warn(`\n  Redis (BullMQ) suite SKIPPED: ${reason}\n`);
    project.provide("redisSkipReason", reason);
  } finally {
    client.disconnect();
  }
}

const root = path.resolve(import.meta.dirname, "../..");
export const PG_ADMIN_URL = process.env.PG_ADMIN_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

async function sqliteTemplate(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ib-test-"));
  const template = path.join(dir, "template.sqlite");
  await migrateDatabase(`file:${template}`);
  project.provide("sqliteTemplate", template);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

export default async function setup(project: TestProject) {
  await probeRedis(project);
  const flavour = project.config.env?.IB_TEST_DB ?? "sqlite";
  if (flavour === "sqlite") {
    project.provide("pgSkipReason", "");
    return sqliteTemplate(project);
  }

  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    const reason = `no PostgreSQL server at ${new URL(PG_ADMIN_URL).host} (${(error as Error).message}); set PG_ADMIN_URL to run it`;
    if (process.env.CI === "true") throw new Error(`PostgreSQL suite cannot run under CI: ${reason}`);
    console.warn(`\n  PostgreSQL suite SKIPPED: ${reason}\n`);
    project.provide("pgSkipReason", reason);
    project.provide("pgTemplateUrl", "");
    // The skipped files still import the app; give those imports a database that exists.
    return sqliteTemplate(project);
  }
  const name = `ib_test_template_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  await applyPostgresMigrations(url.toString(), path.join(root, "prisma/postgresql/migrations"));
  project.provide("pgTemplateUrl", url.toString());
  project.provide("pgSkipReason", "");
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}
