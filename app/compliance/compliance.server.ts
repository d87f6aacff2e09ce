// The three mandatory compliance topics. Each does what it says, in every table of ours.
import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db.server";
import { routeForTopic } from "../jobs/topics";
import { writeSyncLog } from "../sync-log/sync-log.server";
import {
  eraseStrings,
  idOf,
  payloadConcernsCustomer,
  personalStrings,
  redactPayload,
  type CustomerIdentity,
} from "./personal-data";

type CompliancePayload = {
  customer?: { id?: unknown; email?: unknown; phone?: unknown };
  orders_to_redact?: unknown[];
  orders_requested?: unknown[];
  data_request?: { id?: unknown };
};

export function identityFrom(payload: CompliancePayload, orderKey: "orders_to_redact" | "orders_requested"): CustomerIdentity {
  const email = typeof payload.customer?.email === "string" ? payload.customer.email.toLowerCase() : undefined;
  const phone = typeof payload.customer?.phone === "string" && payload.customer.phone ? payload.customer.phone : undefined;
  return {
    customerId: idOf(payload.customer?.id),
    email: email || undefined,
    phone,
    orderIds: new Set((payload[orderKey] ?? []).map(idOf).filter((id): id is string => Boolean(id))),
  };
}

const BATCH = 500;
const COMPLIANCE_TOPICS = new Set(["CUSTOMERS_DATA_REQUEST", "CUSTOMERS_REDACT", "SHOP_REDACT"]);

/** Rows of a shop's table, a batch at a time (a shop can have years of them). */
async function* inBatches<T extends { id: string }>(page: (cursor: string | undefined) => Promise<T[]>) {
  let cursor: string | undefined;
  for (;;) {
    const rows = await page(cursor);
    yield* rows;
    if (rows.length < BATCH) return;
    cursor = rows[rows.length - 1].id;
  }
}

const after = (cursor: string | undefined) => ({
  orderBy: { id: "asc" as const },
  take: BATCH,
  ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
});

/** Every stored delivery of the shop, parsed. */
async function* deliveriesOf(db: Db, shopDomain: string) {
  for await (const row of inBatches((cursor) => db.webhookDelivery.findMany({ where: { shopDomain }, ...after(cursor) }))) {
    yield { row, payload: safeParse(row.payload) };
  }
}

/** What we hold about one customer, gathered once for both the redaction and the export. */
async function findCustomerTraces(db: Db, shopDomain: string, who: CustomerIdentity) {
  const deliveries: Array<{ id: string; topic: string; payload: unknown }> = [];
  const strings = new Set<string>([who.email, who.phone].filter((s): s is string => Boolean(s)));
  const orderIds = new Set(who.orderIds);
  for await (const { row, payload } of deliveriesOf(db, shopDomain)) {
    if (!payloadConcernsCustomer(payload, who)) continue;
    deliveries.push({ id: row.id, topic: row.topic, payload });
    for (const s of personalStrings(payload)) strings.add(s);
    const orderId = orderIdOfDelivery(row.topic, payload);
    if (orderId) orderIds.add(orderId);
  }
  const documents = await db.document.findMany({
    where: {
      shopDomain,
      OR: [{ orderId: { in: [...orderIds] } }, ...(who.email ? [{ buyerEmail: who.email }, { emailedTo: who.email }] : [])],
    },
  });
  for (const doc of documents) {
    if (doc.buyerName) strings.add(doc.buyerName);
    if (doc.buyerEmail) strings.add(doc.buyerEmail);
  }
  // Matches are kept by Shopify customer id and by e-mail (matchKey "shopify:<id>" and "email:<address>").
  const customerLinks = await db.customerLink.findMany({
    where: {
      shopDomain,
      OR: [
        ...(who.customerId ? [{ shopifyCustomerId: who.customerId }, { matchKey: `shopify:${who.customerId}` }] : []),
        ...(who.email ? [{ matchKey: `email:${who.email}` }, { matchKey: who.email }] : []),
      ],
    },
  });
  return { deliveries, documents, customerLinks, orderIds, strings: [...strings].sort((a, b) => b.length - a.length) };
}

export async function redactCustomer(db: Db, shopDomain: string, payload: CompliancePayload) {
  const who = identityFrom(payload, "orders_to_redact");
  const traces = await findCustomerTraces(db, shopDomain, who);
  const counts = { deliveries: 0, documents: 0, customerLinks: 0, logEntries: 0, jobs: 0, dataRequests: 0 };

  // Stored payloads: the customer's own are redacted field by field; any other that mentions them loses
  // those strings.
  for await (const { row, payload: parsed } of deliveriesOf(db, shopDomain)) {
    const mine = traces.deliveries.some((d) => d.id === row.id);
    const mentions = traces.strings.some((s) => row.payload.toLowerCase().includes(s.toLowerCase()));
    if (!mine && !mentions) continue;
    const redacted = mine ? redactPayload(parsed, traces.strings) : safeRedactText(row.payload, traces.strings);
    await db.webhookDelivery.update({
      where: { id: row.id },
      data: { payload: typeof redacted === "string" ? redacted : JSON.stringify(redacted) },
    });
    counts.deliveries++;
  }

  // Documents are accounting records and stay; our copy of the buyer's name and email goes.
  counts.documents = (
    await db.document.updateMany({
      where: { id: { in: traces.documents.map((d) => d.id) } },
      data: { buyerEmail: null, buyerName: null, emailedTo: null },
    })
  ).count;

  counts.customerLinks = (await db.customerLink.deleteMany({ where: { id: { in: traces.customerLinks.map((l) => l.id) } } })).count;

  // The record of e-mails sent to the buyer keeps that something was sent, not to whom.
  await db.emailDelivery.updateMany({
    where: { shopDomain, OR: [{ documentId: { in: traces.documents.map((d) => d.id) } }, ...traces.strings.map((s) => ({ toAddress: s }))] },
    data: { toAddress: "(redacted)", bcc: null, subject: null },
  });

  // Log entries: erase the strings wherever they stand, in the message and the detail.
  for await (const entry of inBatches((cursor) => db.syncLogEntry.findMany({ where: { shopDomain }, ...after(cursor) }))) {
    const message = eraseStrings(entry.message, traces.strings);
    const detail = entry.detail === null ? null : eraseStrings(entry.detail, traces.strings);
    if (message !== entry.message || detail !== entry.detail) {
      await db.syncLogEntry.update({ where: { id: entry.id }, data: { message, detail } });
      counts.logEntries++;
    }
  }

  for await (const job of inBatches((cursor) => db.job.findMany({ where: { shopDomain }, ...after(cursor) }))) {
    const payloadText = eraseStrings(job.payload, traces.strings);
    const lastError = job.lastError === null ? null : eraseStrings(job.lastError, traces.strings);
    if (payloadText !== job.payload || lastError !== job.lastError) {
      await db.job.update({ where: { id: job.id }, data: { payload: payloadText, lastError } });
      counts.jobs++;
    }
  }

  // An earlier export of this customer's data is their data too.
  counts.dataRequests = (
    await db.dataRequest.deleteMany({
      where: {
        shopDomain,
        OR: [
          ...(who.customerId ? [{ shopifyCustomerId: who.customerId }] : []),
          ...(who.email ? [{ email: who.email }] : []),
        ],
      },
    })
  ).count;

  await writeSyncLog(db, {
    shopDomain,
    status: "done",
    message:
      `Shopify asked us to erase a customer's personal data (customer ${who.customerId ?? "without id"}). ` +
      `Erased from ${counts.deliveries} stored notification(s), ${counts.documents} document record(s), ` +
      `${counts.logEntries} log entr${counts.logEntries === 1 ? "y" : "ies"}, ${counts.customerLinks} customer match(es). ` +
      "Invoices in your accounting system are not changed.",
    detail: { customerId: who.customerId ?? null, orders: [...who.orderIds], counts },
  });
  return counts;
}

export async function exportCustomerData(db: Db, shopDomain: string, payload: CompliancePayload) {
  const who = identityFrom(payload, "orders_requested");
  const traces = await findCustomerTraces(db, shopDomain, who);
  const logEntries = await db.syncLogEntry.findMany({
    where: { shopDomain, orderId: { in: [...traces.orderIds] } },
    orderBy: { createdAt: "asc" },
  });
  const exported = {
    requestId: idOf(payload.data_request?.id) ?? null,
    generatedAt: new Date().toISOString(),
    customer: { id: who.customerId ?? null, email: who.email ?? null, phone: who.phone ?? null },
    orders: [...traces.orderIds],
    // The privacy requests themselves are not part of what the customer gave the shop.
    notifications: traces.deliveries
      .filter((d) => !COMPLIANCE_TOPICS.has(d.topic))
      .map((d) => ({ topic: d.topic, payload: d.payload })),
    documents: traces.documents.map((d) => ({
      orderId: d.orderId,
      orderName: d.orderName,
      kind: d.kind,
      provider: d.providerType,
      number: d.number,
      state: d.state,
      currency: d.currency,
      totalMinor: d.totalMinor === null ? null : d.totalMinor.toString(),
      buyerName: d.buyerName,
      buyerEmail: d.buyerEmail,
      createdAt: d.createdAt.toISOString(),
    })),
    customerMatches: traces.customerLinks.map((l) => ({ provider: l.providerType, externalId: l.externalId, matchedOn: l.matchKey })),
    logEntries: logEntries.map((e) => ({ at: e.createdAt.toISOString(), status: e.status, message: e.message })),
  };
  const request = await db.dataRequest.create({
    data: {
      shopDomain,
      shopifyCustomerId: who.customerId ?? null,
      email: who.email ?? null,
      export: JSON.stringify(exported),
    },
  });
  await writeSyncLog(db, {
    shopDomain,
    status: "done",
    message:
      `Shopify forwarded a customer's request for their data (customer ${who.customerId ?? "without id"}). ` +
      `An export with ${exported.notifications.length} notification(s), ${exported.documents.length} document record(s) ` +
      `and ${exported.logEntries.length} log entr${exported.logEntries.length === 1 ? "y" : "ies"} is ready for you to send them.`,
    detail: { dataRequestId: request.id, shopifyRequestId: exported.requestId },
  });
  return request;
}

/** shop/redact: 48 hours after uninstall, everything of that shop goes. */
export async function redactShop(db: Db, shopDomain: string, dataDir: string) {
  const where = { shopDomain };
  const [sessions, shops, connections, deliveries, jobs, documents, customers, products, log, requests, locks] =
    await db.$transaction([
      db.session.deleteMany({ where: { shop: shopDomain } }),
      db.shop.deleteMany({ where }),
      db.connection.deleteMany({ where }),
      db.webhookDelivery.deleteMany({ where }),
      db.job.deleteMany({ where }),
      db.document.deleteMany({ where }),
      db.customerLink.deleteMany({ where }),
      db.productLink.deleteMany({ where }),
      db.syncLogEntry.deleteMany({ where }),
      db.dataRequest.deleteMany({ where }),
      db.oAuthState.deleteMany({ where }),
      db.documentSequence.deleteMany({ where }),
      db.ownDocument.deleteMany({ where }),
      db.emailDelivery.deleteMany({ where }),
      db.jobGroupLock.deleteMany({ where: { groupKey: { startsWith: `${shopDomain}:` } } }),
      db.importRun.deleteMany({ where }),
      db.bulkRun.deleteMany({ where }),
      db.erpPdf.deleteMany({ where }),
    ]);
  // Stored PDFs live on disk, one folder per shop.
  await fs.rm(path.join(dataDir, "documents", shopDomain), { recursive: true, force: true });
  return {
    sessions: sessions.count,
    shops: shops.count,
    connections: connections.count,
    deliveries: deliveries.count,
    jobs: jobs.count,
    documents: documents.count,
    customerLinks: customers.count,
    productLinks: products.count,
    logEntries: log.count,
    dataRequests: requests.count,
    locks: locks.count,
  };
}

function orderIdOfDelivery(topic: string, payload: unknown): string | undefined {
  const routed = routeForTopic(topic);
  return routed?.orderId && typeof payload === "object" && payload !== null
    ? routed.orderId(payload as Record<string, unknown>)
    : undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeRedactText(text: string, strings: readonly string[]): string {
  return eraseStrings(text, strings);
}
