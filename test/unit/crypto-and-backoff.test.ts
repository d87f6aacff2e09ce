import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, keyId, parseKey } from "../../app/lib/crypto.server";
import { backoffDelayMs } from "../../app/jobs/queue";
import { classify, RetryableError } from "../../app/lib/errors";

const key = parseKey(Buffer.alloc(32, 3).toString("base64"));

describe("credential encryption", () => {
  it("round-trips, with a fresh IV each time and no plaintext in the stored form", () => {
    const a = encryptSecret("agreement-grant-token-ÆØÅ", key);
    const b = encryptSecret("agreement-grant-token-ÆØÅ", key);
    expect(a).not.toBe(b);
    expect(a).not.toContain("agreement");
    expect(decryptSecret(a, key)).toBe("agreement-grant-token-ÆØÅ");
  });

  it("refuses a tampered value and a wrong key", () => {
    const stored = encryptSecret("secret", key);
    const parts = stored.split(":");
    parts[3] = Buffer.from("tampered!").toString("base64");
    expect(() => decryptSecret(parts.join(":"), key)).toThrow();
    expect(() => decryptSecret(stored, parseKey(Buffer.alloc(32, 4).toString("base64")))).toThrow();
  });

  it("names its key (an id, not the key) so that a rotation reads each value with the key it was written with", () => {
    const next = parseKey(Buffer.alloc(32, 5).toString("base64"));
    const stored = encryptSecret("token", key);
    const [version, id] = stored.split(":");
    expect(version).toBe("v2");
    expect(id).toBe(keyId(key));
    expect(id).not.toContain(key.toString("base64").slice(0, 8));
    expect(decryptSecret(stored, [next, key])).toBe("token");
    expect(() => decryptSecret(stored, [next])).toThrow(`no key with id ${id} is configured`);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => parseKey("c2hvcnQ=")).toThrow("32 bytes");
  });
});

describe("backoff", () => {
  it("doubles per attempt, stays within the upper half of its step, and is capped", () => {
    const options = { baseMs: 1000, maxMs: 60_000 };
    expect(backoffDelayMs(1, { ...options, random: () => 0 })).toBe(500);
    expect(backoffDelayMs(1, { ...options, random: () => 1 })).toBe(1000);
    expect(backoffDelayMs(4, { ...options, random: () => 1 })).toBe(8000);
    expect(backoffDelayMs(4, { ...options, random: () => 0 })).toBe(4000);
    expect(backoffDelayMs(20, { ...options, random: () => 1 })).toBe(60_000);
  });

  it("waits at least as long as the other side asked", () => {
    expect(backoffDelayMs(1, { baseMs: 1000, maxMs: 60_000, retryAfterMs: 30_000, random: () => 0.5 })).toBe(30_000);
  });

  it("treats an unknown error as retryable, keeping its text for the operator", () => {
    const error = classify(new TypeError("x is undefined"));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toContain("x is undefined");
    expect(error.merchantMessage).not.toContain("undefined");
  });
});
