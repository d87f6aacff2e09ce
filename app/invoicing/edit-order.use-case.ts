// orders/edited after invoicing: an issued invoice is never changed. The units an edit took off are
// credited (a credit note crediting the invoice), and the lines it added are invoiced (a new invoice), each
// once per edit (Document sources "edit:<id>"), for exactly the amounts of Shopify's record of the edit.
import { formatMinor } from "../lib/money";
import { PermanentError } from "../lib/errors";
import { ORDER_EDITS } from "../shopify/graphql";
import { writeSyncLog } from "../sync-log/sync-log.server";
import { editsFromAdminApi, orderAsEdited, orderForSales } from "./edit";
import { issueDocument, pausingConnectionOnAuth } from "./issue-document.use-case";
import { orderFromAdminApi } from "./order";
import { planDocument } from "./plan";
import { planOptionsFor, readShopSettings } from "./settings";
import { fetchOrder, type SyncOrderDeps } from "./sync-order.use-case";

export async function editOrder(input: { shopDomain: string; orderId: string; jobId: string; deliveryId: string }, deps: SyncOrderDeps): Promise<void> {
  const { db } = deps;
  const shop = await db.shop.findUnique({ where: { shopDomain: input.shopDomain } });
  const settings = readShopSettings(shop?.settings);
  const admin = await deps.adminClientFor(input.shopDomain);
  const fetched = await fetchOrder(admin, input.orderId);
  if (!fetched) throw new PermanentError("order_not_found", `Order ${input.orderId} no longer exists in Shopify; its edit was not documented.`);
  const order = orderFromAdminApi(fetched, settings.currencyMode);
  const log = (status: "done" | "skipped" | "info", message: string, documentId?: string) =>
    writeSyncLog(db, { shopDomain: input.shopDomain, orderId: order.id, orderName: order.name, jobId: input.jobId, deliveryId: input.deliveryId, documentId, status, message });
  const money = (minor: bigint) => `${formatMinor(minor, order.currency)} ${order.currency}`;

  const invoice = await db.document.findFirst({ where: { shopDomain: input.shopDomain, orderId: order.id, kind: "invoice", source: "order" } });
  if (invoice?.state === "created" && invoice.providerRef) {
    const connection = await deps.providerFor(input.shopDomain);
    const provider = connection?.provider;
    if (connection && provider && connection.type === invoice.providerType && provider.replaceDocument && provider.capabilities.lifecycle.replace) {
      // Not activated yet (Walley's preliminary invoice): it takes the order's lines as they are now.
      const edited = orderAsEdited(order, editsFromAdminApi(await admin.request(ORDER_EDITS, { id: `gid://shopify/Order/${order.id}` }), settings.currencyMode));
      const plan = planDocument(edited, planOptionsFor(settings, provider, order));
      if (plan.check.outcome === "mismatch") throw new PermanentError("edit_total_differs", `Order ${order.name} was edited, but its invoice cannot match the edited order exactly, so it was not replaced. ${plan.check.message}`);
      const current = { providerRef: invoice.providerRef, number: invoice.number, state: "draft" as const, totalMinor: invoice.totalMinor };
      const replaced = await provider.replaceDocument({ document: current, plan }).catch(pausingConnectionOnAuth(db, connection.connectionId));
      if (replaced.totalMinor !== plan.totals.gross) {
        throw new PermanentError("edit_total_differs", `Invoice ${invoice.number} in ${connection.name} now totals ${money(replaced.totalMinor ?? 0n)}, but the edited order ${order.name} totals ${money(plan.totals.gross)}. Correct it in ${connection.name}.`);
      }
      await db.document.update({ where: { id: invoice.id }, data: { providerRef: replaced.providerRef, totalMinor: replaced.totalMinor } });
      await log("done", `Order ${order.name} was edited before its invoice was activated: invoice ${invoice.number} in ${connection.name} now has the order's ${plan.lines.length} line(s), total ${money(plan.totals.gross)}.`, invoice.id);
      return;
    }
  }
  if (!invoice || invoice.state !== "finalized" || !invoice.providerRef) {
    await log("skipped", `Order ${order.name} was edited before its invoice was booked; nothing was credited or added. The invoice is made from the order as it is then.`);
    return;
  }
  const connection = await deps.providerFor(input.shopDomain);
  if (!connection || connection.type !== invoice.providerType) {
    throw new PermanentError("edit_provider_changed", `The invoice of order ${order.name} is in ${invoice.providerType}, which is no longer connected, so its edit could not be documented there. Do it by hand.`);
  }
  const provider = connection.provider;
  const pause = pausingConnectionOnAuth(db, connection.connectionId);
  const edits = editsFromAdminApi(await admin.request(ORDER_EDITS, { id: `gid://shopify/Order/${order.id}` }), settings.currencyMode);
  for (const edit of edits) {
    const source = `edit:${edit.id}`;
    const common = {
      shopDomain: input.shopDomain,
      book: true,
      providerType: connection.type,
      missingProducts: connection.missingProducts,
      issueDate: (deps.now?.() ?? new Date()).toISOString().slice(0, 10),
    };
    if (edit.removed.length > 0) {
      const taken = orderForSales(order, edit.removed, `E${edit.id.slice(-4)}`);
      const plan = planDocument(taken, planOptionsFor(settings, provider, order));
      const outcome = await issueDocument(
        { ...common, order: { ...taken, id: order.id }, plan, credit: { source, invoice: { providerRef: invoice.providerRef, number: invoice.number, state: "booked", totalMinor: invoice.totalMinor } } },
        { db, provider, admin, dataDir: deps.dataDir },
      ).catch(pause);
      if (!outcome.alreadyDone) {
        const units = edit.removed.reduce((n, sale) => n + sale.quantity, 0);
        await log("done", `Order ${order.name} was edited: ${units} unit(s) taken off are credited by credit note ${outcome.document.number} in ${connection.name} (${money(plan.totals.gross)}), crediting invoice ${invoice.number}.`, outcome.documentId);
      }
    }
    if (edit.added.length > 0) {
      const added = orderForSales(order, edit.added, `E${edit.id.slice(-4)}`);
      const plan = planDocument(added, planOptionsFor(settings, provider, order));
      const outcome = await issueDocument({ ...common, order: { ...added, id: order.id }, plan, source }, { db, provider, admin, dataDir: deps.dataDir }).catch(pause);
      if (!outcome.alreadyDone) {
        const units = edit.added.reduce((n, sale) => n + sale.quantity, 0);
        await log("done", `Order ${order.name} was edited: ${units} unit(s) added are invoiced by invoice ${outcome.document.number} in ${connection.name} (${money(plan.totals.gross)}).`, outcome.documentId);
      }
    }
  }
}
