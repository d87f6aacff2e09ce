// What each job type does. Order events go through the order sync (rules, plan, totals check); the
// documents themselves come with the providers (issue 3), refunds and edits with the lifecycle (issue 5).
import type { Db } from "../db.server";
import type { Logger } from "../lib/logger.server";
import { PermanentError } from "../lib/errors";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { exportCustomerData, redactCustomer, redactShop } from "../compliance/compliance.server";
import type { ShopifyAdminClient } from "../shopify/admin-client.server";
import { syncOrder, type SyncOrderDeps } from "../invoicing/sync-order.use-case";
import { syncRefund } from "../invoicing/sync-refund.use-case";
import { editOrder } from "../invoicing/edit-order.use-case";
import { creditInvoice, extendDueDate, partActivate, sendFromProvider } from "../invoicing/document-actions.use-case";
import { refetchPdf } from "../invoicing/issue-document.use-case";
import { env } from "../lib/env.server";
import { mailSetupFromEnv, type Mailer } from "../mail/mailer.server";
import { PdfMissingError } from "../mail/document-pdf";
import { sendDocumentEmail, type SendReason } from "../mail/send-document-email.use-case";
import { providerForShop } from "../providers/connections.server";
import { importOrder, listImportPage } from "../import/import-jobs.server";
import { sweepShop } from "../reconcile/reconcile.server";
import { STOPPED_BY_UNINSTALL } from "../admin/installed.server";
import type { JobContext, JobHandler, JobSpec } from "./queue";
import { enqueueJob } from "./enqueue.server";
import { topicLabel, type JobType } from "./topics";

export type HandlerDeps = {
  /** The SMTP transport and sender; from SMTP_URL and MAIL_FROM when absent. */
  mail?: { mailer: Mailer; mailFrom: string | null };
  db: Db;
  logger: Logger;
  dataDir: string;
  adminClientFor: (shop: string) => Promise<ShopifyAdminClient>;
  providerFor?: SyncOrderDeps["providerFor"];
  /** The clock the reconciliation sweep reads (tests move it on). */
  now?: () => Date;
};

export function createHandlers(deps: HandlerDeps): Record<JobType, JobHandler> {
  const { db } = deps;
  // What every order sync gets: the order events, a staff member's Generate invoice, the historical import.
  const syncDeps = {
    db,
    logger: deps.logger,
    adminClientFor: deps.adminClientFor,
    providerFor: deps.providerFor ?? providerForShop(db),
    dataDir: deps.dataDir,
    enqueue: (spec: JobSpec) => enqueueJob(db, spec),
  };

  async function deliveryOf({ job }: JobContext) {
    const deliveryId = String(job.payload.deliveryId ?? "");
    const delivery = await db.webhookDelivery.findUnique({ where: { id: deliveryId } });
    if (!delivery) {
      throw new PermanentError(
        "delivery_missing",
        "The Shopify notification behind this task is no longer stored (it may have been erased on request).",
      );
    }
    return { delivery, payload: JSON.parse(delivery.payload) as Record<string, unknown> };
  }

  return {
    "order.event": async (context) => {
      const { job } = context;
      const { delivery, payload } = await deliveryOf(context);
      const orderId = typeof job.payload.orderId === "string" ? job.payload.orderId : null;
      const shop = await db.shop.findUnique({ where: { shopDomain: job.shopDomain } });
      if (shop?.status === "uninstalled") {
        await writeSyncLog(db, {
          shopDomain: job.shopDomain,
          orderId,
          jobId: job.id,
          deliveryId: delivery.id,
          status: "skipped",
          message: `Ignored ${topicLabel(delivery.topic)}: the app is uninstalled from this shop.`,
        });
        return;
      }
      if (orderId && delivery.topic === "REFUNDS_CREATE" && payload.id !== undefined) {
        await syncRefund({ shopDomain: job.shopDomain, orderId, refundId: String(payload.id), jobId: job.id, deliveryId: delivery.id }, syncDeps);
        return;
      }
      if (orderId && delivery.topic === "ORDERS_EDITED") {
        await editOrder({ shopDomain: job.shopDomain, orderId, jobId: job.id, deliveryId: delivery.id }, syncDeps);
        return;
      }
      if (orderId && delivery.topic !== "REFUNDS_CREATE") {
        await syncOrder({ shopDomain: job.shopDomain, orderId, topic: delivery.topic, payload, jobId: job.id, deliveryId: delivery.id, shop }, syncDeps);
        return;
      }
      // A notification that names no order (or a refund without its id): recorded, nothing to do.
      await writeSyncLog(db, {
        shopDomain: job.shopDomain,
        orderId,
        jobId: job.id,
        deliveryId: delivery.id,
        status: "info",
        message: describeOrderEvent(delivery.topic, payload),
        detail: { topic: delivery.topic, eventId: delivery.eventId, webhookId: delivery.webhookId },
      });
    },

    "app.uninstalled": async ({ job }) => {
      const now = new Date();
      const [cancelled] = await db.$transaction([
        db.job.updateMany({
          where: { shopDomain: job.shopDomain, status: "queued", id: { not: job.id } },
          data: { status: "cancelled", finishedAt: now, lastError: STOPPED_BY_UNINSTALL },
        }),
        db.shop.upsert({
          where: { shopDomain: job.shopDomain },
          update: { status: "uninstalled", uninstalledAt: now },
          create: { shopDomain: job.shopDomain, status: "uninstalled", uninstalledAt: now },
        }),
        db.session.deleteMany({ where: { shop: job.shopDomain } }),
      ]);
      await writeSyncLog(db, {
        shopDomain: job.shopDomain,
        jobId: job.id,
        status: "done",
        message: `The app was uninstalled. ${cancelled.count} pending task(s) were stopped; documents already made are kept.`,
      });
    },

    "app.scopes-update": async (context) => {
      const { payload } = await deliveryOf(context);
      const current = Array.isArray(payload.current) ? payload.current.map(String) : [];
      await db.session.updateMany({ where: { shop: context.job.shopDomain }, data: { scope: current.join(",") } });
      await writeSyncLog(db, {
        shopDomain: context.job.shopDomain,
        jobId: context.job.id,
        status: "info",
        message: `The app's access to your shop changed; it now has: ${current.join(", ") || "no scopes"}.`,
      });
    },

    "compliance.data-request": async (context) => {
      const { payload } = await deliveryOf(context);
      await exportCustomerData(db, context.job.shopDomain, payload);
    },

    "compliance.customer-redact": async (context) => {
      const { payload } = await deliveryOf(context);
      await redactCustomer(db, context.job.shopDomain, payload);
    },

    "document.email": async ({ job }) => {
      const documentId = String(job.payload.documentId ?? "");
      const reason = String(job.payload.reason ?? "booking") as SendReason;
      const mail = deps.mail ?? mailSetupFromEnv(env(), deps.logger);
      const send = () => sendDocumentEmail({ shopDomain: job.shopDomain, documentId, reason, to: typeof job.payload.to === "string" ? job.payload.to : undefined, jobId: job.id }, { db, dataDir: deps.dataDir, ...mail });
      try {
        await send();
      } catch (error) {
        // The stored PDF is missing or damaged: fetch it again from the accounting system, then send.
        if (!(error instanceof PdfMissingError)) throw error;
        const connection = await (deps.providerFor ?? providerForShop(db))(job.shopDomain);
        if (!connection) throw error;
        await refetchPdf({ db, provider: connection.provider, dataDir: deps.dataDir }, documentId);
        await send();
      }
    },

    // The historical import (app/import/): a page of orders listed, and each order through the order sync.
    "import.page": (context) => listImportPage(context, { db, adminClientFor: deps.adminClientFor }),

    "order.generate": async ({ job }) => {
      const payload = job.payload as { orderId: string; kind: "draft" | "invoice"; invoiceDate?: string; dueDate?: string };
      await syncOrder(
        {
          shopDomain: job.shopDomain,
          orderId: payload.orderId,
          topic: "STAFF_GENERATE",
          payload: {},
          jobId: job.id,
          deliveryId: null,
          request: { by: "staff", kind: payload.kind, invoiceDate: payload.invoiceDate, dueDate: payload.dueDate },
        },
        syncDeps,
      );
    },

    "import.order": (context) => importOrder(context, syncDeps),

    "document.credit": ({ job }) => creditInvoice({ shopDomain: job.shopDomain, documentId: String(job.payload.documentId), jobId: job.id }, syncDeps),
    "document.extend-due-date": ({ job }) =>
      extendDueDate({ shopDomain: job.shopDomain, documentId: String(job.payload.documentId), dueDate: String(job.payload.dueDate), jobId: job.id }, syncDeps),
    "document.part-activate": ({ job }) => partActivate({ shopDomain: job.shopDomain, documentId: String(job.payload.documentId), jobId: job.id }, syncDeps),
    "document.send": ({ job }) => sendFromProvider({ shopDomain: job.shopDomain, documentId: String(job.payload.documentId), jobId: job.id }, syncDeps),

    // The reconciliation sweep (app/reconcile/): the orders whose webhooks never arrived, and each one's sync.
    "reconcile.sweep": async (context) => {
      await sweepShop(context, { db, adminClientFor: deps.adminClientFor, now: deps.now });
    },
    "order.reconcile": async ({ job }) => {
      await syncOrder({ shopDomain: job.shopDomain, orderId: String(job.payload.orderId), topic: "RECONCILE", payload: {}, jobId: job.id, deliveryId: null }, syncDeps);
    },

    "compliance.shop-redact": async ({ job }) => {
      const counts = await redactShop(db, job.shopDomain, deps.dataDir);
      // Nothing of the shop is left to log into; the process log keeps the counts (no personal data).
      deps.logger.info({ shopDomain: job.shopDomain, counts }, "shop data erased (shop/redact)");
    },
  };
}

function describeOrderEvent(topic: string, payload: Record<string, unknown>): string {
  return `Received ${topicLabel(topic)}, which names no order${topic === "REFUNDS_CREATE" && payload.id === undefined ? " or refund" : ""}; there is nothing to document.`;
}
