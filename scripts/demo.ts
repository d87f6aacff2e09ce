// npm run demo [-- --once] [-- --port N]
// The app on SQLite, with the Shopify Admin simulator in place of Shopify: it seeds a demo shop, sends
// its orders' webhooks through the real intake, and shows what the worker made of them.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";

const root = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    sandbox: { type: "boolean", default: false },
    once: { type: "boolean", default: false },
    port: { type: "string", default: "3000" },
    "simulator-port": { type: "string", default: "3100" },
    "economic-port": { type: "string", default: "3200" },
  },
});

if (!args.sandbox) {
  console.error("The demo runs only in sandbox mode: `npm run demo` passes --sandbox for you.");
  process.exit(2);
}
// Never by accident next to real credentials: refuse before anything is set.
const production = ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"].filter((name) => process.env[name]);
if (production.length > 0) {
  console.error(`Refusing to start the sandbox: production Shopify settings are present (${production.join(", ")}). Unset them first.`);
  process.exit(2);
}

const port = Number(args.port);
const SHOP = "invoice-bridge-demo.myshopify.com";
Object.assign(process.env, {
  IB_SANDBOX: "1",
  NODE_ENV: "development",
  DATABASE_URL: `file:${path.join(root, "data/demo.sqlite")}`,
  PORT: String(port),
  SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
  WORKER: "embedded",
  JOB_POLL_MS: "100",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
});

async function main() {
  step("Preparing a fresh SQLite database (data/demo.sqlite)");
  // The simulators start empty on every run, so the sandbox's database does too: rows from an earlier run
  // would point at documents that no longer exist anywhere.
  const { rmSync } = await import("node:fs");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path.join(root, "data/demo.sqlite") + suffix, { force: true });
  const { migrateDatabase } = await import("../app/db/migrations.server");
  await migrateDatabase(process.env.DATABASE_URL!);

  step("Starting the Shopify Admin simulator");
  const { ShopifyAdminSimulator } = await import("../test/simulators/shopify-admin/server");
  const simulator = new ShopifyAdminSimulator({ port: Number(args["simulator-port"]) });
  const simulatorUrl = await simulator.start();
  process.env.SHOPIFY_ADMIN_ENDPOINT = simulatorUrl;

  step("Starting the e-conomic simulator");
  const { EconomicSimulator } = await import("../test/simulators/economic/server");
  const economic = new EconomicSimulator({ port: Number(args["economic-port"]) });
  const economicUrl = await economic.start();
  // Product groups by the VAT their sales account carries, as a merchant would have set them up.
  const agreement = economic.addAgreement({
    appSecretToken: "demo-app-secret",
    agreementGrantToken: "demo-agreement",
    productGroups: { 1: 0.25, 2: 0, 3: 0.23, 4: 0.06, 5: 0.08 },
  });
  // What a merchant's agreement already has: a customer for guests, and a catch-all product.
  agreement.customers.set(99, { customerNumber: 99, name: "Shopify guests", currency: "EUR", customerGroup: { customerGroupNumber: 1 }, paymentTerms: { paymentTermsNumber: 1 }, vatZone: { vatZoneNumber: 1 } });
  agreement.products.set("SHOPIFY", { productNumber: "SHOPIFY", name: "Shopify sale", productGroup: { productGroupNumber: 1 } });

  step("Starting the app (sandbox mode, in-process worker)");
  const { startServer } = await import("../server");
  const server = await startServer({ port, host: "127.0.0.1" });
  const { default: db } = await import("../app/db.server");
  const { SANDBOX_API_SECRET } = await import("../app/lib/env.server");

  step(`Seeding the demo shop ${SHOP}`);
  const accessToken = `shpat_sandbox_${randomUUID().replaceAll("-", "")}`;
  simulator.addShop({ domain: SHOP, accessToken, appUrl: server.url, apiSecret: SANDBOX_API_SECRET, currency: "EUR", name: "Invoice Bridge Demo" });
  // The demo shop is past its verification period and has confirmed automatic booking.
  const demoSettings = JSON.stringify({ rules: { trigger: "paid", bookingConfirmedAt: new Date().toISOString() } });
  const longAgo = new Date(Date.now() - 30 * 86_400_000);
  await db.shop.upsert({
    where: { shopDomain: SHOP },
    update: { status: "installed", uninstalledAt: null, settings: demoSettings, verificationStartedAt: longAgo },
    create: { shopDomain: SHOP, settings: demoSettings, verificationStartedAt: longAgo },
  });
  const { encryptSecret, parseKey } = await import("../app/lib/crypto.server");
  const { env } = await import("../app/lib/env.server");
  const connection = {
    providerType: "economic",
    status: "active",
    encryptedCredentials: encryptSecret(JSON.stringify({ appSecretToken: "demo-app-secret", agreementGrantToken: "demo-agreement" }), parseKey(env().ENCRYPTION_KEY)),
    settings: JSON.stringify({ baseUrl: economicUrl, customerGroupNumber: 1, paymentTermsNumber: 1, layoutNumber: 19, collectiveCustomerNumber: 99, productGroups: { "0.25": 1, "0": 2, "0.23": 3, "0.06": 4, "0.08": 5 }, missingProducts: "create" }),
  };
  await db.connection.upsert({
    where: { shopDomain_providerType: { shopDomain: SHOP, providerType: "economic" } },
    update: connection,
    create: { shopDomain: SHOP, ...connection },
  });
  await db.session.upsert({
    where: { id: `offline_${SHOP}` },
    update: { accessToken, scope: "write_orders,read_customers" },
    create: { id: `offline_${SHOP}`, shop: SHOP, state: "sandbox", isOnline: false, accessToken, scope: "write_orders,read_customers" },
  });
  const startedAt = new Date();

  const { DEMO_CUSTOMERS, DEMO_ORDERS } = await import("./demo-orders");
  const customers = new Map(DEMO_CUSTOMERS.map(({ key, ...c }) => [key, simulator.addCustomer(SHOP, c)]));

  step(`Sending ${DEMO_ORDERS.length} orders' webhooks through the real intake`);
  const answers: Record<string, number> = {};
  let sent = 0;
  for (const demo of DEMO_ORDERS) {
    const order = simulator.addOrder(SHOP, { ...demo.seed, customerId: demo.customer ? customers.get(demo.customer)!.id : null });
    for (const topic of demo.topics) {
      const payload =
        topic === "refunds/create"
          ? { id: Date.now(), order_id: order.id, created_at: new Date().toISOString(), refund_line_items: [{ line_item_id: order.lines[0].id, quantity: 1 }], transactions: [] }
          : undefined;
      const [result] = await simulator.sendWebhook({ shop: SHOP, topic, orderId: order.id, payload });
      answers[result.status] = (answers[result.status] ?? 0) + 1;
      sent++;
    }
    console.log(`  ${order.name.padEnd(6)} ${demo.label}: ${demo.topics.join(", ")}`);
  }
  // Shopify retries: the same event again must change nothing.
  const first = simulator.shop(SHOP).webhooksSent[0];
  const firstOrder = [...simulator.shop(SHOP).orders.values()][0];
  const [retry] = await simulator.sendWebhook({ shop: SHOP, topic: first.topic, orderId: firstOrder.id, eventId: first.eventId });
  answers[retry.status] = (answers[retry.status] ?? 0) + 1;
  console.log(`  (and ${first.topic} of ${firstOrder.name} once more, as a Shopify retry with the same event id)`);

  step("Waiting for the worker");
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const pending = await db.job.count({ where: { shopDomain: SHOP, createdAt: { gte: startedAt }, status: { in: ["queued", "running"] } } });
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  const entries = await db.syncLogEntry.findMany({ where: { shopDomain: SHOP, createdAt: { gte: startedAt } }, orderBy: { createdAt: "asc" } });
  const jobs = await db.job.groupBy({ by: ["status"], where: { shopDomain: SHOP, createdAt: { gte: startedAt } }, _count: true });
  const deliveries = await db.webhookDelivery.count({ where: { shopDomain: SHOP, receivedAt: { gte: startedAt } } });
  step("Sync log");
  for (const entry of entries) console.log(`  [${entry.status.padEnd(8)}] ${entry.message}`);

  step("e-conomic now holds");
  for (const invoice of agreement.booked.values()) {
    console.log(`  booked invoice ${String(invoice.bookedInvoiceNumber)}: ${String(invoice.currency)} ${String(invoice.grossAmount)}, ref ${String((invoice.references as { other?: string } | undefined)?.other)}`);
  }
  const summary = {
    shop: SHOP,
    appUrl: server.url,
    simulatorUrl,
    economicUrl,
    economic: { booked: agreement.booked.size, drafts: agreement.drafts.size, customers: agreement.customers.size, products: agreement.products.size },
    orders: DEMO_ORDERS.length,
    webhooksSent: sent + 1,
    answers,
    deliveriesStored: deliveries,
    jobs: Object.fromEntries(jobs.map((j) => [j.status, j._count])),
    syncLogEntries: entries.length,
  };

  if (args.once) {
    await server.close();
    await simulator.close();
    await economic.close();
    await db.$disconnect();
    console.log(JSON.stringify(summary));
    process.exit(summary.deliveriesStored === sent && !summary.jobs.failed ? 0 : 1);
  }
  step("Running");
  console.log(`  App:        ${server.url}`);
  console.log(`  Simulator:  ${simulatorUrl} (control API: README, "Testing")`);
  console.log(`  e-conomic:  ${economicUrl}/_control/state?agreement=demo-agreement`);
  console.log(`  Send another webhook: curl -X POST ${simulatorUrl}/_control/webhooks -H 'content-type: application/json' \\`);
  console.log(`      -d '{"shop":"${SHOP}","topic":"orders/paid","orderId":${firstOrder.id}}'`);
  console.log("  Press Ctrl+C to stop.");
  const stop = async () => {
    await server.close();
    await simulator.close();
    await economic.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

function step(text: string) {
  console.log(`\n▸ ${text}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
