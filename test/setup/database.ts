// Before each test file: a database of its own (a copy of the migrated template), and the sandbox
// environment the app needs. The app's modules read these when the test imports them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { VISMA_CLIENT } from "../helpers/visma-account";

process.env.NODE_ENV = "test";
process.env.IB_SANDBOX = "1";
process.env.WORKER = "off";
// Sweeps are started by the tests that test them, not by a worker's timer.
process.env.RECONCILE_EVERY_MINUTES = "0";
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "silent";
delete process.env.SHOPIFY_API_KEY;
delete process.env.SHOPIFY_API_SECRET;
process.env.SHOPIFY_APP_URL = "http://127.0.0.1:3000";
// The app's Visma OAuth client, as the Visma simulator knows it (test/helpers/visma-account.ts).
process.env.VISMA_CLIENT_ID = VISMA_CLIENT.clientId;
process.env.VISMA_CLIENT_SECRET = VISMA_CLIENT.clientSecret;
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "ib-data-"));

const flavour = process.env.IB_TEST_DB ?? "sqlite";
const id = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

if (flavour === "sqlite" || inject("pgSkipReason")) {
  const file = path.join(process.env.DATA_DIR, `test-${id}.sqlite`);
  fs.copyFileSync(inject("sqliteTemplate"), file);
  process.env.DATABASE_URL = `file:${file}`;
} else {
  const template = new URL(inject("pgTemplateUrl"));
  const name = `ib_test_${id}`;
  const admin = new URL(template);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name} TEMPLATE ${template.pathname.slice(1)}`);
  await client.end();
  const url = new URL(template);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  afterAll(async () => {
    await globalThis.__ibDb?.$disconnect();
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
}

afterAll(() => {
  fs.rmSync(process.env.DATA_DIR!, { recursive: true, force: true });
});
