// npm run rotate-key — after putting the new key in ENCRYPTION_KEY and the old one in
// ENCRYPTION_KEYS_PREVIOUS: writes every stored credential again with the new key, and says what is left.
// Once it reports nothing on an old key, ENCRYPTION_KEYS_PREVIOUS can be removed.
import db from "../app/db.server";
import { allKeys } from "../app/lib/keys.server";
import { rotateCredentials } from "../app/lib/rotate-key.server";

const [current, ...previous] = allKeys();
const report = await rotateCredentials(db, { current, previous });
console.log(
  `key ${report.keyId}: ${report.rows} connection(s); ${report.rotated} written again with it, ${report.alreadyCurrent} already on it, ` +
    `${report.changedMeanwhile} changed meanwhile (run again), ${report.unreadable.length} that no configured key opens.`,
);
for (const row of report.unreadable) console.log(`  unreadable: ${row.shopDomain} (${row.providerType}, connection ${row.connectionId}): the merchant must reconnect it`);
await db.$disconnect();
process.exit(report.unreadable.length > 0 || report.changedMeanwhile > 0 ? 1 : 0);
