// Replaying a real Shopify order payload through the whole app: the Shopify Admin simulator holds the order
// with exactly the payload's amounts, a signed orders/create goes through the real intake over HTTP, the
// worker runs the real handlers, and the provider's simulator ends up holding the document. The result puts
// the document the provider holds next to Shopify's totals. `npm run replay` and the tests share this code.
import { randomUUID } from "node:crypto";
import type { Db } from "../../app/db.server";
import { EmbeddedWorker } from "../../app/jobs/embedded-worker.server";
import { createHandlers } from "../../app/jobs/handlers.server";
import { encryptSecret, parseKey } from "../../app/lib/crypto.server";
import { env, SANDBOX_API_SECRET } from "../../app/lib/env.server";
import { logger } from "../../app/lib/logger.server";
import { addRatios, parseRatio, ratePercent, ratioToString } from "../../app/lib/money";
import { httpAdminClient } from "../../app/shopify/admin-client.server";
import { EconomicSimulator } from "../simulators/economic/server";
import { InvoicExpressSimulator } from "../simulators/invoicexpress/server";
import { exponent, formatMinor, toMinor } from "../simulators/shopify-admin/money";
import { parseOrderPayload } from "../simulators/shopify-admin/order-payload";
import type { SeedCompany } from "../simulators/shopify-admin/orders";
import { ShopifyAdminSimulator } from "../simulators/shopify-admin/server";
import { VismaSimulator } from "../simulators/visma/server";
import { serveWebhookRoutes } from "./app-server";
import { seedEconomicShop } from "./economic-shop";
import { seedInvoicExpressShop, seedVismaShop } from "./provider-shops";
import { vismaAccount } from "./visma-account";

export const REPLAY_PROVIDERS = ["economic", "visma", "invoicexpress", "shop"] as const;
export type ReplayProvider = (typeof REPLAY_PROVIDERS)[number];
const PROVIDER_NAMES: Record<ReplayProvider, string> = { economic: "e-conomic", visma: "Visma eAccounting", invoicexpress: "InvoicExpress", shop: "the shop's own invoices" };

/** What a replay file may hold: a bare order payload, a captured delivery ({headers, body}), or {payload, company}. */
export type ReplayFile = { payload: Record<string, unknown>; topic: string; company?: Partial<SeedCompany> };

export function readReplayFile(json: unknown): ReplayFile {
  const value = json as Record<string, unknown>;
  if (value && typeof value === "object" && "payload" in value && typeof value.payload === "object") {
    return { payload: value.payload as Record<string, unknown>, topic: String(value.topic ?? "orders/create"), company: value.company as Partial<SeedCompany> | undefined };
  }
  if (value && typeof value === "object" && "body" in value && "headers" in value) {
    const body = typeof value.body === "string" ? (JSON.parse(value.body) as Record<string, unknown>) : (value.body as Record<string, unknown>);
    return { payload: body, topic: String(value.topic ?? "orders/create").replace(".", "/") };
  }
  return { payload: value, topic: "orders/create" };
}

export type DocumentLine = { description: string; quantity: number; unitPrice: string; vatRate: string | null; total: string };
export type ProviderDocument = { reference: string; number: string | null; state: "booked" | "draft"; currency: string; lines: DocumentLine[]; vat: Array<{ rate: string; amount: string }>; total: string };

export type ReplayResult = {
  provider: ReplayProvider;
  orderName: string;
  currency: string;
  shopify: { total: string; tax: string; taxLines: Array<{ title: string; rate: string; amount: string }> };
  document: ProviderDocument | null;
  /** The document's total minus Shopify's current total, in the currency's units ("0.00" when equal). */
  difference: string | null;
  /** The explicit rounding line on the document, when there is one. */
  rounding: string | null;
  ok: boolean;
  /** The sync log of the order, in the merchant's words. */
  log: Array<{ status: string; message: string }>;
};

export type SalesTaxMode = "combined" | "per-jurisdiction";

/**
 * A sandbox for replays: the Shopify Admin simulator, the provider's simulator, the app's webhook routes on
 * a loopback port, and an embedded worker on the given database. Each replay gets a shop of its own, in the
 * payload's currency, connected with the VAT rates its order uses.
 */
export class ReplaySandbox {
  readonly shopify = new ShopifyAdminSimulator();
  readonly economic = new EconomicSimulator();
  readonly visma = new VismaSimulator();
  readonly invoicexpress = new InvoicExpressSimulator();
  private routes: Awaited<ReturnType<typeof serveWebhookRoutes>> | null = null;
  private count = 0;

  /** salesTaxProducts: the product number per tax title (per jurisdiction); by default one per title the order has. */
  constructor(private readonly options: { db: Db; dataDir: string; salesTax?: SalesTaxMode; salesTaxProducts?: Record<string, string> }) {}

  async start() {
    await Promise.all([this.shopify.start(), this.economic.start(), this.visma.start(), this.invoicexpress.start()]);
    this.routes = await serveWebhookRoutes();
  }

  async close() {
    await Promise.all([this.shopify.close(), this.economic.close(), this.visma.close(), this.invoicexpress.close(), this.routes?.close()]);
  }

  async replay(file: ReplayFile, provider: ReplayProvider): Promise<ReplayResult> {
    const { db } = this.options;
    const payload = parseOrderPayload(file.payload);
    const currency = payload.currency;
    this.count += 1;
    const domain = `replay-${this.count}-${randomUUID().slice(0, 6)}.myshopify.com`;
    const accessToken = `shpat_replay_${randomUUID().replaceAll("-", "")}`;
    this.shopify.addShop({ domain, accessToken, appUrl: this.routes!.url, apiSecret: SANDBOX_API_SECRET, currency, name: `Replay ${this.count}` });
    await db.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "replay", isOnline: false, accessToken, scope: "write_orders,read_customers" } });

    const taxLines = [...payload.line_items, ...payload.shipping_lines].map((l) => l.tax_lines);
    const rates = [...new Set([...taxLines.map((lines) => combinedRate(lines.map((t) => t.rate))), "0"])];
    const titles = [...new Set(taxLines.flat().map((t) => t.title))];
    const reference = await this.connect(domain, provider, currency, rates, titles);

    const order = this.shopify.addOrderFromPayload(domain, file.payload, file.company);
    const deliveries = await this.shopify.sendWebhook({ shop: domain, topic: "orders/create", orderId: order.id });
    if (deliveries.some((d) => d.status !== 200)) throw new Error(`the intake answered ${deliveries.map((d) => d.status).join(", ")}`);
    const worker = new EmbeddedWorker({
      db,
      logger,
      handlers: createHandlers({ db, logger, dataDir: this.options.dataDir, adminClientFor: async () => httpAdminClient({ endpoint: this.shopify.url, shop: domain, accessToken, apiVersion: "2026-10", timeoutMs: 5000 }) }),
      pollMs: 10,
    });
    await worker.drain({ timeoutMs: 60_000 });

    const log = (await db.syncLogEntry.findMany({ where: { shopDomain: domain }, orderBy: { createdAt: "asc" } })).map((e) => ({ status: e.status, message: e.message }));
    const row = await db.document.findFirst({ where: { shopDomain: domain, orderId: String(order.id), kind: "invoice" } });
    const document = row?.providerRef ? await reference(row.providerRef) : null;
    const total = order.current.total.shop;
    const money = (minor: bigint) => formatMinor(minor, currency);
    const documentTotal = document ? toMinor(document.total, currency) : null;
    const rounding = document?.lines.find((l) => /^rounding$/i.test(l.description))?.total ?? null;
    return {
      provider,
      orderName: order.name,
      currency,
      shopify: {
        total: money(total),
        tax: money(order.current.tax.shop),
        taxLines: [...order.lines, ...order.shipping].flatMap((l) => l.taxLines).map((t) => ({ title: t.title, rate: t.rate, amount: money(t.amount.shop) })),
      },
      document,
      difference: documentTotal === null ? null : money(documentTotal - total),
      rounding,
      ok: document !== null && document.state === "booked" && documentTotal === total,
      log,
    };
  }

  /** Connects the shop to the provider (its simulator account set up for these rates); returns how to read a document back. */
  private async connect(domain: string, provider: ReplayProvider, currency: string, rates: string[], titles: string[]): Promise<(ref: string) => Promise<ProviderDocument | null>> {
    const { db } = this.options;
    const shopSettings =
      this.options.salesTax === "per-jurisdiction"
        ? { salesTax: { booking: "per-jurisdiction", productNumbers: this.options.salesTaxProducts ?? Object.fromEntries(titles.map((t) => [t, `TAX-${t.toUpperCase().replace(/[^A-Z0-9]+/g, "-").slice(0, 30)}`])) } }
        : {};
    const setShopSettings = async () => {
      const shop = await db.shop.findUniqueOrThrow({ where: { shopDomain: domain } });
      await db.shop.update({ where: { shopDomain: domain }, data: { settings: JSON.stringify({ ...JSON.parse(shop.settings ?? "{}"), ...shopSettings }) } });
    };
    if (provider === "economic") {
      const grant = `replay-${domain}`;
      // A product group per VAT rate the order uses, as the merchant would have set them up.
      const groups = Object.fromEntries(rates.map((rate, i) => [i + 1, Number(rate)]));
      const agreement = this.economic.addAgreement({ appSecretToken: "replay-secret", agreementGrantToken: grant, baseCurrency: currency, productGroups: groups });
      await seedEconomicShop(db, { shopDomain: domain, economicUrl: this.economic.url, appSecretToken: "replay-secret", agreementGrantToken: grant, productGroups: Object.fromEntries(rates.map((rate, i) => [rate, i + 1])) });
      await setShopSettings();
      return async (ref) => {
        const [state, number] = ref.split(":");
        const booked = state === "booked" ? agreement.booked.get(Number(number)) : undefined;
        const draft = state === "draft" ? agreement.drafts.get(Number(number)) : undefined;
        const doc = booked ?? draft;
        if (!doc) return null;
        const lines = (doc.lines as Array<Record<string, unknown>> | undefined) ?? [];
        return {
          reference: String((doc.references as { other?: string } | undefined)?.other ?? ""),
          number: booked ? String(booked.bookedInvoiceNumber) : null,
          state: booked ? "booked" : "draft",
          currency: String(doc.currency),
          lines: lines.map((l) => ({
            description: String(l.description ?? ""),
            quantity: Number(l.quantity),
            unitPrice: fixed(Number(l.unitNetPrice), currency),
            vatRate: l.vatRate == null ? null : String(l.vatRate),
            total: fixed(Number(l.totalNetAmount ?? Number(l.unitNetPrice) * Number(l.quantity)), currency),
          })),
          vat: [{ rate: "all", amount: fixed(Number(doc.vatAmount), currency) }],
          total: fixed(Number(doc.grossAmount), currency),
        };
      };
    }
    if (provider === "visma") {
      const account = vismaAccount(this.visma);
      await seedVismaShop(db, { shopDomain: domain, vismaUrl: this.visma.url, tokens: account.tokens(), settings: account.settings });
      await setShopSettings();
      return async (ref) => {
        const id = ref.replace(/^[a-z]+:/, "");
        const invoice = account.company.invoices.get(id);
        const draft = account.company.drafts.get(id);
        const doc = invoice ?? draft;
        if (!doc) return null;
        const rows = ((doc.Rows as Array<Record<string, unknown>> | undefined) ?? []).filter((r) => !r.IsTextRow);
        return {
          reference: String(doc.YourReference ?? ""),
          number: invoice ? String(invoice.InvoiceNumber) : null,
          state: invoice ? "booked" : "draft",
          currency: String(doc.CurrencyCode),
          lines: rows.map((r) => ({ description: String(r.Text ?? ""), quantity: Number(r.Quantity), unitPrice: fixed(Number(r.UnitPrice), currency), vatRate: r.VatRatePercent == null ? null : String(r.VatRatePercent), total: fixed(Number(r.UnitPrice) * Number(r.Quantity), currency) })),
          vat: [{ rate: "all", amount: fixed(Number(doc.TotalVatAmountInvoiceCurrency ?? doc.TotalVatAmount ?? 0), currency) }],
          total: fixed(Number(doc.TotalAmountInvoiceCurrency ?? doc.TotalAmount), currency),
        };
      };
    }
    if (provider === "invoicexpress") {
      const name = `replay${this.count}`;
      const taxes = rates.map((rate, i) => ({ id: i + 1, name: `TAX${ratePercent(rate)}`, value: Number(ratePercent(rate)), region: "PT", default_tax: i === 0 ? 1 : 0 }));
      const ix = this.invoicexpress.addAccount({ name, apiKey: `replay-api-key-${name}-0123456789`, taxes });
      await seedInvoicExpressShop(db, { shopDomain: domain, accountUrl: this.invoicexpress.accountUrl(name), accountName: name, apiKey: `replay-api-key-${name}-0123456789`, settings: { taxNames: Object.fromEntries(rates.map((rate) => [rate, `TAX${ratePercent(rate)}`])) } });
      await setShopSettings();
      return async (ref) => {
        const doc = [...ix.documents.values()].find((d) => ref.endsWith(`:${String(d.id)}`) || String(d.id) === ref);
        if (!doc) return null;
        const items = (doc.items as Array<Record<string, unknown>> | undefined) ?? [];
        return {
          reference: String(doc.reference ?? ""),
          number: doc.inverted_sequence_number ? String(doc.inverted_sequence_number) : null,
          state: ["final", "sent", "settled"].includes(String(doc.status)) ? "booked" : "draft",
          currency,
          lines: items.map((item) => ({ description: String(item.description ?? item.name ?? ""), quantity: Number(item.quantity), unitPrice: fixed(Number(item.unit_price), currency), vatRate: item.tax ? String((item.tax as { value?: unknown }).value) : null, total: fixed(Number(item.subtotal ?? Number(item.unit_price) * Number(item.quantity)), currency) })),
          vat: [{ rate: "all", amount: fixed(Number(doc.taxes ?? 0), currency) }],
          total: fixed(Number(doc.total), currency),
        };
      };
    }
    await seedEconomicShop(db, { shopDomain: domain, economicUrl: "http://127.0.0.1:9", appSecretToken: "-", agreementGrantToken: "-" });
    await db.connection.updateMany({
      where: { shopDomain: domain },
      data: {
        providerType: "shop",
        encryptedCredentials: encryptSecret("{}", parseKey(env().ENCRYPTION_KEY)),
        settings: JSON.stringify({ seller: { name: "Replay Shop ApS", addressLines: ["Nørregade 1", "1165 København K"], countryCode: "DK", vatId: "DK12345678" }, invoicePrefix: "R-", creditNotePrefix: "RC-" }),
      },
    });
    await setShopSettings();
    return async (ref) => {
      const own = await db.ownDocument.findUnique({ where: { id: ref.replace(/^own:/, "") } });
      if (!own) return null;
      const content = JSON.parse(own.content) as { lines: Array<{ description: string; quantity: number; unitPrice: string; vatRate: string; gross?: string; net?: string }>; vatBreakdown: Array<{ rate: string; vat: string }>; totals: { gross: string } };
      const units = (minor: string) => formatMinor(BigInt(minor), currency);
      return {
        reference: own.number ?? "",
        number: own.number,
        state: own.state === "final" ? "booked" : "draft",
        currency,
        lines: content.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: units(l.unitPrice), vatRate: l.vatRate, total: units(l.gross ?? l.net ?? "0") })),
        vat: content.vatBreakdown.map((v) => ({ rate: v.rate, amount: units(v.vat) })),
        total: units(content.totals.gross),
      };
    };
  }
}

/** The display name of a provider, for summaries. */
export function providerName(provider: ReplayProvider) {
  return PROVIDER_NAMES[provider];
}

/** One line per replay, for a directory of files. */
export function summaryLine(file: string, r: ReplayResult): string {
  const doc = r.document ? `${r.document.state} ${r.document.number ?? "(no number)"} total ${r.document.total}` : "no document";
  const words = r.ok ? "" : ` — ${r.log.filter((e) => e.status !== "queued").at(-1)?.message ?? "no log entry"}`;
  return `${r.ok ? "ok  " : "FAIL"} ${file}: ${r.orderName} ${r.currency} Shopify ${r.shopify.total}, ${providerName(r.provider)} ${doc}${r.difference && r.difference !== fixed(0, r.currency) ? ` (difference ${r.difference})` : ""}${r.rounding ? ` (rounding line ${r.rounding})` : ""}${words}`;
}

/** A line's rates added exactly, as the document plan adds them (0.06 + 0.0025 + 0.0325 → "0.095"). */
function combinedRate(rates: number[]): string {
  return ratioToString(rates.map(parseRatio).reduce(addRatios, { num: 0n, den: 1n }));
}

function fixed(value: number, currency: string): string {
  return value.toFixed(exponent(currency));
}
