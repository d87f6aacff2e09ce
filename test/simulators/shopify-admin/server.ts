// The Shopify Admin simulator: a stateful GraphQL server on loopback that answers the app's documents
// from seeded data, checks the access token, validates every query against the real Admin schema,
// throttles by query cost, and delivers webhooks signed the way Shopify signs them.
//
// Control API (JSON over HTTP, documented in the README's testing section):
//   POST /_control/shops                      {domain, accessToken, appUrl, apiSecret, currency?, name?}
//   POST /_control/customers                  {shop, id?, email, firstName, lastName, phone?, locale?, metafields?: {"namespace.key": value}}
//   POST /_control/orders                     {shop, order: SeedOrder}            → {id, name, total}
//                                             {shop, payload: <orders/* webhook body>, company?: {name, locationName, vatId?, externalId?}}
//                                                                                 → {id, name, total} (amounts as given)
//   POST /_control/companies                 {shop, id?, name, externalId?, metafields?, locations: [{id?, name}],
//                                             contacts?: [{customerId, roles?: [{locationId | location: <index>, role?}]}]}
//                                                                                 → the company with its ids
//   POST /_control/companies/:id           {shop, externalId?, metafields?: {"namespace.key": value}}  (as staff edit a company)
//   POST /_control/companies/:id/roles       {shop, customerId, locationId, role?, revoke?}   (role: "Location admin" | "Ordering only")
//   POST /_control/orders/:id/status          {shop, financialStatus?, fulfillmentStatus?, cancelled?}
//   POST /_control/orders/:id/edits           {shop, edit: {add?: [SeedLine], remove?: [{index, quantity}]}} → the orders/edited payload
//   POST /_control/orders/:id/fulfillments    {shop, fulfillment: {lines: [{index, quantity}]}} → {id, name, orderFulfillmentStatus}
//   POST /_control/orders/:id/refunds         {shop, refund: {lines?: [{index, quantity}], shipping?, amount?, transactionStatus?}} → the refunds/create payload
//   POST /_control/webhooks                   {shop, topic, orderId?, customerId?, payload?, eventId?, times?, concurrent?}
//   POST /_control/webhook-loss               {shop, every?}   every every-th webhook is lost on the way (status 0); none without `every`
//   POST /_control/faults                     {kind: status|timeout|slow|lost-response|garbage, match?, times?, ...}
//   POST /_control/throttle                   {shop, maximumAvailable?, currentlyAvailable?, restoreRate?}
//   GET  /_control/state?shop=…               what the simulator holds (orders, metafields, requests)
//   POST /_control/reset
import fs from "node:fs";
import type http from "node:http";
import path from "node:path";
import { createHmac, randomUUID } from "node:crypto";
import { buildSchema, execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { parse as parseToml } from "smol-toml";
import { FaultInjector, listenOnLoopback, readBody, sendJson, type FaultRule, type LoopbackServer } from "../faults";
import { Companies, CompanyError, gqlCompany } from "./companies";
import { queryCost } from "./cost";
import { orderMatcher, sortedOrderPage } from "./order-search";
import { orderFromPayload, parseOrderPayload, PayloadError } from "./order-payload";
import {
  computeOrder,
  gqlCustomer,
  gqlOrder,
  newId,
  restOrder,
  type SeedCustomer,
  type SeedOrder,
  type SeedRefund,
  computeRefund,
  computeFulfillment,
  applyEdit,
  type SeedEdit,
  type StoredEdit,
  type SeedFulfillment,
  gqlRefund,
  restRefund,
  type StoredOrder,
  type SeedCompany,
} from "./orders";

const here = path.dirname(new URL(import.meta.url).pathname);
export const ADMIN_SCHEMA_FILE = path.join(here, "admin-2026-01.schema.graphql");

let cachedSchema: GraphQLSchema | undefined;
export function adminSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(fs.readFileSync(ADMIN_SCHEMA_FILE, "utf8"), { assumeValidSDL: true });
  return cachedSchema;
}

/** Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app's secret. */
export function signWebhook(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

/** Shopify refuses any single query above this many points. */
export const MAX_QUERY_COST = 1000;

type Bucket = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number; at: number };

type SimShop = {
  id: number;
  domain: string;
  name: string;
  email: string;
  currency: string;
  accessToken: string;
  appUrl: string;
  apiSecret: string;
  scopes: string[];
  customers: Map<number, SeedCustomer>;
  companies: Companies;
  orders: Map<number, StoredOrder>;
  orderNumber: number;
  bucket: Bucket;
  requests: Array<{ operationName: string | null; cost: number; throttled: boolean }>;
  webhooksSent: Array<{ topic: string; eventId: string; webhookId: string; status: number }>;
  /** Lost on the way: every `every`-th webhook is never delivered (status 0 in webhooksSent), as Shopify's can be. */
  webhookLoss: { every: number; count: number } | null;
};

export type WebhookResult = { status: number; eventId: string; webhookId: string; body: string };

export type SimulatorOptions = { port?: number; tomlPath?: string; apiVersion?: string };

export class ShopifyAdminSimulator {
  readonly faults = new FaultInjector();
  readonly shops = new Map<string, SimShop>();
  private server: LoopbackServer | undefined;
  private routes: Map<string, string>;
  private apiVersion: string;
  url = "";

  constructor(private readonly options: SimulatorOptions = {}) {
    const toml = parseToml(fs.readFileSync(options.tomlPath ?? path.resolve(here, "../../../shopify.app.toml"), "utf8")) as {
      webhooks: { api_version: string; subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }> };
    };
    this.apiVersion = options.apiVersion ?? toml.webhooks.api_version;
    // Deliver each topic where the app's configuration says, as Shopify does.
    this.routes = new Map();
    for (const sub of toml.webhooks.subscriptions) {
      for (const topic of [...(sub.topics ?? []), ...(sub.compliance_topics ?? [])]) this.routes.set(topic, sub.uri);
    }
  }

  async start(): Promise<string> {
    adminSchema();
    this.server = await listenOnLoopback((req, res) => this.handle(req, res), {
      port: this.options.port,
      failureBody: (error) => ({ errors: String(error) }),
    });
    this.url = this.server.url;
    return this.url;
  }

  async close() {
    await this.server?.close();
  }

  // ----- state -----

  addShop(input: { domain: string; accessToken: string; appUrl: string; apiSecret: string; currency?: string; name?: string; scopes?: string[] }) {
    const shop: SimShop = {
      id: newId(),
      domain: input.domain,
      name: input.name ?? input.domain.replace(".myshopify.com", ""),
      email: `owner@${input.domain}`,
      currency: input.currency ?? "EUR",
      accessToken: input.accessToken,
      appUrl: input.appUrl.replace(/\/$/, ""),
      apiSecret: input.apiSecret,
      scopes: input.scopes ?? ["write_orders", "read_customers"],
      customers: new Map(),
      companies: new Companies(),
      orders: new Map(),
      orderNumber: 1000,
      bucket: { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100, at: Date.now() },
      requests: [],
      webhooksSent: [],
      webhookLoss: null,
    };
    this.shops.set(shop.domain, shop);
    return shop;
  }

  shop(domain: string): SimShop {
    const shop = this.shops.get(domain);
    if (!shop) throw new NotFound(`unknown shop ${domain}`);
    return shop;
  }

  addCustomer(domain: string, customer: Omit<SeedCustomer, "id"> & { id?: number }) {
    const stored = { ...customer, id: customer.id ?? newId() };
    this.shop(domain).customers.set(stored.id, stored);
    return stored;
  }

  addOrder(domain: string, seed: SeedOrder) {
    const shop = this.shop(domain);
    if (seed.customerId && !shop.customers.has(seed.customerId)) throw new BadRequest(`unknown customer ${seed.customerId}`);
    shop.orderNumber += 1;
    const order = computeOrder(seed, shop.currency, shop.orderNumber);
    if (seed.company) shop.companies.fromOrder(seed.company, seed.customerId ?? null);
    shop.orders.set(order.id, order);
    return order;
  }

  /**
   * An order from a Shopify order payload, stored with its amounts as given. Its customer joins the shop's
   * customers (under a new id: a payload's ids may be above 2^53); its B2B company takes the names given
   * beside it, since the payload names the company only by id.
   */
  addOrderFromPayload(domain: string, payload: unknown, companyNames?: Partial<Pick<SeedCompany, "name" | "locationName" | "vatId" | "externalId">>) {
    const shop = this.shop(domain);
    const parsed = parseOrderPayload(payload);
    if (parsed.currency !== shop.currency) throw new BadRequest(`the payload is in ${parsed.currency}, the shop ${domain} in ${shop.currency}`);
    const customer = parsed.customer
      ? this.addCustomer(domain, {
          email: parsed.customer.email ?? parsed.email ?? null,
          firstName: parsed.customer.first_name ?? undefined,
          lastName: parsed.customer.last_name ?? undefined,
          locale: parsed.customer.locale ?? parsed.customer_locale ?? undefined,
          taxExempt: parsed.customer.tax_exempt ?? false,
        })
      : null;
    const company: SeedCompany | null = parsed.company
      ? {
          id: newId(),
          locationId: newId(),
          name: companyNames?.name ?? `Company ${String(parsed.company.id)}`,
          locationName: companyNames?.locationName ?? `Location ${String(parsed.company.location_id)}`,
          vatId: companyNames?.vatId ?? null,
          externalId: companyNames?.externalId ?? null,
          contactId: customer ? newId() : undefined,
        }
      : null;
    shop.orderNumber += 1;
    const order = orderFromPayload(payload, { id: newId(), orderNumber: shop.orderNumber, customerId: customer?.id ?? null, company, newId });
    if (company) shop.companies.fromOrder(company, customer?.id ?? null);
    shop.orders.set(order.id, order);
    return order;
  }

  order(domain: string, id: number): StoredOrder {
    const order = this.shop(domain).orders.get(id);
    if (!order) throw new NotFound(`unknown order ${id}`);
    return order;
  }

  setOrderStatus(domain: string, id: number, change: { financialStatus?: StoredOrder["financialStatus"]; fulfillmentStatus?: StoredOrder["fulfillmentStatus"]; cancelled?: boolean }) {
    const order = this.order(domain, id);
    if (change.financialStatus) order.financialStatus = change.financialStatus;
    if (change.fulfillmentStatus !== undefined) order.fulfillmentStatus = change.fulfillmentStatus;
    if (change.cancelled) order.cancelledAt = new Date().toISOString();
    order.updatedAt = new Date().toISOString();
    return order;
  }

  /** A refund of an order, as Shopify makes it (the order's financial status follows). */
  addRefund(domain: string, orderId: number, seed: SeedRefund) {
    const order = this.order(domain, orderId);
    const refund = computeRefund(order, seed);
    order.refunds.push(refund);
    const refunded = order.refunds.reduce((sum, r) => sum + r.total.shop, 0n);
    order.financialStatus = refunded >= order.totals.total.shop ? "refunded" : "partially_refunded";
    order.updatedAt = new Date().toISOString();
    return refund;
  }

  /** An order edit (lines added, units taken off), as Shopify records it: an OrderEditAgreement. */
  editOrder(domain: string, orderId: number, seed: SeedEdit) {
    return applyEdit(this.order(domain, orderId), seed);
  }

  /** The orders/edited webhook payload of an edit. */
  editPayload(domain: string, orderId: number, edit: StoredEdit) {
    const added = edit.sales.filter((sale) => sale.quantity > 0);
    const removed = edit.sales.filter((sale) => sale.quantity < 0);
    return {
      order_edit: {
        id: edit.id,
        order_id: orderId,
        app_id: null,
        created_at: edit.happenedAt,
        committed_at: edit.happenedAt,
        notify_customer: false,
        staff_note: "",
        line_items: {
          additions: added.map((sale) => ({ id: sale.line.id, delta: sale.quantity })),
          removals: removed.map((sale) => ({ id: sale.line.id, delta: -sale.quantity })),
        },
      },
    };
  }

  /** A fulfilment of some units; the order's fulfilment status follows (partial, then fulfilled). */
  addFulfillment(domain: string, orderId: number, seed: SeedFulfillment) {
    const order = this.order(domain, orderId);
    const fulfillment = computeFulfillment(order, seed);
    order.fulfillments.push(fulfillment);
    const done = order.fulfillments.filter((f) => f.status === "SUCCESS").flatMap((f) => f.lines);
    const all = order.lines.every((line) => done.filter((d) => d.line === line).reduce((n, d) => n + d.quantity, 0) >= line.quantity);
    order.fulfillmentStatus = all ? "fulfilled" : "partial";
    order.updatedAt = new Date().toISOString();
    return fulfillment;
  }

  refundPayload(domain: string, orderId: number, refundId: number) {
    const order = this.order(domain, orderId);
    const refund = order.refunds.find((r) => r.id === refundId);
    if (!refund) throw new NotFound(`unknown refund ${refundId}`);
    return restRefund(order, refund);
  }

  restOrderPayload(domain: string, id: number) {
    const order = this.order(domain, id);
    return restOrder(order, order.seed.customerId ? this.shop(domain).customers.get(order.seed.customerId) : undefined);
  }

  // ----- webhooks -----

  /** The payload Shopify would send for a topic, from the simulator's state. */
  webhookPayload(domain: string, topic: string, input: { orderId?: number; customerId?: number; dataRequestId?: number }): unknown {
    const shop = this.shop(domain);
    if (topic.startsWith("orders/")) {
      if (!input.orderId) throw new BadRequest(`${topic} needs an orderId`);
      if (topic === "orders/edited") {
        return { order_edit: { id: newId(), order_id: input.orderId, app_id: null, created_at: new Date().toISOString(), committed_at: new Date().toISOString(), notify_customer: false, staff_note: "", line_items: { additions: [], removals: [] } } };
      }
      return this.restOrderPayload(domain, input.orderId);
    }
    const customer = input.customerId ? shop.customers.get(input.customerId) : undefined;
    const ordersOf = (customerId: number | undefined) =>
      [...shop.orders.values()].filter((o) => customerId && o.seed.customerId === customerId).map((o) => o.id);
    switch (topic) {
      case "app/uninstalled":
        return { id: shop.id, name: shop.name, email: shop.email, domain: shop.domain, myshopify_domain: shop.domain, currency: shop.currency };
      case "app/scopes_update":
        return { id: shop.id, previous: shop.scopes, current: shop.scopes, updated_at: new Date().toISOString() };
      case "customers/redact":
        return {
          shop_id: shop.id,
          shop_domain: shop.domain,
          customer: { id: input.customerId, email: customer?.email ?? null, phone: customer?.phone ?? null },
          orders_to_redact: ordersOf(input.customerId),
        };
      case "customers/data_request":
        return {
          shop_id: shop.id,
          shop_domain: shop.domain,
          orders_requested: ordersOf(input.customerId),
          customer: { id: input.customerId, email: customer?.email ?? null, phone: customer?.phone ?? null },
          data_request: { id: input.dataRequestId ?? newId() },
        };
      case "shop/redact":
        return { shop_id: shop.id, shop_domain: shop.domain };
      default:
        throw new BadRequest(`no payload rule for ${topic}; pass a payload`);
    }
  }

  /** Delivers a webhook to the app, signed. `times` > 1 repeats the same event (same event id). */
  async sendWebhook(input: {
    shop: string;
    topic: string;
    orderId?: number;
    customerId?: number;
    payload?: unknown;
    rawBody?: string;
    eventId?: string;
    times?: number;
    concurrent?: boolean;
    secret?: string;
  }): Promise<WebhookResult[]> {
    const shop = this.shop(input.shop);
    const uri = this.routes.get(input.topic);
    if (!uri) throw new BadRequest(`shopify.app.toml has no subscription for ${input.topic}`);
    const body = input.rawBody ?? JSON.stringify(input.payload ?? this.webhookPayload(input.shop, input.topic, input));
    const eventId = input.eventId ?? randomUUID();
    const webhookId = randomUUID();
    const send = async (): Promise<WebhookResult> => {
      const loss = shop.webhookLoss;
      if (loss && ++loss.count % loss.every === 0) {
        shop.webhooksSent.push({ topic: input.topic, eventId, webhookId, status: 0 });
        return { status: 0, eventId, webhookId, body: "" };
      }
      const response = await fetch(new URL(uri, shop.appUrl + "/"), {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Topic": input.topic,
          "X-Shopify-Hmac-Sha256": signWebhook(body, input.secret ?? shop.apiSecret),
          "X-Shopify-Shop-Domain": shop.domain,
          "X-Shopify-API-Version": this.apiVersion,
          "X-Shopify-Webhook-Id": webhookId,
          "X-Shopify-Event-Id": eventId,
          "X-Shopify-Triggered-At": new Date().toISOString(),
        },
        body,
      });
      const text = await response.text();
      shop.webhooksSent.push({ topic: input.topic, eventId, webhookId, status: response.status });
      return { status: response.status, eventId, webhookId, body: text };
    };
    const times = input.times ?? 1;
    if (input.concurrent) return Promise.all(Array.from({ length: times }, send));
    const results: WebhookResult[] = [];
    for (let i = 0; i < times; i++) results.push(await send());
    return results;
  }

  // ----- HTTP -----

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://simulator");
    try {
      if (url.pathname.startsWith("/_control/")) return await this.control(req, res, url);
      const graphql = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(url.pathname);
      if (graphql && req.method === "POST") {
        const body = await readBody(req);
        const operation = /(?:query|mutation)\s+(\w+)/.exec(body)?.[1] ?? "";
        const fault = this.faults.take(`${url.pathname} ${operation}`);
        return await this.faults.apply(fault, res, () => this.graphql(req, res, body));
      }
      sendJson(res, 404, { errors: "Not Found" });
    } catch (error) {
      if (error instanceof NotFound) return sendJson(res, 404, { error: error.message });
      if (error instanceof BadRequest || error instanceof PayloadError || error instanceof CompanyError) return sendJson(res, 400, { error: error.message });
      throw error;
    }
  }

  private async graphql(req: http.IncomingMessage, res: http.ServerResponse, rawBody: string) {
    const token = req.headers["x-shopify-access-token"];
    const shop = [...this.shops.values()].find((s) => s.accessToken === token);
    if (!token || !shop) {
      return sendJson(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    let request: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      request = JSON.parse(rawBody);
    } catch {
      return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    if (!request.query) return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      return sendJson(res, 200, { errors: [formatError(error as GraphQLError)] });
    }
    const schema = adminSchema();
    const errors = validate(schema, document);
    if (errors.length > 0) return sendJson(res, 200, { errors: errors.map(formatError) });

    const variables = request.variables ?? {};
    const cost = queryCost(schema, document, variables);
    if (cost > MAX_QUERY_COST) {
      return sendJson(res, 200, {
        errors: [{
          message: `Query cost is ${cost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
          extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost: MAX_QUERY_COST },
        }],
      });
    }
    const bucket = refill(shop.bucket);
    const operationName = request.operationName ?? (/(?:query|mutation)\s+(\w+)/.exec(request.query)?.[1] ?? null);
    if (cost > bucket.currentlyAvailable) {
      shop.requests.push({ operationName, cost, throttled: true });
      return sendJson(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: throttleStatus(bucket) } },
      });
    }
    bucket.currentlyAvailable -= cost;
    shop.requests.push({ operationName, cost, throttled: false });
    const result = await execute({ schema, document, variableValues: variables, rootValue: this.rootValue(shop) });
    // Shopify charges the requested cost up front and refunds what the answer did not use.
    const actual = Math.min(cost, objectCount(result.data));
    bucket.currentlyAvailable += cost - actual;
    sendJson(res, 200, {
      ...(result.errors ? { errors: result.errors.map(formatError) } : {}),
      data: result.data ?? null,
      extensions: { cost: { requestedQueryCost: cost, actualQueryCost: actual, throttleStatus: throttleStatus(bucket) } },
    });
  }

  private rootValue(shop: SimShop) {
    const customerOf = (order: StoredOrder) => (order.seed.customerId ? shop.customers.get(order.seed.customerId) : undefined);
    const orderByGid = (gid: string) => {
      const id = Number(/^gid:\/\/shopify\/Order\/(\d+)$/.exec(gid)?.[1]);
      return shop.orders.get(id);
    };
    type OrderPageArgs = { first?: number; after?: string | null; sortKey?: string; reverse?: boolean };
    const orderPage = (belongs: (order: StoredOrder) => boolean, args: OrderPageArgs) =>
      sortedOrderPage([...shop.orders.values()].filter(belongs), args, (o) => gqlOrder(o, customerOf(o)));
    return {
      shop: {
        id: `gid://shopify/Shop/${shop.id}`,
        name: shop.name,
        myshopifyDomain: shop.domain,
        email: shop.email,
        currencyCode: shop.currency,
        ianaTimezone: "Europe/Copenhagen",
      },
      order: ({ id }: { id: string }) => {
        const order = orderByGid(id);
        return order ? gqlOrder(order, customerOf(order)) : null;
      },
      customer: ({ id }: { id: string }) => {
        const customerId = Number(/^gid:\/\/shopify\/Customer\/(\d+)$/.exec(id)?.[1]);
        const customer = shop.customers.get(customerId);
        if (!customer) return null;
        return {
          ...gqlCustomer(customer),
          orders: (args: OrderPageArgs) => orderPage((o) => o.seed.customerId === customerId, args),
          companyContactProfiles: shop.companies.profilesOf(customerId),
        };
      },
      company: ({ id }: { id: string }) => {
        const companyId = Number(/^gid:\/\/shopify\/Company\/(\d+)$/.exec(id)?.[1]);
        try {
          return gqlCompany(shop.companies.company(companyId));
        } catch {
          return null;
        }
      },
      companyLocation: ({ id }: { id: string }) => {
        const locationId = Number(/^gid:\/\/shopify\/CompanyLocation\/(\d+)$/.exec(id)?.[1]);
        const found = shop.companies.location(locationId);
        if (!found) return null;
        return {
          id: `gid://shopify/CompanyLocation/${locationId}`,
          name: found.location.name,
          company: { id: `gid://shopify/Company/${found.company.id}`, name: found.company.name },
          orders: (args: OrderPageArgs) => orderPage((o) => o.seed.company?.locationId === locationId, args),
        };
      },
      refund: ({ id }: { id: string }) => {
        const refundId = Number(/^gid:\/\/shopify\/Refund\/(\d+)$/.exec(id)?.[1]);
        for (const order of shop.orders.values()) {
          const refund = order.refunds.find((r) => r.id === refundId);
          if (refund) return { ...gqlRefund(order, refund), order: gqlOrder(order, customerOf(order)) };
        }
        return null;
      },
      orders: (args: { first?: number; after?: string | null; query?: string | null; sortKey?: string; reverse?: boolean }) => {
        const matches = orderMatcher(args.query);
        return sortedOrderPage([...shop.orders.values()].filter(matches), args, (o) => gqlOrder(o, customerOf(o)));
      },
      ordersCount: (args: { query?: string | null; limit?: number | null }) => {
        const matches = orderMatcher(args.query);
        const count = [...shop.orders.values()].filter(matches).length;
        // Shopify counts up to `limit` (10,000 unless the query says null) and then says "at least".
        const limited = args.limit !== null && args.limit !== undefined && count > args.limit;
        return { count: limited ? args.limit : count, precision: limited ? "AT_LEAST" : "EXACT" };
      },
      metafieldsSet: ({ metafields }: { metafields: Array<{ ownerId: string; namespace?: string; key: string; value: string; type?: string }> }) => {
        const userErrors: Array<{ field: string[]; message: string; code: string }> = [];
        const saved = [];
        for (const [i, input] of metafields.entries()) {
          const order = orderByGid(input.ownerId);
          if (!order) {
            userErrors.push({ field: ["metafields", String(i), "ownerId"], message: "Owner does not exist.", code: "INVALID" });
            continue;
          }
          const namespace = input.namespace ?? "$app";
          const key = `${namespace}.${input.key}`;
          const metafield = { id: order.metafields.get(key)?.id ?? `gid://shopify/Metafield/${newId()}`, namespace, key: input.key, value: input.value, type: input.type ?? "single_line_text_field" };
          order.metafields.set(key, metafield);
          saved.push(metafield);
        }
        return { metafields: userErrors.length ? null : saved, userErrors };
      },
    };
  }

  private async control(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const body = req.method === "POST" ? JSON.parse((await readBody(req)) || "{}") : {};
    const route = `${req.method} ${url.pathname}`;
    const status = /^POST \/_control\/orders\/(\d+)\/status$/.exec(route);
    if (status) {
      const order = this.setOrderStatus(body.shop, Number(status[1]), body);
      return sendJson(res, 200, { id: order.id, financialStatus: order.financialStatus, fulfillmentStatus: order.fulfillmentStatus, cancelledAt: order.cancelledAt });
    }
    const edit = /^POST \/_control\/orders\/(\d+)\/edits$/.exec(route);
    if (edit) {
      const made = this.editOrder(body.shop, Number(edit[1]), body.edit ?? {});
      return sendJson(res, 201, this.editPayload(body.shop, Number(edit[1]), made));
    }
    const fulfillment = /^POST \/_control\/orders\/(\d+)\/fulfillments$/.exec(route);
    if (fulfillment) {
      const made = this.addFulfillment(body.shop, Number(fulfillment[1]), body.fulfillment ?? { lines: [] });
      return sendJson(res, 201, { id: made.id, name: made.name, orderFulfillmentStatus: this.order(body.shop, Number(fulfillment[1])).fulfillmentStatus });
    }
    if (route === "POST /_control/webhook-loss") {
      const shop = this.shop(body.shop);
      shop.webhookLoss = body.every ? { every: Number(body.every), count: 0 } : null;
      return sendJson(res, 200, { every: shop.webhookLoss?.every ?? null });
    }
    const company = /^POST \/_control\/companies\/(\d+)$/.exec(route);
    if (company) return sendJson(res, 200, this.shop(body.shop).companies.update(Number(company[1]), body));
    const roles = /^POST \/_control\/companies\/(\d+)\/roles$/.exec(route);
    if (roles) {
      const companies = this.shop(body.shop).companies;
      if (body.revoke) companies.revoke(Number(roles[1]), body.customerId, body.locationId);
      else companies.assign(Number(roles[1]), body.customerId, body.locationId, body.role);
      return sendJson(res, 200, companies.company(Number(roles[1])));
    }
    const refund = /^POST \/_control\/orders\/(\d+)\/refunds$/.exec(route);
    if (refund) {
      const made = this.addRefund(body.shop, Number(refund[1]), body.refund ?? {});
      return sendJson(res, 201, this.refundPayload(body.shop, Number(refund[1]), made.id));
    }
    switch (route) {
      case "POST /_control/shops":
        this.addShop(body);
        return sendJson(res, 201, { domain: body.domain });
      case "POST /_control/companies": {
        const shop = this.shop(body.shop);
        return sendJson(res, 201, shop.companies.add(body, (id) => shop.customers.has(id)));
      }
      case "POST /_control/customers":
        return sendJson(res, 201, this.addCustomer(body.shop, body));
      case "POST /_control/orders": {
        if (body.payload && body.order) throw new BadRequest("give either order (a SeedOrder) or payload (a Shopify order payload), not both");
        const order = body.payload ? this.addOrderFromPayload(body.shop, body.payload, body.company) : this.addOrder(body.shop, body.order);
        return sendJson(res, 201, { id: order.id, name: order.name, total: this.restOrderPayload(body.shop, order.id).total_price });
      }
      case "POST /_control/webhooks":
        return sendJson(res, 200, await this.sendWebhook(body));
      case "POST /_control/faults":
        this.faults.add(body as FaultRule);
        return sendJson(res, 201, { ok: true });
      case "POST /_control/throttle": {
        const shop = this.shop(body.shop);
        Object.assign(shop.bucket, pick(body, ["maximumAvailable", "currentlyAvailable", "restoreRate"]), { at: Date.now() });
        return sendJson(res, 200, throttleStatus(shop.bucket));
      }
      case "GET /_control/state": {
        const shop = this.shop(url.searchParams.get("shop") ?? "");
        return sendJson(res, 200, {
          orders: [...shop.orders.values()].map((o) => ({ ...this.restOrderPayload(shop.domain, o.id), metafields: [...o.metafields.values()] })),
          customers: [...shop.customers.values()],
          companies: shop.companies.all(),
          requests: shop.requests,
          webhooksSent: shop.webhooksSent,
        });
      }
      case "POST /_control/reset":
        this.shops.clear();
        this.faults.clear();
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: `no control route ${route}` });
    }
  }
}

class NotFound extends Error {}
class BadRequest extends Error {}

function refill(bucket: Bucket): Bucket {
  const now = Date.now();
  bucket.currentlyAvailable = Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + ((now - bucket.at) / 1000) * bucket.restoreRate);
  bucket.at = now;
  return bucket;
}

function throttleStatus(bucket: Bucket) {
  return {
    maximumAvailable: bucket.maximumAvailable,
    currentlyAvailable: Math.floor(bucket.currentlyAvailable),
    restoreRate: bucket.restoreRate,
  };
}

function formatError(error: GraphQLError) {
  return {
    message: error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions: { code: error.path ? "INTERNAL_SERVER_ERROR" : "GRAPHQL_VALIDATION_FAILED" },
  };
}

/** The actual cost of an answer, the way Shopify counts it closely enough: one point per object returned. */
function objectCount(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + objectCount(item), 0);
  if (value && typeof value === "object") return 1 + Object.values(value).reduce((sum: number, v) => sum + objectCount(v), 0);
  return 0;
}

function pick<T extends Record<string, unknown>>(object: T, keys: string[]) {
  return Object.fromEntries(Object.entries(object).filter(([k]) => keys.includes(k)));
}
