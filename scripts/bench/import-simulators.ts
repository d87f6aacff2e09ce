// The simulators of `npm run bench:import` (scripts/bench-import.ts), in a process of their own so that the
// app's process CPU time and memory are its own: the Shopify Admin simulator (its real cost throttle unless
// told otherwise) and the Visma eAccounting simulator with its real quota (600 requests per minute per client
// and endpoint, a sliding minute, 429 + Retry-After over it). It prints their addresses as one JSON line,
// then answers one JSON line per command line on stdin, and exits when stdin closes (its parent went away):
//   {"setup": {shop, accessToken, orders, from, to, restoreRate?, maximumAvailable?}}
//       a Swedish shop with `orders` paid orders created between `from` and `to` (ISO), a Visma company with
//       the app as OAuth client → {companyId, settings, tokens, quotaPerMinute}
//   {"stats": {shop, companyId}}
//       what Visma and Shopify saw: requests per endpoint and the most in any 60 s, 429s; Shopify requests,
//       THROTTLED answers, points; invoices (and duplicates by reference), drafts; this process's CPU time.
import readline from "node:readline";
import type { SeedOrder } from "../../test/simulators/shopify-admin/orders";
import { ShopifyAdminSimulator } from "../../test/simulators/shopify-admin/server";
import { VismaSimulator } from "../../test/simulators/visma/server";
import { vismaAccount } from "../../test/helpers/visma-account";

/**
 * The Visma simulator's per-endpoint counter, keeping when each call came as well: its keys are the ones the
 * quota counts by. It counts refused calls too (the 429s are reported apart).
 */
class TimedCounts extends Map<string, number> {
  readonly times = new Map<string, number[]>();
  override set(key: string, value: number) {
    let times = this.times.get(key);
    if (!times) this.times.set(key, (times = []));
    times.push(Date.now());
    return super.set(key, value);
  }
}

const shopify = new ShopifyAdminSimulator();
const visma = new VismaSimulator();
await Promise.all([shopify.start(), visma.start()]);
const counts = new TimedCounts();
visma.stats.byEndpoint = counts;
console.log(JSON.stringify({ shopify: shopify.url, visma: visma.url }));

/** A small deterministic generator (mulberry32): every run imports the same orders. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCTS = Array.from({ length: 40 }, (_, i) => ({
  sku: `ART-${String(i + 1).padStart(3, "0")}`,
  title: `Artikel ${i + 1}`,
  price: (49 + ((i * 37) % 400) + 0.5 * (i % 2)).toFixed(2),
  // Swedish VAT: most goods 25%, food 12%, books 6%.
  taxRate: i % 10 === 0 ? "0.06" : i % 4 === 0 ? "0.12" : "0.25",
}));
/** Repeat buyers, as a shop has them: 500 of them for 10,000 orders. */
const BUYERS = 500;

function setup(input: { shop: string; accessToken: string; orders: number; from: string; to: string; restoreRate?: number; maximumAvailable?: number }) {
  const random = rng(16);
  const shop = shopify.addShop({ domain: input.shop, accessToken: input.accessToken, appUrl: "http://127.0.0.1:9", apiSecret: "bench-import", currency: "SEK" });
  if (input.restoreRate) shop.bucket.restoreRate = input.restoreRate;
  if (input.maximumAvailable) shop.bucket.maximumAvailable = shop.bucket.currentlyAvailable = input.maximumAvailable;
  const from = Date.parse(input.from);
  const span = Date.parse(input.to) - from;
  for (let i = 0; i < input.orders; i++) {
    const buyer = i % BUYERS;
    const lines: SeedOrder["lines"] = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
      const product = PRODUCTS[Math.floor(random() * PRODUCTS.length)];
      return { ...product, quantity: 1 + Math.floor(random() * 3) };
    });
    shopify.addOrder(input.shop, {
      // Oldest first, spread over the range, as the import lists them.
      createdAt: new Date(from + Math.floor((span * i) / input.orders)).toISOString(),
      taxesIncluded: true,
      financialStatus: "paid",
      email: `kund${buyer}@example.se`,
      billingAddress: { firstName: "Kund", lastName: String(buyer), address1: "Drottninggatan 5", city: "Stockholm", zip: "111 51", countryCode: "SE" },
      lines,
      shipping: [{ title: "PostNord", price: "59.00", taxRate: "0.25" }],
    });
  }
  const account = vismaAccount(visma);
  return { companyId: account.company.id, settings: account.settings, tokens: account.tokens(), quotaPerMinute: visma["quotaPerMinute"] };
}

/** The most calls inside any 60 s (as the quota's sliding minute counts them), for sorted times. */
function busiestMinute(times: number[]) {
  let most = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi] - times[lo] >= 60_000) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

const cpuSeconds = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
};

function stats(input: { shop: string; companyId: string }) {
  const company = visma.companies.get(input.companyId);
  const invoices = company ? [...company.invoices.values()].filter((i) => !i.IsCreditInvoice) : [];
  const references = new Map<string, number>();
  for (const invoice of invoices) references.set(String(invoice.YourReference), (references.get(String(invoice.YourReference)) ?? 0) + 1);
  const shop = shopify.shops.get(input.shop);
  const byOperation: Record<string, { requests: number; throttled: number; requestedPoints: number }> = {};
  for (const r of shop?.requests ?? []) {
    const row = (byOperation[r.operationName ?? "?"] ??= { requests: 0, throttled: 0, requestedPoints: 0 });
    row.requests += 1;
    if (r.throttled) row.throttled += 1;
    else row.requestedPoints += r.cost;
  }
  return {
    visma: {
      requests: visma.stats.requests,
      rejected429: visma.stats.rejected429,
      endpoints: Object.fromEntries(
        [...counts.times.entries()].map(([endpoint, times]) => [endpoint, { requests: times.length, busiestMinute: busiestMinute(times) }]),
      ),
    },
    shopify: {
      requests: shop?.requests.length ?? 0,
      throttled: shop?.requests.filter((r) => r.throttled).length ?? 0,
      byOperation,
      bucket: shop ? { maximumAvailable: shop.bucket.maximumAvailable, restoreRate: shop.bucket.restoreRate } : null,
    },
    invoices: { count: invoices.length, references: references.size, duplicates: [...references.values()].reduce((sum, n) => sum + n - 1, 0) },
    drafts: company?.drafts.size ?? 0,
    customers: company?.customers.size ?? 0,
    articles: company?.articles.size ?? 0,
    cpuSeconds: cpuSeconds(),
  };
}

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const command = JSON.parse(line) as { setup?: Parameters<typeof setup>[0]; stats?: Parameters<typeof stats>[0] };
  try {
    console.log(JSON.stringify(command.setup ? setup(command.setup) : command.stats ? stats(command.stats) : { error: "unknown command" }));
  } catch (error) {
    console.log(JSON.stringify({ error: String(error) }));
  }
});
lines.on("close", () => void Promise.all([shopify.close(), visma.close()]).finally(() => process.exit(0)));
