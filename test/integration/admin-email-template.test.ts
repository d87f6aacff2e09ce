// The e-mail template page's loader and action against a real database: the preview's values from a real
// recent invoice, saving without losing the other settings, and refusals in words.
import { beforeEach, expect, it } from "vitest";
import { describeWithDb, resetDb, testDb } from "../helpers/db";
import { loadEmailTemplate, saveEmailTemplate } from "../../app/admin/email-template.server";
import { readShopSettings } from "../../app/invoicing/settings";

const SHOP = "mailpage.myshopify.com";

describeWithDb("the e-mail template page's loader and action", () => {
  beforeEach(() => resetDb());

  it("fills the preview with the latest booked invoice, and saves the template beside the rules", async () => {
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: SHOP, settings: JSON.stringify({ rules: { trigger: "fulfilled" } }) } });
    await db.document.create({ data: { shopDomain: SHOP, orderId: "7", orderName: "#1007", kind: "invoice", source: "order", idempotencyKey: "k7", providerType: "economic", state: "finalized", number: "10007", buyerName: "Ole Dam" } });
    const loaded = await loadEmailTemplate(db, SHOP);
    expect(loaded.values).toMatchObject({ invoice_number: "10007", order_name: "#1007", customer_name: "Ole Dam", shop_name: "mailpage" });
    await saveEmailTemplate(db, SHOP, { from: "Mail Page <hi@mailpage.example>", replyTo: "", bcc: "", sendOnBooking: true, template: { subject: "Invoice {{invoice_number}}", body: "Hi {{customer_name}}" } });
    const settings = JSON.parse((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings);
    expect(settings.mail).toEqual({ from: "Mail Page <hi@mailpage.example>", sendOnBooking: true, template: { subject: "Invoice {{invoice_number}}", body: "Hi {{customer_name}}" } });
    expect(readShopSettings(JSON.stringify(settings)).rules.trigger).toBe("fulfilled");
  });

  it("refuses an unknown placeholder and a bad address, in words, and saves nothing", async () => {
    const db = await testDb();
    await db.shop.create({ data: { shopDomain: SHOP } });
    const error = await saveEmailTemplate(db, SHOP, { bcc: "books at shop", sendOnBooking: false, template: { subject: "{{invoice_no}}", body: "x" } }).catch((e: unknown) => e);
    const message = (error as { merchantMessage: string }).merchantMessage;
    expect(message).toMatch(/^The e-mail settings were not saved: /);
    expect(message).toContain("template.subject: unknown placeholder(s): {{invoice_no}}");
    expect(message).toContain("bcc: must be one e-mail address");
    expect((await db.shop.findUniqueOrThrow({ where: { shopDomain: SHOP } })).settings).toBe("{}");
  });
});
