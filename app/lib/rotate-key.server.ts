// `npm run rotate-key`: every stored credential written again with the current key (ENCRYPTION_KEY), read
// with whichever key it names (the current one, or one of ENCRYPTION_KEYS_PREVIOUS). Each row is replaced
// only if it is still what was read (a token refreshed meanwhile is left for the next run), so the script is
// safe beside a running app and can be run again until nothing is left on an old key. A value no configured
// key opens is reported and left as it is: its connection needs the merchant to reconnect.
import type { Db } from "../db.server";
import { decryptSecret, encryptSecret, keyId, storedKeyId } from "./crypto.server";

export type RotationReport = {
  /** The current key's id. */
  keyId: string;
  rows: number;
  rotated: number;
  alreadyCurrent: number;
  /** Changed by the app while the script ran; run it again. */
  changedMeanwhile: number;
  /** No configured key opens them: the shop and connection, to reconnect. */
  unreadable: Array<{ connectionId: string; shopDomain: string; providerType: string }>;
};

export async function rotateCredentials(db: Db, keys: { current: Buffer; previous: Buffer[] }): Promise<RotationReport> {
  const ring = [keys.current, ...keys.previous];
  const current = keyId(keys.current);
  const report: RotationReport = { keyId: current, rows: 0, rotated: 0, alreadyCurrent: 0, changedMeanwhile: 0, unreadable: [] };
  const rows = await db.connection.findMany({ select: { id: true, shopDomain: true, providerType: true, encryptedCredentials: true } });
  for (const row of rows) {
    report.rows += 1;
    if (storedKeyId(row.encryptedCredentials) === current) {
      report.alreadyCurrent += 1;
      continue;
    }
    let plaintext: string;
    try {
      plaintext = decryptSecret(row.encryptedCredentials, ring);
    } catch {
      report.unreadable.push({ connectionId: row.id, shopDomain: row.shopDomain, providerType: row.providerType });
      continue;
    }
    const { count } = await db.connection.updateMany({
      where: { id: row.id, encryptedCredentials: row.encryptedCredentials },
      data: { encryptedCredentials: encryptSecret(plaintext, keys.current) },
    });
    if (count === 1) report.rotated += 1;
    else report.changedMeanwhile += 1;
  }
  return report;
}
