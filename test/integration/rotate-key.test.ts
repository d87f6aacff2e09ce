// Rotating the encryption key: credentials stored under the old key (and in the older form without a key id)
// are written again with the new one by `npm run rotate-key`, run as the operator runs it (a process of its own,
// against the same database); the app reads them with either key meanwhile, and with only the new one after.
// A value no configured key opens is reported and left alone; a second run has nothing to do.
import { execFile } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { decryptSecret, encryptSecret, keyId, parseKey, storedKeyId } from "../../app/lib/crypto.server";
import { rotateCredentials } from "../../app/lib/rotate-key.server";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const OLD = Buffer.alloc(32, 11).toString("base64");
const NEW = Buffer.alloc(32, 12).toString("base64");
const STRANGER = Buffer.alloc(32, 13).toString("base64");

/** The form values were stored in before key ids (v1). */
function v1(plaintext: string, key: Buffer) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
}

describeWithDb("rotating the encryption key (npm run rotate-key)", () => {
  beforeEach(async () => {
    await resetDb();
    const db = await testDb();
    const row = (shopDomain: string, providerType: string, encryptedCredentials: string) => db.connection.create({ data: { shopDomain, providerType, encryptedCredentials, settings: "{}" } });
    await row("a.myshopify.com", "economic", encryptSecret(JSON.stringify({ agreementGrantToken: "grant-a" }), parseKey(OLD)));
    await row("b.myshopify.com", "invoicexpress", v1(JSON.stringify({ apiKey: "ix-b" }), parseKey(OLD)));
    await row("c.myshopify.com", "collector", encryptSecret(JSON.stringify({ password: "walley-c" }), parseKey(NEW)));
    await row("d.myshopify.com", "intact", encryptSecret(JSON.stringify({ password: "intact-d" }), parseKey(STRANGER)));
  });

  it("writes every value again with the new key; the old key is then no longer needed", async () => {
    const { stdout } = await run(path.join(root, "node_modules/.bin/tsx"), ["scripts/rotate-key.ts"], {
      cwd: root,
      env: { ...process.env, ENCRYPTION_KEY: NEW, ENCRYPTION_KEYS_PREVIOUS: OLD, LOG_LEVEL: "silent" },
    }).catch((error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }));
    expect(stdout).toContain(`key ${keyId(parseKey(NEW))}: 4 connection(s); 2 written again with it, 1 already on it, 0 changed meanwhile (run again), 1 that no configured key opens.`);
    expect(stdout).toMatch(/unreadable: d\.myshopify\.com \(intact, connection \w+\): the merchant must reconnect it/);
    const db = await testDb();
    const rows = await db.connection.findMany({ orderBy: { shopDomain: "asc" } });
    expect(rows.map((r) => storedKeyId(r.encryptedCredentials))).toEqual([keyId(parseKey(NEW)), keyId(parseKey(NEW)), keyId(parseKey(NEW)), keyId(parseKey(STRANGER))]);
    // Readable with the new key alone, and unchanged.
    expect(rows.slice(0, 3).map((r) => JSON.parse(decryptSecret(r.encryptedCredentials, parseKey(NEW))))).toEqual([{ agreementGrantToken: "grant-a" }, { apiKey: "ix-b" }, { password: "walley-c" }]);
    expect(() => decryptSecret(rows[0].encryptedCredentials, parseKey(OLD))).toThrow(/no key with id/);
    // A second run: nothing left on the old key.
    const again = await rotateCredentials(db, { current: parseKey(NEW), previous: [parseKey(OLD)] });
    expect(again).toMatchObject({ rows: 4, rotated: 0, alreadyCurrent: 3, changedMeanwhile: 0 });
    expect(again.unreadable.map((u) => u.shopDomain)).toEqual(["d.myshopify.com"]);
  });

  it("a value changed by the app while the script runs is left for the next run, not overwritten", async () => {
    const db = await testDb();
    const [first] = await db.connection.findMany({ where: { shopDomain: "a.myshopify.com" } });
    // The app refreshes the token between the script's read and its write.
    const racing = {
      ...db,
      connection: {
        ...db.connection,
        findMany: db.connection.findMany.bind(db.connection),
        updateMany: async (args: Parameters<typeof db.connection.updateMany>[0]) => {
          if (args.where?.id === first.id) await db.connection.update({ where: { id: first.id }, data: { encryptedCredentials: encryptSecret(JSON.stringify({ agreementGrantToken: "grant-a2" }), parseKey(NEW)) } });
          return db.connection.updateMany(args);
        },
      },
    } as unknown as typeof db;
    const report = await rotateCredentials(racing, { current: parseKey(NEW), previous: [parseKey(OLD)] });
    expect(report).toMatchObject({ rotated: 1, changedMeanwhile: 1 });
    expect(JSON.parse(decryptSecret((await db.connection.findUniqueOrThrow({ where: { id: first.id } })).encryptedCredentials, parseKey(NEW)))).toEqual({ agreementGrantToken: "grant-a2" });
  });
});
