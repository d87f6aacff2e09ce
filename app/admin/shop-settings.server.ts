// Changing a shop's settings (Shop.settings, JSON) from the admin: read what is stored, change the parts a
// page owns, keep every other part. A stored text that is not JSON counts as no settings.
import type { Db } from "../db.server";

export type RawSettings = Record<string, unknown>;

export async function readRawShopSettings(db: Db, shopDomain: string): Promise<RawSettings> {
  const shop = await db.shop.findUnique({ where: { shopDomain }, select: { settings: true } });
  try {
    return shop?.settings ? (JSON.parse(shop.settings) as RawSettings) : {};
  } catch {
    return {};
  }
}

export async function updateShopSettings(db: Db, shopDomain: string, change: (current: RawSettings) => RawSettings): Promise<void> {
  const settings = JSON.stringify(change(await readRawShopSettings(db, shopDomain)));
  await db.shop.upsert({ where: { shopDomain }, update: { settings }, create: { shopDomain, settings } });
}

/** The `rules` part of the stored settings, with these changes. */
export function withRules(current: RawSettings, changes: RawSettings): RawSettings {
  return { ...current, rules: { ...((current.rules as RawSettings | undefined) ?? {}), ...changes } };
}
