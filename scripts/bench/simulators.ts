// The simulators a benchmark talks to, in a process of their own, so that what they spend is not counted as
// the app's: Shopify's Admin API and e-conomic, with no added latency. It prints their addresses as one JSON
// line and serves until stdin closes (its parent went away). Driven over their control APIs, and stdin.
import readline from "node:readline";
import { EconomicSimulator } from "../../test/simulators/economic/server";
import { ShopifyAdminSimulator } from "../../test/simulators/shopify-admin/server";

const shopify = new ShopifyAdminSimulator();
const economic = new EconomicSimulator();
await Promise.all([shopify.start(), economic.start()]);
console.log(JSON.stringify({ shopify: shopify.url, economic: economic.url }));
// One command per line on stdin: {"deliver": {shop, topic, orderIds, parallel}} makes the Shopify simulator
// send those webhooks from here (so their sending costs the app's process nothing); the answer is one line.
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const { deliver } = JSON.parse(line) as { deliver: { shop: string; topic: string; orderIds: number[]; parallel: number } };
  let next = 0;
  const statuses: Record<string, number> = {};
  void Promise.all(
    Array.from({ length: deliver.parallel }, async () => {
      while (next < deliver.orderIds.length) {
        const orderId = deliver.orderIds[next++];
        for (const result of await shopify.sendWebhook({ shop: deliver.shop, topic: deliver.topic, orderId })) statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      }
    }),
  ).then(() => console.log(JSON.stringify({ delivered: statuses })));
});
lines.on("close", () => void Promise.all([shopify.close(), economic.close()]).finally(() => process.exit(0)));
