// Invoicing per fulfilment (the setting `rules.perFulfillment`): every fulfilment of the order gets its own
// invoice for the units it shipped, named after the order with F1, F2, … (its Document source is
// "fulfillment:<id>", so each is made once). Shipping goes on the first. Units not shipped stay open until
// they are shipped or the order is cancelled. The merchant's other rules (payment, tags, channels,
// verification period, gateways) apply as to any invoice; the trigger is each fulfilment itself.
import { formatMinor } from "../lib/money";
import { ORDER_FULFILLMENTS } from "../shopify/graphql";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { fulfillmentsFromAdminApi, orderForFulfillment } from "./fulfillment";
import { issueDocument, pausingConnectionOnAuth } from "./issue-document.use-case";
import type { NormalizedOrder } from "./order";
import { planDocument } from "./plan";
import { decide } from "./rules";
import { planOptionsFor, type ShopSettings } from "./settings";
import type { SyncOrderDeps } from "./sync-order.use-case";

export async function invoiceFulfillments(
  input: { shopDomain: string; order: NormalizedOrder; settings: ShopSettings; verificationStartedAt: Date; jobId: string; deliveryId: string },
  deps: SyncOrderDeps,
): Promise<void> {
  const { db } = deps;
  const { order, settings } = input;
  const log = (status: "done" | "skipped" | "info", message: string, name = order.name, documentId?: string) =>
    writeSyncLog(db, { shopDomain: input.shopDomain, orderId: order.id, orderName: name, jobId: input.jobId, deliveryId: input.deliveryId, documentId, status, message });

  const decision = decide({
    // Each fulfilment is the trigger; every other rule applies as it does to a whole order.
    order: { ...order, fulfillmentStatus: "fulfilled" },
    rules: { ...settings.rules, trigger: "fulfilled" },
    request: { by: "automatic" },
    verificationStartedAt: input.verificationStartedAt,
    now: deps.now?.() ?? new Date(),
  });
  if (decision.action === "skip") {
    await log("skipped", `Order ${order.name}: ${decision.reasons.join(" ")}`);
    return;
  }
  const admin = await deps.adminClientFor(input.shopDomain);
  const fulfillments = fulfillmentsFromAdminApi(await admin.request(ORDER_FULFILLMENTS, { id: `gid://shopify/Order/${order.id}` }));
  if (fulfillments.length === 0) {
    await log("skipped", `Order ${order.name}: invoiced per fulfilment, and nothing is fulfilled yet.`);
    return;
  }
  const connection = await deps.providerFor(input.shopDomain);
  if (!connection) {
    await log("info", `Order ${order.name}: ${fulfillments.length} fulfilment(s) ready to invoice. No accounting system is connected yet, so nothing was sent.`);
    return;
  }
  const provider = connection.provider;
  for (let index = 0; index < fulfillments.length; index++) {
    const source = `fulfillment:${fulfillments[index].id}`;
    const done = await db.document.findFirst({ where: { shopDomain: input.shopDomain, orderId: order.id, kind: "invoice", source, state: "finalized" } });
    if (done) continue;
    const part = orderForFulfillment(order, fulfillments, index);
    const plan = planDocument(part, planOptionsFor(settings, provider, order));
    const book = decision.kind === "invoice" && plan.check.outcome !== "mismatch";
    const outcome = await issueDocument(
        {
          shopDomain: input.shopDomain,
          order: part,
          plan,
          book,
          source,
          providerType: connection.type,
          missingProducts: connection.missingProducts,
          issueDate: (deps.now?.() ?? new Date()).toISOString().slice(0, 10),
        },
        { db, provider, admin, dataDir: deps.dataDir },
    ).catch(pausingConnectionOnAuth(db, connection.connectionId));
    const total = `${formatMinor(plan.totals.gross, plan.currency)} ${plan.currency}`;
    const units = part.lines.reduce((n, l) => n + l.quantity, 0);
    await log(
      "done",
      outcome.document.state === "booked"
        ? `Invoice ${outcome.document.number} booked in ${connection.name} for ${part.name}, fulfilment ${fulfillments[index].name} (${units} unit(s), total ${total}).`
        : `Invoice draft made in ${connection.name} for ${part.name}, fulfilment ${fulfillments[index].name} (${units} unit(s), total ${total}). ${plan.check.outcome === "mismatch" ? plan.check.message : decision.reasons.join(" ")}`,
      part.name,
      outcome.documentId,
    );
  }
}
