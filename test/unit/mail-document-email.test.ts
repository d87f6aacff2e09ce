import { describe, expect, it } from "vitest";
import { attachmentName, composeDocumentEmail, shopName, type DocumentForEmail } from "../../app/mail/document-email";
import type { MailSettings } from "../../app/mail/mail-settings";
import { DEFAULT_TEMPLATE } from "../../app/mail/template";

const documentOf = (overrides: Partial<DocumentForEmail> = {}): DocumentForEmail => ({
  shopDomain: "loja-da-ana.myshopify.com",
  number: "10001",
  orderId: "820982911946154508",
  orderName: "#1001",
  dueDate: new Date("2026-12-21T00:00:00Z"),
  createdAt: new Date("2026-11-21T10:00:00Z"),
  buyerName: "Ana Silva",
  ...overrides,
});
const settingsOf = (overrides: Partial<MailSettings> = {}): MailSettings => ({
  from: null,
  replyTo: null,
  bcc: null,
  sendOnBooking: true,
  template: DEFAULT_TEMPLATE,
  ...overrides,
});
const compose = (document = documentOf(), settings = settingsOf()) =>
  composeDocumentEmail({ document, settings, from: "invoices@app.test", to: "ana@example.pt", pdf: Buffer.from("%PDF-1.7"), messageId: "<m@app.test>" });

describe("the invoice e-mail", () => {
  it("fills every placeholder of the default template and attaches the PDF", () => {
    // GIVEN a booked invoice and the default template
    // WHEN the e-mail is composed
    const mail = compose();

    // THEN the buyer reads the number, the order, the due date, their name and the shop
    expect(mail.subject).toBe("Invoice 10001 for your order #1001");
    expect(mail.text).toBe(
      "Dear Ana Silva,\n\nThank you for your order #1001. Your invoice 10001 is attached; it is due on 2026-12-21.\n\nKind regards,\nloja-da-ana",
    );
    expect(mail.attachments).toEqual([{ filename: "Invoice-10001.pdf", content: Buffer.from("%PDF-1.7"), contentType: "application/pdf" }]);
    expect(mail).not.toHaveProperty("bcc");
    expect(mail).not.toHaveProperty("replyTo");
  });

  it("adds the shop's blind copy and reply address, and names the shop after its own sender", () => {
    // GIVEN a shop with its own sender name, a reply address and a blind copy
    const settings = settingsOf({ from: "Loja da Ana <faturas@loja.pt>", replyTo: "ola@loja.pt", bcc: "arquivo@loja.pt" });

    // WHEN the e-mail is composed
    const mail = compose(documentOf(), settings);

    // THEN they are on the message
    expect(mail).toMatchObject({ bcc: "arquivo@loja.pt", replyTo: "ola@loja.pt" });
    expect(mail.text.endsWith("Kind regards,\nLoja da Ana")).toBe(true);
  });

  it("reads well without a due date, a buyer name or an order name", () => {
    // GIVEN a document with none of them
    const mail = compose(documentOf({ dueDate: null, buyerName: "  ", orderName: null }));

    // THEN it is due on its issue date, the buyer is "customer", the order is its id
    expect(mail.text).toContain("Dear customer,");
    expect(mail.text).toContain("due on 2026-11-21");
    expect(mail.subject).toBe("Invoice 10001 for your order 820982911946154508");
  });

  it("keeps the subject on one line whatever the template says", () => {
    // GIVEN a template whose subject spans lines
    const mail = compose(documentOf(), settingsOf({ template: { subject: "Invoice\r\n{{invoice_number}}\n", body: "x" } }));

    // THEN the subject is one line
    expect(mail.subject).toBe("Invoice 10001");
  });

  it.each([
    ["10001", "Invoice-10001.pdf"],
    ["FT 2026/12", "Invoice-FT-2026-12.pdf"],
    ["RE-2026.7", "Invoice-RE-2026.7.pdf"],
  ])("names the attachment of invoice %s %s", (number, name) => {
    expect(attachmentName(number)).toBe(name);
  });

  it("names the shop by its handle when its sender has no name", () => {
    expect(shopName("loja-da-ana.myshopify.com", "faturas@loja.pt")).toBe("loja-da-ana");
    expect(shopName("loja-da-ana.myshopify.com", null)).toBe("loja-da-ana");
  });
});
