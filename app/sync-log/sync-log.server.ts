// The merchant's log. Each entry is one sentence they can act on, with the technical detail beside it.
import type { Db } from "../db.server";

export type SyncStatus = "queued" | "done" | "skipped" | "failed" | "retrying" | "info";

export type SyncLogInput = {
  shopDomain: string;
  status: SyncStatus;
  message: string;
  orderId?: string | null;
  orderName?: string | null;
  documentId?: string | null;
  jobId?: string | null;
  deliveryId?: string | null;
  detail?: Record<string, unknown>;
};

export function writeSyncLog(db: Pick<Db, "syncLogEntry">, entry: SyncLogInput) {
  const { detail, ...rest } = entry;
  return db.syncLogEntry.create({ data: { ...rest, detail: detail ? JSON.stringify(detail) : null } });
}
