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
  step("Preparing the SQLite database (data/demo.sqlite)");
  const { migrateDatabase } = await import("../app/db/migrations.server");
  await migrateDatabase(process.env.DATABASE_URL!);

  step("Starting the Shopify Admin simulator");
  const { ShopifyAdminSimulator } = await import("../test/simulators/shopify-admin/server");
  const simulator = new ShopifyAdminSimulator({ port: Number(args["simulator-port"]) });
  const simulatorUrl = await simulator.start();
  process.env.SHOPIFY_ADMIN_ENDPOINT = simulatorUrl;

  step("Starting the app (sandbox mode, in-process worker)");
  const { startServer } = await import("../server");
  const server = await startServer({ port, host: "127.0.0.1" });
  const { default: db } = await import("../app/db.server");
  const { SANDBOX_API_SECRET } = await import("../app/lib/env.server");

  step(`Seeding the demo shop ${SHOP}`);
  const accessToken = `shpat_sandbox_${randomUUID().replaceAll("-", "")}`;
  simulator.addShop({ domain: SHOP, accessToken, appUrl: server.url, apiSecret: SANDBOX_API_SECRET, currency: "EUR", name: "Invoice Bridge Demo" });
  await db.shop.upsert({ where: { shopDomain: SHOP }, update: { status: "installed", uninstalledAt: null }, create: { shopDomain: SHOP } });
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

  const summary = {
    shop: SHOP,
    appUrl: server.url,
    simulatorUrl,
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
    await db.$disconnect();
    console.log(JSON.stringify(summary));
    process.exit(summary.deliveriesStored === sent && !summary.jobs.failed ? 0 : 1);
  }
  step("Running");
  console.log(`  App:        ${server.url}`);
  console.log(`  Simulator:  ${simulatorUrl} (control API: README, "Testing")`);
  console.log(`  Send another webhook: curl -X POST ${simulatorUrl}/_control/webhooks -H 'content-type: application/json' \\`);
  console.log(`      -d '{"shop":"${SHOP}","topic":"orders/paid","orderId":${firstOrder.id}}'`);
  console.log("  Press Ctrl+C to stop.");
  const stop = async () => {
    await server.close();
    await simulator.close();
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
