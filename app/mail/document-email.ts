// The e-mail of one document to its buyer, composed from the shop's template: no I/O, so that what a
// buyer reads can be tested on its own.
import type { MailSettings } from "./mail-settings";
import { parseMailbox } from "./mail-settings";
import type { OutgoingMail } from "./mailer.server";
import { renderTemplate, type Placeholder } from "./template";

export type DocumentForEmail = {
  shopDomain: string;
  number: string;
  orderId: string;
  orderName: string | null;
  dueDate: Date | null;
  createdAt: Date;
  buyerName: string | null;
};

export function templateValues(document: DocumentForEmail, settings: Pick<MailSettings, "from">): Record<Placeholder, string> {
  return {
    invoice_number: document.number,
    order_name: document.orderName ?? document.orderId,
    // Dates as ISO 8601, the one form every buyer's locale reads the same way. A document without terms
    // is due when issued.
    due_date: isoDate(document.dueDate ?? document.createdAt),
    customer_name: document.buyerName?.trim() || "customer",
    shop_name: shopName(document.shopDomain, settings.from),
  };
}

/** The shop as the buyer knows it: the name on the shop's own sender, else its Shopify handle. */
export function shopName(shopDomain: string, from: string | null): string {
  const name = from ? parseMailbox(from)?.name.trim() : "";
  return name || shopDomain.replace(/\.myshopify\.com$/, "");
}

/** "Invoice-10001.pdf"; characters a mail client or file system may mangle (InvoicExpress's "FT 2026/12") become "-". */
export function attachmentName(invoiceNumber: string): string {
  return `Invoice-${invoiceNumber.trim().replace(/[^A-Za-z0-9._-]+/g, "-")}.pdf`;
}

export function composeDocumentEmail(input: {
  document: DocumentForEmail;
  settings: MailSettings;
  from: string;
  to: string;
  pdf: Buffer;
  /** The UBL e-invoice, attached beside the PDF where the merchant asks for it. */
  einvoice?: Buffer | null;
  messageId: string;
}): OutgoingMail {
  const values = templateValues(input.document, input.settings);
  return {
    from: input.from,
    to: input.to,
    ...(input.settings.bcc ? { bcc: input.settings.bcc } : {}),
    ...(input.settings.replyTo ? { replyTo: input.settings.replyTo } : {}),
    // A subject is one line: a line break in the template would end the header early.
    subject: renderTemplate(input.settings.template.subject, values).replace(/\s*[\r\n]+\s*/g, " ").trim(),
    text: renderTemplate(input.settings.template.body, values),
    messageId: input.messageId,
    attachments: [
      { filename: attachmentName(input.document.number), content: input.pdf, contentType: "application/pdf" },
      ...(input.einvoice ? [{ filename: attachmentName(input.document.number).replace(/\.pdf$/, ".xml"), content: input.einvoice, contentType: "application/xml" }] : []),
    ],
  };
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
