// npm run demo [-- --once] [-- --port N]
// The app on SQLite, with the Shopify Admin simulator in place of Shopify and the providers' simulators in place
// of e-conomic, Visma eAccounting and InvoicExpress: it seeds one demo shop per provider, sends their orders'
// webhooks through the real intake, and shows what the worker made of them.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import type { DemoOrder } from "./demo-orders";
import type { SeedCustomer } from "../test/simulators/shopify-admin/orders";

const root = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    sandbox: { type: "boolean", default: false },
    once: { type: "boolean", default: false },
    port: { type: "string", default: "3000" },
    "simulator-port": { type: "string", default: "3100" },
    "economic-port": { type: "string", default: "3200" },
    "visma-port": { type: "string", default: "3300" },
    "invoicexpress-port": { type: "string", default: "3400" },
    "collector-port": { type: "string", default: "3500" },
    "intact-port": { type: "string", default: "3600" },
    "smtp-port": { type: "string", default: "2525" },
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
/** The e-conomic demo shop (the demo's first, and the one its top-level summary keys describe). */
const SHOP = "invoice-bridge-demo.myshopify.com";
const VISMA_SHOP = "invoice-bridge-visma.myshopify.com";
const IX_SHOP = "invoice-bridge-ix.myshopify.com";
const WALLEY_SHOP = "invoice-bridge-walley.myshopify.com";
const INTACT_SHOP = "invoice-bridge-intact.myshopify.com";
/** The shop that issues its own invoices, as Factur-X PDFs with UBL files beside them. */
const OWN_SHOP = "invoice-bridge-own.myshopify.com";
/** A shop with the app just installed and nothing connected: the onboarding, then the historical import of its past orders. */
const NEW_SHOP = "invoice-bridge-new.myshopify.com";
const IX_ACCOUNT = "invoice-bridge-demo";
const IX_API_KEY = "demo-invoicexpress-api-key";
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

type DemoCustomer = Omit<SeedCustomer, "id"> & { key: string };

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

  step("Starting the Visma eAccounting simulator");
  const { VismaSimulator } = await import("../test/simulators/visma/server");
  const { VISMA_CLIENT, vismaAccount } = await import("../test/helpers/visma-account");
  const visma = new VismaSimulator({ port: Number(args["visma-port"]) });
  const vismaUrl = await visma.start();
  // A Swedish company with the app registered as its OAuth client; the terms, unit and codings the merchant picks.
  const vismaCompany = vismaAccount(visma);
  // The app's Visma endpoints (the simulator's, allowed only in sandbox mode) and its OAuth client: read when
  // the app first loads its environment, so set before it starts.
  Object.assign(process.env, { VISMA_ENDPOINT: vismaUrl, VISMA_CLIENT_ID: VISMA_CLIENT.clientId, VISMA_CLIENT_SECRET: VISMA_CLIENT.clientSecret });

  step("Starting the InvoicExpress simulator");
  const { InvoicExpressSimulator } = await import("../test/simulators/invoicexpress/server");
  const invoicexpress = new InvoicExpressSimulator({ port: Number(args["invoicexpress-port"]) });
  const invoicexpressUrl = await invoicexpress.start();
  const ixAccount = invoicexpress.addAccount({ name: IX_ACCOUNT, apiKey: IX_API_KEY });
  // Where the onboarding finds e-conomic and InvoicExpress (the simulators, sandbox only), and the app's own
  // e-conomic App Secret Token: a merchant connecting e-conomic types the Agreement Grant Token alone.
  // The app is registered with e-conomic (its public token), so a merchant can also approve it there.
  economic.registerApp({ appPublicToken: "demo-app-public", appSecretToken: "demo-app-secret" });
  Object.assign(process.env, {
    ECONOMIC_ENDPOINT: economicUrl,
    INVOICEXPRESS_ENDPOINT: invoicexpressUrl,
    ECONOMIC_APP_SECRET_TOKEN: "demo-app-secret",
    ECONOMIC_APP_PUBLIC_TOKEN: "demo-app-public",
  });

  step("Starting the Walley (Collector) SOAP simulator");
  const { CollectorSimulator } = await import("../test/simulators/collector/server");
  const collector = new CollectorSimulator({ port: Number(args["collector-port"]) });
  const collectorUrl = await collector.start();
  collector.addStore({ storeId: 701, countryCode: "SE", username: "demo-walley", password: "demo-walley-password" });
  // Where the onboarding finds Walley (sandbox only): the new shop can connect it with the same store.
  process.env.COLLECTOR_ENDPOINT = collector.endpoint;

  step("Starting the Intact iQ SOAP simulator");
  const { IntactSimulator } = await import("../test/simulators/intact/server");
  const intact = new IntactSimulator({ port: Number(args["intact-port"]) });
  const intactUrl = await intact.start();
  intact.addUser("demo-intact", "demo-intact-password");
  intact.addAccount({ code: "NB1001", name: "Nordic Bakeries Ltd" });
  // What the bookkeeper invoiced in Intact itself before the shop went online: paid, overdue, open, and a credit.
  const monthsAgo = (n: number) => new Date(Date.now() - n * 30 * 86_400_000).toISOString().slice(0, 10);
  intact.addInvoice({ account: "NB1001", number: "INV-20871", invoiceDate: monthsAgo(3), dueDate: monthsAgo(2), currency: "GBP", net: "1240.00", tax: "248.00", outstanding: "0.00", status: "paid" });
  intact.addInvoice({ account: "NB1001", number: "INV-20954", invoiceDate: monthsAgo(2), dueDate: monthsAgo(1), currency: "GBP", net: "386.50", tax: "77.30" });
  intact.addInvoice({ account: "NB1001", number: "CN-00412", invoiceDate: monthsAgo(1), currency: "GBP", net: "40.00", tax: "8.00", outstanding: "0.00", isCreditNote: true });
  intact.addInvoice({ account: "NB1001", number: "INV-21032", invoiceDate: monthsAgo(0.5), dueDate: monthsAgo(-0.5), currency: "GBP", net: "912.00", tax: "182.40", outstanding: "500.00" });
  // Where the onboarding's help points (sandbox only): the new shop can connect Intact with the same user.
  process.env.INTACT_ENDPOINT = intact.endpoint;

  step("Starting the SMTP sink (the e-mails the app sends to buyers land here)");
  const { SmtpSink, describeCaughtMessage } = await import("../test/simulators/smtp/server");
  const smtp = new SmtpSink();
  const smtpUrl = await smtp.start({ port: Number(args["smtp-port"]) });
  Object.assign(process.env, { SMTP_URL: smtpUrl, MAIL_FROM: "Invoice Bridge Demo <invoices@invoice-bridge-demo.example>" });

  step("Building the UI extensions (the stand-in order and customer-account pages host them)");
  const { buildExtensions } = await import("./build-extensions");
  await buildExtensions();

  step("Starting the app (sandbox mode, in-process worker)");
  const { startServer } = await import("../server");
  const server = await startServer({ port, host: "127.0.0.1" });
  const { default: db } = await import("../app/db.server");
  const { SANDBOX_API_SECRET } = await import("../app/lib/env.server");
  const { seedEconomicShop } = await import("../test/helpers/economic-shop");
  const { seedCollectorShop, seedIntactShop, seedInvoicExpressShop, seedOwnInvoiceShop, seedVismaShop } = await import("../test/helpers/provider-shops");

  /** Until the worker has no task of these shops left. */
  async function waitForWorker(domains: string[]) {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const pending = await db.job.count({ where: { shopDomain: { in: domains }, status: { in: ["queued", "running"] }, runAt: { lte: new Date() } } });
      if (pending === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The shop in the Shopify simulator, and the app's offline session for it (as after an install). */
  async function installOnShopify(domain: string, shop: { currency: string; name: string }) {
    const accessToken = `shpat_sandbox_${randomUUID().replaceAll("-", "")}`;
    simulator.addShop({ domain, accessToken, appUrl: server.url, apiSecret: SANDBOX_API_SECRET, ...shop });
    await db.session.upsert({
      where: { id: `offline_${domain}` },
      update: { accessToken, scope: "write_orders,read_customers" },
      create: { id: `offline_${domain}`, shop: domain, state: "sandbox", isOnline: false, accessToken, scope: "write_orders,read_customers" },
    });
  }

  /** The shop's customers and orders in the simulator, and each order's webhooks through the real intake. */
  async function sendOrders(domain: string, demoCustomers: DemoCustomer[], demoOrders: DemoOrder[]) {
    const customers = new Map(demoCustomers.map(({ key, ...c }) => [key, simulator.addCustomer(domain, c)]));
    step(`Sending ${demoOrders.length} orders' webhooks through the real intake`);
    const answers: Record<string, number> = {};
    let sent = 0;
    for (const demo of demoOrders) {
      const order = simulator.addOrder(domain, { ...demo.seed, customerId: demo.customer ? customers.get(demo.customer)!.id : null });
      for (const topic of demo.topics) {
        const change = demo.before?.[topic];
        // The earlier events are handled before the merchant's next step (a shipment, a cancellation).
        if (change) await waitForWorker([domain]);
        if (change?.fulfil) simulator.addFulfillment(domain, order.id, { lines: change.fulfil });
        if (change?.cancel) simulator.setOrderStatus(domain, order.id, { cancelled: true });
        // A refund is made in the simulator as Shopify makes it (one unit of the first line), then notified.
        const payload =
          topic === "refunds/create" ? simulator.refundPayload(domain, order.id, simulator.addRefund(domain, order.id, { lines: [{ index: 0, quantity: 1 }] }).id) : undefined;
        const [result] = await simulator.sendWebhook({ shop: domain, topic, orderId: order.id, payload });
        answers[result.status] = (answers[result.status] ?? 0) + 1;
        sent++;
      }
      console.log(`  ${order.name.padEnd(6)} ${demo.label}: ${demo.topics.join(", ")}`);
    }
    return { answers, sent };
  }

  const { DEMO_CUSTOMERS, DEMO_ORDERS, VISMA_CUSTOMERS, VISMA_ORDERS, IX_CUSTOMERS, IX_ORDERS, WALLEY_CUSTOMERS, WALLEY_ORDERS, INTACT_CUSTOMERS, INTACT_ORDERS, OWN_CUSTOMERS, OWN_ORDERS } =
    await import("./demo-orders");

  /**
   * The customer-account side of the e-conomic shop: Mette, signed in, with her own orders; Karin, whom the
   * merchant made a contact of Nordic Cafés ApS with a role at the Aarhus roastery (where Lars's B2B order is);
   * and an invoice the bookkeeper issued in e-conomic directly for the company. Each buyer's Invoices page is
   * asked for once, through the real endpoint with a buyer's session token, to show what they see.
   */
  async function customerAccounts() {
    const { issueInEconomic } = await import("../test/helpers/bookkeeper");
    const { sandboxCustomerToken } = await import("../app/sandbox/admin-frame.server");
    const customers = [...simulator.shop(SHOP).customers.values()];
    const mette = customers.find((c) => c.email === "mette.jensen@example.dk")!;
    const lars = customers.find((c) => c.email === "purchasing@nordic-cafes.example")!;
    const karin = simulator.addCustomer(SHOP, { email: "karin.holm@nordic-cafes.example", firstName: "Karin", lastName: "Holm", locale: "da" });
    simulator.shop(SHOP).companies.assign(7001, karin.id, 7002, "Location admin");
    const link = await db.customerLink.findFirst({ where: { shopDomain: SHOP, shopifyCustomerId: String(lars.id), externalId: { not: "(pending)" } } });
    let issuedInEconomic = 0;
    if (link) {
      const today = new Date().toISOString().slice(0, 10);
      await issueInEconomic(economicUrl, { appSecretToken: "demo-app-secret", agreementGrantToken: "demo-agreement" }, { customerNumber: Number(link.externalId), currency: "EUR", productNumber: "SHOPIFY", date: today, amount: 480, text: "Espresso machine service, issued in e-conomic" });
      issuedInEconomic = 1;
    }
    const invoicesOf = async (customerId: number) => {
      const token = await sandboxCustomerToken(SHOP, String(customerId));
      const response = await fetch(`${server.url}/api/account/invoices`, { headers: { Authorization: `Bearer ${token}` } });
      return (await response.json()) as { total: number; documents: Array<{ orderId: string | null }> };
    };
    // Her order with a refund: its invoice, and the credit note under it.
    const metteOrders = [...simulator.shop(SHOP).orders.values()].filter((o) => o.seed.customerId === mette.id);
    const credited = await db.document.findFirst({ where: { shopDomain: SHOP, kind: "creditNote", orderId: { in: metteOrders.map((o) => String(o.id)) } } });
    const metteOrder = metteOrders.find((o) => String(o.id) === credited?.orderId) ?? metteOrders[0];
    return {
      mette: { id: mette.id, order: metteOrder.id, total: (await invoicesOf(mette.id)).total },
      karin: { id: karin.id, total: (await invoicesOf(karin.id)).total, issuedInEconomic },
    };
  }

  /** Paid orders spread over the last `days` days, in Shopify only (they happened before the app was installed). */
  function pastOrdersFor(domain: string, days: number): number {
    const now = Date.now();
    let count = 0;
    for (let day = days; day >= 1; day -= 1) {
      const createdAt = new Date(now - day * 86_400_000).toISOString();
      simulator.addOrder(domain, {
        createdAt,
        taxesIncluded: true,
        email: `buyer${day}@example.com`,
        billingAddress: { firstName: "Buyer", lastName: `No. ${day}`, countryCode: "DK" },
        lines: [{ sku: `MUG-${(day % 3) + 1}`, title: `Mug ${(day % 3) + 1}`, quantity: 1 + (day % 2), price: "99.00", taxRate: "0.25" }],
      });
      count += 1;
    }
    return count;
  }

  // --- e-conomic ---
  step(`Seeding the e-conomic demo shop ${SHOP}`);
  await installOnShopify(SHOP, { currency: "EUR", name: "Invoice Bridge Demo" });
  // Past its verification period, automatic booking confirmed; the agreement's VAT product groups.
  await seedEconomicShop(db, {
    shopDomain: SHOP,
    economicUrl,
    appSecretToken: "demo-app-secret",
    agreementGrantToken: "demo-agreement",
    productGroups: { "0.25": 1, "0": 2, "0.23": 3, "0.06": 4, "0.08": 5 },
    missingProducts: "create",
  });
  // e-conomic cannot e-mail invoices, so the app does, over SMTP, with the PDF from e-conomic attached.
  const economicSettings = JSON.parse((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings);
  await db.shop.update({ where: { shopDomain: SHOP }, data: { settings: JSON.stringify({ ...economicSettings, mail: { sendOnBooking: true, bcc: "books@invoice-bridge-demo.example" } }) } });
  const startedAt = new Date();
  const { answers, sent } = await sendOrders(SHOP, DEMO_CUSTOMERS, DEMO_ORDERS);
  // Shopify retries: the same event again must change nothing.
  const first = simulator.shop(SHOP).webhooksSent[0];
  const firstOrder = [...simulator.shop(SHOP).orders.values()][0];
  const [retry] = await simulator.sendWebhook({ shop: SHOP, topic: first.topic, orderId: firstOrder.id, eventId: first.eventId });
  answers[retry.status] = (answers[retry.status] ?? 0) + 1;
  console.log(`  (and ${first.topic} of ${firstOrder.name} once more, as a Shopify retry with the same event id)`);

  // --- Visma eAccounting ---
  step(`Seeding the Visma eAccounting demo shop ${VISMA_SHOP}`);
  await installOnShopify(VISMA_SHOP, { currency: "SEK", name: "Invoice Bridge Demo (Visma)" });
  // Connected with OAuth tokens as after the merchant's consent; the drafts workflow (a draft, converted to a booked invoice).
  await seedVismaShop(db, { shopDomain: VISMA_SHOP, vismaUrl, tokens: vismaCompany.tokens(), settings: { ...vismaCompany.settings, workflow: "drafts" } });
  const vismaSent = await sendOrders(VISMA_SHOP, VISMA_CUSTOMERS, VISMA_ORDERS);

  // --- InvoicExpress ---
  step(`Seeding the InvoicExpress demo shop ${IX_SHOP}`);
  await installOnShopify(IX_SHOP, { currency: "EUR", name: "Invoice Bridge Demo (InvoicExpress)" });
  // IVA 23/13/6/0 mapped to the account's tax names; InvoicExpress e-mails each invoice once it is final.
  await seedInvoicExpressShop(db, { shopDomain: IX_SHOP, accountUrl: invoicexpress.accountUrl(IX_ACCOUNT), accountName: IX_ACCOUNT, apiKey: IX_API_KEY });
  const ixSent = await sendOrders(IX_SHOP, IX_CUSTOMERS, IX_ORDERS);

  // --- Walley (Collector) ---
  step(`Seeding the Walley demo shop ${WALLEY_SHOP}`);
  await installOnShopify(WALLEY_SHOP, { currency: "SEK", name: "Invoice Bridge Demo (Walley)" });
  // A store for private buyers in Sweden; invoices added when the order is created, activated when it ships.
  await seedCollectorShop(db, { shopDomain: WALLEY_SHOP, endpoint: collector.endpoint, username: "demo-walley", password: "demo-walley-password", stores: [{ countryCode: "SE", buyers: "b2c", storeId: 701 }] });
  const walleySent = await sendOrders(WALLEY_SHOP, WALLEY_CUSTOMERS, WALLEY_ORDERS);

  // --- Intact iQ ---
  step(`Seeding the Intact iQ demo shop ${INTACT_SHOP}`);
  await installOnShopify(INTACT_SHOP, { currency: "GBP", name: "Invoice Bridge Demo (Intact iQ)" });
  // Accounts by the company's external id (NB1001); orders pushed as sales orders, which Intact invoices itself.
  await seedIntactShop(db, { shopDomain: INTACT_SHOP, endpoint: intact.endpoint, username: "demo-intact", password: "demo-intact-password", settings: { salesOrders: true } });
  const intactSent = await sendOrders(INTACT_SHOP, INTACT_CUSTOMERS, INTACT_ORDERS);

  // --- the shop's own invoices, with e-invoices ---
  step(`Seeding the own-invoice demo shop ${OWN_SHOP} (Factur-X PDFs and UBL files)`);
  await installOnShopify(OWN_SHOP, { currency: "DKK", name: "Invoice Bridge Demo (own invoices)" });
  // Factur-X PDFs with UBL files beside them; no e-mails, so that the e-conomic shop's e-mails are the sink's.
  await seedOwnInvoiceShop(db, {
    shopDomain: OWN_SHOP,
    shopSettings: { mail: { sendOnBooking: false } },
    settings: {
      seller: {
        name: "Ærøskøbing Kaffe ApS", addressLines: ["Vestergade 12", "5970 Ærøskøbing"], countryCode: "DK", vatId: "DK12345678", email: "faktura@aeroe-kaffe.example",
        bank: { name: "Danske Bank", iban: "DK50 0040 0440 1162 43", bic: "DABADKKK" },
      },
      einvoice: { mode: "facturx-ubl", street: "Vestergade 12", postcode: "5970", city: "Ærøskøbing" },
      invoicePrefix: "F2026-",
      defaultLanguage: "da",
    },
  });
  const ownSent = await sendOrders(OWN_SHOP, OWN_CUSTOMERS, OWN_ORDERS);

  // --- a new shop: nothing connected yet ---
  step(`Installing the app on ${NEW_SHOP}, with nothing connected (the onboarding starts there)`);
  await installOnShopify(NEW_SHOP, { currency: "EUR", name: "Invoice Bridge Demo (new shop)" });
  await db.shop.create({ data: { shopDomain: NEW_SHOP } });
  const pastOrders = pastOrdersFor(NEW_SHOP, 60);
  console.log(`  ${pastOrders} paid orders from the last 60 days wait in Shopify for the historical import`);

  step("Waiting for the worker");
  const shops = [SHOP, VISMA_SHOP, IX_SHOP, WALLEY_SHOP, INTACT_SHOP, OWN_SHOP];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const pending = await db.job.count({ where: { shopDomain: { in: shops }, createdAt: { gte: startedAt }, status: { in: ["queued", "running"] } } });
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  async function outcome(domain: string, provider: string) {
    const entries = await db.syncLogEntry.findMany({ where: { shopDomain: domain, createdAt: { gte: startedAt } }, orderBy: { createdAt: "asc" } });
    const jobs = await db.job.groupBy({ by: ["status"], where: { shopDomain: domain, createdAt: { gte: startedAt } }, _count: true });
    const deliveries = await db.webhookDelivery.count({ where: { shopDomain: domain, receivedAt: { gte: startedAt } } });
    step(`Sync log: ${domain} (${provider})`);
    for (const entry of entries) console.log(`  [${entry.status.padEnd(8)}] ${entry.message}`);
    return {
      entries,
      failed: entries.filter((e) => e.status === "failed"),
      jobs: Object.fromEntries(jobs.map((j) => [j.status, j._count])) as Record<string, number>,
      deliveries,
    };
  }
  const economicShop = await outcome(SHOP, "e-conomic");
  const vismaShop = await outcome(VISMA_SHOP, "Visma eAccounting");
  const ixShop = await outcome(IX_SHOP, "InvoicExpress");
  const walleyShop = await outcome(WALLEY_SHOP, "Walley");
  const intactShop = await outcome(INTACT_SHOP, "Intact iQ");
  const ownShop = await outcome(OWN_SHOP, "the shop's own invoices");

  // --- customer accounts: a demo buyer, and a B2B colleague ---
  step("Customer accounts: Mette (a private buyer) and Karin (a colleague of Lars at Nordic Cafés ApS, Aarhus roastery)");
  const account = await customerAccounts();
  console.log(`  Mette sees ${account.mette.total} invoice(s) and credit note(s); Karin sees ${account.karin.total} of her company location's, ${account.karin.issuedInEconomic} issued in e-conomic directly`);

  step("e-conomic now holds");
  for (const invoice of agreement.booked.values()) {
    console.log(`  booked invoice ${String(invoice.bookedInvoiceNumber)}: ${String(invoice.currency)} ${String(invoice.grossAmount)}, ref ${String((invoice.references as { other?: string } | undefined)?.other)}`);
  }

  step("Visma eAccounting now holds");
  const { company } = vismaCompany;
  for (const invoice of company.invoices.values()) {
    const vat = invoice.IncludesVat ? "incl. moms" : "excl. moms (net prices)";
    console.log(`  invoice ${String(invoice.InvoiceNumber)}: ${String(invoice.CurrencyCode)} ${String(invoice.TotalAmountInvoiceCurrency)} ${vat}, ${String(invoice.InvoiceCustomerName)}, ref ${String(invoice.YourReference)}`);
  }
  for (const draft of company.drafts.values()) console.log(`  draft (not booked), ref ${String(draft.YourReference)}`);

  step("InvoicExpress now holds");
  const ixDocuments = [...ixAccount.documents.values()].filter((d) => d.status !== "deleted");
  const ixBooked = ixDocuments.filter((d) => ["final", "sent", "settled"].includes(String(d.status)));
  const emailedIds = new Set(ixAccount.emails.map((e) => e.document_id));
  for (const document of ixDocuments) {
    const email = ixAccount.emails.find((e) => e.document_id === document.id) as { client?: { email?: string } } | undefined;
    const sentTo = email ? `, e-mailed to ${String(email.client?.email)}` : "";
    const client = (document.client as { name?: string } | undefined)?.name;
    console.log(`  ${String(document.type)} ${String(document.inverted_sequence_number ?? "(no number)")} [${String(document.status)}]: EUR ${String(document.total)}, ${String(client)}, ref ${String(document.reference)}${sentTo}`);
  }

  step("Walley now holds");
  const walleyInvoices = [...collector.invoices.values()];
  for (const invoice of walleyInvoices) {
    const amount = invoice.rows.reduce((sum, r) => sum + Math.round(r.UnitPrice * 100) * r.Quantity, 0) / 100;
    const credited = invoice.credits.length ? `, ${invoice.credits.length} credit(s)` : "";
    console.log(`  invoice ${invoice.invoiceNo} [${invoice.status}]: SEK ${amount.toFixed(2)}, order ${invoice.orderNo}${credited}`);
  }
  const walleyDocuments = await db.document.findMany({ where: { shopDomain: WALLEY_SHOP } });
  const walleyPartOrder = walleyDocuments.find((d) => d.state === "created")?.orderId ?? "";

  step("Intact iQ now holds (and invoices the pushed sales orders, as its own invoicing run would)");
  for (const order of intact.salesOrders) {
    const invoice = intact.invoiceSalesOrder(order.number);
    console.log(`  sales order ${order.number} on account ${order.account}: GBP ${order.gross}, ref ${order.reference} → invoice ${invoice.number}`);
  }
  for (const invoice of intact.invoices) console.log(`  ${invoice.isCreditNote ? "credit note" : "invoice"} ${invoice.number} [${invoice.status}]: ${invoice.currency} ${invoice.net} + VAT ${invoice.tax}, outstanding ${invoice.outstanding}`);
  const intactBuyers = await (async () => {
    const { sandboxCustomerToken } = await import("../app/sandbox/admin-frame.server");
    const customers = [...simulator.shop(INTACT_SHOP).customers.values()];
    const seen = async (email: string) => {
      const customer = customers.find((c) => c.email === email)!;
      const token = await sandboxCustomerToken(INTACT_SHOP, String(customer.id));
      const page = (await (await fetch(`${server.url}/api/account/invoices`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { total: number; documents: Array<{ number: string | null }> };
      return { id: customer.id, total: page.total, numbers: page.documents.map((d) => d.number) };
    };
    return { hannah: await seen("hannah.price@nordic-bakeries.example"), tom: await seen("tom.reid@nordic-bakeries.example") };
  })();
  console.log(`  Hannah's Invoices page shows ${intactBuyers.hannah.total} of Nordic Bakeries' Intact invoices and credit notes; Tom's ${intactBuyers.tom.total}`);

  // e-conomic's booked documents: invoices, and credit notes (negative totals) for refunds.
  const economicInvoices = [...agreement.booked.values()].filter((b) => Number(b.grossAmount) >= 0).length;
  const economicCredits = agreement.booked.size - economicInvoices;
  // Every booked invoice of a buyer with an e-mail address goes out by e-mail (a guest without one cannot).
  const expectedEmails = await db.document.count({ where: { shopDomain: SHOP, kind: "invoice", state: "finalized", buyerEmail: { not: null } } });
  step(`The SMTP sink caught ${smtp.messages.length} e-mail(s)`);
  for (const message of smtp.messages) console.log(`  ${describeCaughtMessage(message)}`);

  step("The shop's own e-invoices, judged by the official EN 16931 rules");
  const ownEInvoices = await (async () => {
    const fs = await import("node:fs");
    const { embeddedFiles } = await import("../test/helpers/pdf-attachments");
    const { validateEn16931, EN16931_DIR } = await import("../test/helpers/en16931-rules");
    const { env } = await import("../app/lib/env.server");
    const dataDir = env().DATA_DIR;
    const rulesHere = fs.existsSync(EN16931_DIR);
    if (!rulesHere) console.log(`  (the rules are not on this machine, ${EN16931_DIR}: the e-invoices are counted, not judged)`);
    const documents = await db.document.findMany({ where: { shopDomain: OWN_SHOP, state: "finalized" }, orderBy: { createdAt: "asc" } });
    let made = 0;
    let valid = 0;
    for (const d of documents) {
      const pdf = fs.readFileSync(path.join(dataDir, d.pdfPath!));
      const cii = (await embeddedFiles(pdf)).find((f) => f.name === "factur-x.xml")?.bytes.toString("utf8");
      const ubl = d.einvoicePath ? fs.readFileSync(path.join(dataDir, d.einvoicePath), "utf8") : null;
      if (!cii || !ubl) continue;
      made++;
      const fatal = rulesHere ? [...validateEn16931(ubl, "ubl").fatal, ...validateEn16931(cii, "cii").fatal] : [];
      if (rulesHere && fatal.length === 0) valid++;
      console.log(`  ${d.number} (${d.orderName}): Factur-X PDF and UBL file${rulesHere ? (fatal.length === 0 ? ", both valid" : `, ${fatal.length} failed rule(s): ${fatal.map((a) => a.id).join(", ")}`) : ""}`);
    }
    const refusals = ownShop.entries.filter((e) => e.message.startsWith("E-invoice not made")).map((e) => e.message);
    for (const message of refusals) console.log(`  ${message}`);
    return { invoices: documents.length, made, validated: rulesHere ? valid : null, refused: refusals.length, refusals };
  })();

  const failures = [economicShop, vismaShop, ixShop, walleyShop, intactShop, ownShop].flatMap((shop) => shop.failed);
  if (failures.length > 0) {
    step("Failed");
    for (const entry of failures) console.log(`  ${entry.shopDomain} ${entry.orderName ?? ""}: ${entry.message}${entry.detail ? `\n    ${entry.detail}` : ""}`);
  }

  const summary = {
    shop: SHOP,
    appUrl: server.url,
    simulatorUrl,
    economicUrl,
    economic: { booked: economicInvoices, creditNotes: economicCredits, drafts: agreement.drafts.size, customers: agreement.customers.size, products: agreement.products.size },
    orders: DEMO_ORDERS.length,
    customerAccounts: { mette: account.mette.total, karin: account.karin.total, issuedInEconomic: account.karin.issuedInEconomic },
    webhooksSent: sent + 1,
    answers,
    deliveriesStored: economicShop.deliveries,
    jobs: economicShop.jobs,
    syncLogEntries: economicShop.entries.length,
    vismaUrl,
    invoicexpressUrl,
    providers: {
      economic: {
        shop: SHOP,
        orders: DEMO_ORDERS.length,
        booked: economicInvoices,
        creditNotes: economicCredits,
        emailed: smtp.messages.length,
        drafts: agreement.drafts.size,
        failed: economicShop.failed.length,
        webhooksSent: sent + 1,
        deliveriesStored: economicShop.deliveries,
        jobs: economicShop.jobs,
      },
      visma: {
        shop: VISMA_SHOP,
        orders: VISMA_ORDERS.length,
        booked: company.invoices.size,
        drafts: company.drafts.size,
        failed: vismaShop.failed.length,
        customers: company.customers.size,
        articles: company.articles.size,
        webhooksSent: vismaSent.sent,
        answers: vismaSent.answers,
        deliveriesStored: vismaShop.deliveries,
        jobs: vismaShop.jobs,
      },
      invoicexpress: {
        shop: IX_SHOP,
        orders: IX_ORDERS.length,
        booked: ixBooked.length,
        drafts: ixDocuments.filter((d) => d.status === "draft").length,
        emailed: ixBooked.filter((d) => emailedIds.has(d.id)).length,
        failed: ixShop.failed.length,
        clients: ixAccount.clients.size,
        webhooksSent: ixSent.sent,
        answers: ixSent.answers,
        deliveriesStored: ixShop.deliveries,
        jobs: ixShop.jobs,
      },
      walley: {
        shop: WALLEY_SHOP,
        orders: WALLEY_ORDERS.length,
        activated: walleyInvoices.filter((i) => i.status === "activated" || i.status === "credited").length,
        preliminary: walleyInvoices.filter((i) => i.status === "preliminary").length,
        cancelled: walleyInvoices.filter((i) => i.status === "cancelled").length,
        credits: walleyInvoices.reduce((n, i) => n + i.credits.length, 0),
        documents: Object.fromEntries(["finalized", "created", "cancelled"].map((state) => [state, walleyDocuments.filter((d) => d.state === state).length])),
        failed: walleyShop.failed.length,
        webhooksSent: walleySent.sent,
        deliveriesStored: walleyShop.deliveries,
        jobs: walleyShop.jobs,
      },
      intact: {
        shop: INTACT_SHOP,
        orders: INTACT_ORDERS.length,
        salesOrders: intact.salesOrders.length,
        invoices: intact.invoices.length,
        invoicesPage: { hannah: intactBuyers.hannah.total, tom: intactBuyers.tom.total },
        failed: intactShop.failed.length,
        webhooksSent: intactSent.sent,
        deliveriesStored: intactShop.deliveries,
        jobs: intactShop.jobs,
      },
      own: {
        shop: OWN_SHOP,
        orders: OWN_ORDERS.length,
        invoices: ownEInvoices.invoices,
        einvoices: { made: ownEInvoices.made, validated: ownEInvoices.validated, refused: ownEInvoices.refused, refusals: ownEInvoices.refusals },
        failed: ownShop.failed.length,
        webhooksSent: ownSent.sent,
        deliveriesStored: ownShop.deliveries,
        jobs: ownShop.jobs,
      },
    },
  };

  if (args.once) {
    await server.close();
    await simulator.close();
    await economic.close();
    await visma.close();
    await invoicexpress.close();
    await collector.close();
    await intact.close();
    await smtp.close();
    await db.$disconnect();
    console.log(JSON.stringify(summary));
    const { visma: v, invoicexpress: ix, economic: e, walley: w, intact: iq, own } = summary.providers;
    const ok =
      summary.deliveriesStored === sent &&
      e.emailed === expectedEmails &&
      !summary.jobs.failed &&
      failures.length === 0 &&
      v.deliveriesStored === vismaSent.sent &&
      !v.jobs.failed &&
      v.booked === v.orders &&
      ix.deliveriesStored === ixSent.sent &&
      !ix.jobs.failed &&
      ix.booked === ix.orders &&
      ix.emailed === ix.orders &&
      // Walley: one order activated in full, one part-activated (its rest preliminary), one cancelled, one credited
      w.deliveriesStored === walleySent.sent &&
      !w.jobs.failed &&
      w.activated === 3 &&
      w.preliminary === 1 &&
      w.cancelled === 1 &&
      w.credits === 1 &&
      // Intact: one sales order per order (the second delivered twice), and every invoice of the company's
      // account (the 4 issued in Intact, the 2 made from the sales orders) on both buyers' Invoices pages
      iq.deliveriesStored === intactSent.sent &&
      !iq.jobs.failed &&
      iq.salesOrders === iq.orders &&
      iq.invoicesPage.hannah === iq.invoices &&
      iq.invoicesPage.tom === iq.invoices &&
      // Mette's own invoices, and Karin's company location's, the one issued in e-conomic included
      account.mette.total > 0 &&
      account.karin.total > account.karin.issuedInEconomic &&
      account.karin.issuedInEconomic === 1 &&
      // The shop's own invoices: each one issued; three e-invoices, valid by the official rules where they are
      // on the machine; the guest's refused, with its reason in the log
      own.deliveriesStored === ownSent.sent &&
      !own.jobs.failed &&
      own.invoices === own.orders &&
      own.einvoices.made === 3 &&
      (own.einvoices.validated === null || own.einvoices.validated === 3) &&
      own.einvoices.refused === 1;
    process.exit(ok ? 0 : 1);
  }
  step("Running");
  console.log(`  App:            ${server.url}`);
  console.log(`  Admin:          ${server.url}/sandbox/admin?shop=${SHOP}  (a stand-in for the Shopify admin: open it in a browser)`);
  console.log(`  Set-up:         ${server.url}/sandbox/admin?shop=${NEW_SHOP}  (a new shop: connect e-conomic with "Approve in e-conomic" or the token demo-agreement,`);
  console.log(`                  or InvoicExpress with account ${IX_ACCOUNT} and API key ${IX_API_KEY},`);
  console.log(`                  or Walley with username demo-walley, password demo-walley-password and store 701 (Sweden, private persons),`);
  console.log(`                  or Intact iQ at ${intact.endpoint}?wsdl with user demo-intact, password demo-intact-password;`);
  console.log(`                  then import its past orders)`);
  const documented = new Set((await db.document.findMany({ where: { shopDomain: SHOP }, select: { orderId: true } })).map((d) => d.orderId));
  const uninvoiced = [...simulator.shop(SHOP).orders.values()].find((o) => !documented.has(String(o.id)) && !o.cancelledAt);
  console.log(`  Order page:     ${server.url}/sandbox/admin/orders/${firstOrder.id}?shop=${SHOP}  (${firstOrder.name}: its invoice in the Invoice Bridge block; Print → Print invoice)`);
  if (uninvoiced) console.log(`                  ${server.url}/sandbox/admin/orders/${uninvoiced.id}?shop=${SHOP}  (${uninvoiced.name}: no invoice yet; More actions → Generate invoice)`);
  console.log(`  Order list:     ${server.url}/sandbox/admin/orders?shop=${SHOP}  (select orders, then Generate invoices; progress on the app's Invoices page)`);
  const asBuyer = (customer: number, lang: string) => `shop=${SHOP}&customer=${customer}&lang=${lang}`;
  console.log(`  Customer account (signed in as Mette, a private buyer, in Danish):`);
  console.log(`                  ${server.url}/sandbox/account/orders/${account.mette.order}?${asBuyer(account.mette.id, "da")}  (Download invoice on the order, the credit note under it)`);
  console.log(`                  ${server.url}/sandbox/account/invoices?${asBuyer(account.mette.id, "da")}  (her Invoices page)`);
  console.log(`  B2B colleague:  ${server.url}/sandbox/account/invoices?${asBuyer(account.karin.id, "en")}  (Karin: Nordic Cafés' Aarhus roastery, with an invoice issued in e-conomic)`);
  console.log(`  Shopify:        ${simulatorUrl} (control API: README, "Testing"; shops ${shops.join(", ")})`);
  console.log(`  e-conomic:      ${economicUrl}/_control/state?agreement=demo-agreement`);
  console.log(`  Visma:          ${vismaUrl}/_control/state?company=${company.id}`);
  console.log(`  InvoicExpress:  ${invoicexpressUrl}/_control/state?account=${IX_ACCOUNT}`);
  console.log(`  Walley:         ${collectorUrl}/_control/state  (SOAP service ${collector.endpoint}; order page of a part-activated order:`);
  console.log(`                  ${server.url}/sandbox/admin/orders/${walleyPartOrder}?shop=${WALLEY_SHOP})`);
  console.log(`  Intact iQ:      ${intactUrl}/_control/state  (SOAP service ${intact.endpoint}; Nordic Bakeries' Invoices page, as Hannah:`);
  console.log(`                  ${server.url}/sandbox/account/invoices?shop=${INTACT_SHOP}&customer=${intactBuyers.hannah.id}&lang=en)`);
  console.log(`  SMTP sink:      ${smtpUrl} (the e-mails it caught are listed above)`);
  console.log(`  Send another webhook: curl -X POST ${simulatorUrl}/_control/webhooks -H 'content-type: application/json' \\`);
  console.log(`      -d '{"shop":"${SHOP}","topic":"orders/paid","orderId":${firstOrder.id}}'`);
  console.log("  Press Ctrl+C to stop.");
  const stop = async () => {
    await server.close();
    await simulator.close();
    await economic.close();
    await visma.close();
    await invoicexpress.close();
    await collector.close();
    await intact.close();
    await smtp.close();
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
