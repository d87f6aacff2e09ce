import { describe, expect, it } from "vitest";
import { mailTemplateSchema, readMailSettings } from "../../app/mail/mail-settings";
import { DEFAULT_TEMPLATE } from "../../app/mail/template";

const settingsJson = (mail: unknown) => JSON.stringify({ rules: { trigger: "paid" }, mail });

describe("the shop's e-mail settings", () => {
  it("falls back to sensible defaults when the shop has set nothing", () => {
    // GIVEN no settings, empty settings, or settings that are not JSON
    // WHEN they are read
    // THEN the app's sender is used, no copy is made, nothing goes out on booking, and the default template applies
    for (const json of [null, "{}", "not json", settingsJson(null)]) {
      expect(readMailSettings(json)).toEqual({ from: null, replyTo: null, bcc: null, sendOnBooking: false, template: DEFAULT_TEMPLATE });
    }
  });

  it("reads the sender, reply address, blind copy, booking switch and template", () => {
    // GIVEN a shop that set everything
    const template = { subject: "Fatura {{invoice_number}}", body: "Olá {{customer_name}}" };
    const json = settingsJson({ from: "Loja da Ana <faturas@loja.pt>", replyTo: "ola@loja.pt", bcc: "arquivo@loja.pt", sendOnBooking: true, template });

    // WHEN it is read
    // THEN each value is kept
    expect(readMailSettings(json)).toEqual({ from: "Loja da Ana <faturas@loja.pt>", replyTo: "ola@loja.pt", bcc: "arquivo@loja.pt", sendOnBooking: true, template });
  });

  it("drops only the invalid value, keeping the rest", () => {
    // GIVEN a mistyped BCC, a list where one address belongs, a template with an unknown placeholder
    const json = settingsJson({
      from: "faturas@loja.pt",
      bcc: "arquivo at loja",
      replyTo: "a@loja.pt, b@loja.pt",
      sendOnBooking: "yes",
      template: { subject: "Invoice {{invoice_no}}", body: "Hi" },
    });

    // WHEN it is read
    const settings = readMailSettings(json);

    // THEN the sender survives and each bad value has its default
    expect(settings).toEqual({ from: "faturas@loja.pt", replyTo: null, bcc: null, sendOnBooking: false, template: DEFAULT_TEMPLATE });
  });

  it("refuses a template with an unknown placeholder when it is saved, naming it", () => {
    // GIVEN a template with a typo in a placeholder
    const result = mailTemplateSchema.safeParse({ subject: "Invoice {{invoice_no}}", body: "Dear {{customer_name}}, {{shop}}" });

    // THEN saving it fails with the unknown names, per field
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["subject", "unknown placeholder(s): {{invoice_no}}"], ["body", "unknown placeholder(s): {{shop}}"]]);
    expect(mailTemplateSchema.safeParse(DEFAULT_TEMPLATE).success).toBe(true);
  });
});
