// A real PDF of a booked customer invoice, as the file behind GET /v2/customerinvoices/{id}/pdf's Url.
import { PDFDocument, StandardFonts } from "pdf-lib";

type Row = Record<string, unknown>;

// Helvetica in pdf-lib writes WinAnsi: Latin-1 (å ä ö é) survives, anything else becomes "?".
const printable = (text: unknown) => String(text ?? "").replace(/[^\x20-\x7e\u00a0-\u00ff]/g, "?");
const amount = (value: unknown) => Number(value ?? 0).toFixed(2);
const day = (value: unknown) => String(value ?? "").slice(0, 10);

export async function invoicePdf(invoice: Row, companyName: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Invoice ${String(invoice.InvoiceNumber)}`);
  pdf.setAuthor(printable(companyName));
  pdf.setSubject(printable(invoice.InvoiceCustomerName));
  pdf.setProducer("Visma eAccounting simulator");
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  let y = 790;
  const write = (text: string, size = 11) => {
    page.drawText(printable(text), { x: 50, y, size, font });
    y -= size + 8;
  };
  write(companyName, 14);
  write(`Invoice ${String(invoice.InvoiceNumber)}`, 20);
  write(`Invoice date ${day(invoice.InvoiceDate)}   Due date ${day(invoice.DueDate)}   Currency ${String(invoice.CurrencyCode)}`);
  write(`Customer ${String(invoice.InvoiceCustomerName ?? "")} (${String(invoice.CustomerNumber ?? "")})`);
  if (invoice.YourReference) write(`Your reference ${String(invoice.YourReference)}`);
  if (invoice.OurReference) write(`Our reference ${String(invoice.OurReference)}`);
  y -= 8;
  for (const row of (invoice.Rows as Row[] | undefined) ?? []) {
    if (row.IsTextRow) write(String(row.Text ?? ""), 10);
    else {
      const discount = Number(row.DiscountPercentage ?? 0) ? `  -${(Number(row.DiscountPercentage) * 100).toFixed(2)}%` : "";
      write(
        `${String(row.ArticleNumber ?? "")}  ${String(row.Text ?? "")}  ${String(row.Quantity)} x ${amount(row.UnitPrice)}${discount}  = ${amount(row.AmountNoVat)} excl. VAT (${(Number(row.PercentVat ?? 0) * 100).toFixed(0)}% VAT)`,
        10,
      );
    }
  }
  y -= 8;
  for (const vat of (invoice.VatSpecification as Row[] | undefined) ?? []) {
    write(`VAT ${(Number(vat.VatPercent) * 100).toFixed(0)}% on ${amount(vat.AmountInvoiceCurrency)}: ${amount(vat.VatAmountInvoiceCurrency)}`, 10);
  }
  write(`VAT ${amount(invoice.TotalVatAmountInvoiceCurrency)}`, 12);
  write(`Total ${amount(invoice.TotalAmountInvoiceCurrency)} ${String(invoice.CurrencyCode)}`, 14);
  return pdf.save();
}
