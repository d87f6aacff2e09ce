// The sync log's statuses, shared by its page (client) and its loader (server).
export const LOG_STATUSES = ["failed", "retrying", "skipped", "done", "info", "queued"] as const;
export type LogStatus = (typeof LOG_STATUSES)[number];
