// The app's encryption keys from its environment: ENCRYPTION_KEY writes (and reads), the keys in
// ENCRYPTION_KEYS_PREVIOUS (comma-separated) only read, while a rotation is under way (README, "Rotating
// the encryption key").
import { parseKey } from "./crypto.server";
import { env } from "./env.server";

export function currentKey(): Buffer {
  return parseKey(env().ENCRYPTION_KEY);
}

/** The current key first, then the previous ones. */
export function allKeys(): Buffer[] {
  const previous = (env().ENCRYPTION_KEYS_PREVIOUS ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean)
    .map(parseKey);
  return [currentKey(), ...previous];
}
