// The merchant's rules: does this order get a document now, and which one? A pure function; every
// decision carries its reasons in words the merchant reads in the sync log.
import type { NormalizedOrder } from "./order";

export type InvoicingRules = {
  /** When a document is made: as soon as the order exists, once it is paid, once it is fulfilled, or only on request. */
  trigger: "created" | "paid" | "fulfilled" | "manual";
  /** Empty lists mean "any". */
  financialStatuses: string[];
  fulfillmentStatuses: string[];
  includeTags: string[];
  excludeTags: string[];
  channels: string[];
  /** A draft only, or a booked invoice (subject to the checks below). */
  documentKind: "draft" | "invoice";
  /** Orders paid through these gateways get a draft, never an automatic booking. */
  neverBookGateways: string[];
  /** Days after install during which only drafts are made. */
  verificationDays: number;
  /** When the merchant confirmed automatic booking (null: not yet). */
  bookingConfirmedAt: string | null;
  /** One invoice per fulfilment (F1, F2, …) instead of one per order. */
  perFulfillment?: boolean;
  /**
   * Orders without an e-mail address (guests): invoiced to the accounting system's collective customer
   * (where one is set), to a customer of their own made from the name and address, or not automatically.
   */
  guests?: GuestPolicy;
};

export type GuestPolicy = "collective" | "individual" | "skip";

export const DEFAULT_RULES: InvoicingRules = {
  trigger: "paid",
  financialStatuses: [],
  fulfillmentStatuses: [],
  includeTags: [],
  excludeTags: [],
  channels: [],
  documentKind: "invoice",
  neverBookGateways: [],
  verificationDays: 14,
  bookingConfirmedAt: null,
};

export type Decision =
  | { action: "skip"; reasons: string[] }
  | { action: "create"; kind: "draft" | "invoice"; reasons: string[] };

const PAID = new Set(["paid", "partially_refunded", "refunded"]);

export function decide(input: {
  order: NormalizedOrder;
  rules: InvoicingRules;
  /** Automatic (a webhook or a sweep), or a staff member's request with the kind they chose. */
  request: { by: "automatic" } | { by: "staff"; kind: "draft" | "invoice" };
  verificationStartedAt: Date;
  now: Date;
}): Decision {
  const { order, rules, request, now } = input;
  const skip = (reason: string): Decision => ({ action: "skip", reasons: [`Skipped: ${reason}.`] });

  if (order.cancelledAt) return skip(`order ${order.name} is cancelled`);

  if (request.by === "automatic") {
    if (rules.trigger === "manual") return skip("invoices are made only when staff use \"Generate invoice\" (your trigger is 'manual only')");
    if (rules.trigger === "paid" && !PAID.has(order.financialStatus)) {
      return skip(`waiting for payment (your trigger is 'paid', and the payment status is '${order.financialStatus}')`);
    }
    if (rules.trigger === "fulfilled" && order.fulfillmentStatus !== "fulfilled") {
      return skip(`waiting for fulfilment (your trigger is 'fulfilled', and the fulfilment status is '${order.fulfillmentStatus}')`);
    }
    if (rules.financialStatuses.length > 0 && !rules.financialStatuses.includes(order.financialStatus)) {
      return skip(`payment status '${order.financialStatus}' is not in your criteria (${rules.financialStatuses.join(", ")})`);
    }
    if (rules.fulfillmentStatuses.length > 0 && !rules.fulfillmentStatuses.includes(order.fulfillmentStatus)) {
      return skip(`fulfilment status '${order.fulfillmentStatus}' is not in your criteria (${rules.fulfillmentStatuses.join(", ")})`);
    }
    const tags = new Set(order.tags.map((t) => t.toLowerCase()));
    const excluded = rules.excludeTags.find((t) => tags.has(t.toLowerCase()));
    if (excluded) return skip(`the order is tagged '${excluded}', which you exclude`);
    if (rules.includeTags.length > 0 && !rules.includeTags.some((t) => tags.has(t.toLowerCase()))) {
      return skip(`the order has none of the tags you require (${rules.includeTags.join(", ")})`);
    }
    if (rules.guests === "skip" && !order.email) {
      return skip(`order ${order.name} has no e-mail address, and your guest policy makes no document for guests automatically (staff can still use "Generate invoice")`);
    }
    if (rules.channels.length > 0 && !rules.channels.includes(order.channel ?? "")) {
      return skip(`sales channel '${order.channel ?? "unknown"}' is not in your criteria (${rules.channels.join(", ")})`);
    }
  }

  const wanted = request.by === "staff" ? request.kind : rules.documentKind;
  if (wanted === "draft") {
    return {
      action: "create",
      kind: "draft",
      reasons: [request.by === "staff" ? "A draft, as requested." : "A draft: your settings make drafts only."],
    };
  }
  if (request.by === "staff") return { action: "create", kind: "invoice", reasons: ["A booked invoice, as requested."] };

  const gateway = order.gateways.find((g) => rules.neverBookGateways.includes(g));
  if (gateway) {
    return { action: "create", kind: "draft", reasons: [`A draft only: orders paid with '${gateway}' are never booked automatically (your settings).`] };
  }
  // The merchant's confirmation ("Start automatic booking", after checking the drafts) ends the
  // verification period; one given before this period began (an earlier install) does not count.
  if (!bookingConfirmed(rules, input.verificationStartedAt)) {
    const verificationEnds = new Date(input.verificationStartedAt.getTime() + rules.verificationDays * 86_400_000);
    if (now < verificationEnds) {
      return {
        action: "create",
        kind: "draft",
        reasons: [`A draft only: the verification period runs until ${verificationEnds.toISOString().slice(0, 10)}; check the drafts, then confirm automatic booking in the settings.`],
      };
    }
    return {
      action: "create",
      kind: "draft",
      reasons: ["A draft only: automatic booking starts once you confirm it in the settings (the verification period is over)."],
    };
  }
  return { action: "create", kind: "invoice", reasons: ["A booked invoice: the order meets your criteria."] };
}

/** Whether the merchant confirmed automatic booking during this verification period (or after it). */
export function bookingConfirmed(rules: Pick<InvoicingRules, "bookingConfirmedAt">, verificationStartedAt: Date): boolean {
  return rules.bookingConfirmedAt !== null && new Date(rules.bookingConfirmedAt).getTime() >= verificationStartedAt.getTime();
}
