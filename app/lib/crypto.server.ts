// Credentials at rest: AES-256-GCM with a random 96-bit IV per value and a 32-byte key (base64 in
// ENCRYPTION_KEY). The stored form is "v2:<key id>:<iv>:<tag>:<ciphertext>", all base64 but the key id: the
// first 8 bytes of the key's SHA-256 in hex, which names the key without revealing it. So the key can be
// rotated: the new one becomes ENCRYPTION_KEY, the old one moves to ENCRYPTION_KEYS_PREVIOUS, values are read
// with whichever key they name, and `npm run rotate-key` writes every value again with the new one. The
// older "v1:<iv>:<tag>:<ciphertext>" (no key id) is still read, trying each key.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v2";

export function parseKey(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, "base64");
  if (key.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)");
  return key;
}

/** The key's name in stored values. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

export function encryptSecret(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, keyId(key), iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
}

function open(key: Buffer, iv: string, tag: string, ciphertext: string): string {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
}

/** The key id a stored value names; null for the older form, which names none. */
export function storedKeyId(stored: string): string | null {
  const [version, id] = stored.split(":");
  return version === VERSION ? (id ?? null) : null;
}

/** Reads a stored value with the key it names, among `keys` (the current one first, then the previous ones). */
export function decryptSecret(stored: string, keys: Buffer | Buffer[]): string {
  const ring = Array.isArray(keys) ? keys : [keys];
  const parts = stored.split(":");
  if (parts[0] === VERSION && parts.length === 5) {
    const [, id, iv, tag, ciphertext] = parts;
    const key = ring.find((k) => keyId(k) === id);
    if (!key) throw new Error(`no key with id ${id} is configured (ENCRYPTION_KEY, ENCRYPTION_KEYS_PREVIOUS)`);
    return open(key, iv, tag, ciphertext);
  }
  if (parts[0] === "v1" && parts.length === 4) {
    const [, iv, tag, ciphertext] = parts;
    for (const key of ring) {
      try {
        return open(key, iv, tag, ciphertext);
      } catch {
        // another key, if there is one
      }
    }
    throw new Error("no configured key opens this value");
  }
  throw new Error("unknown credential format");
}
