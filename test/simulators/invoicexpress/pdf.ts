// A real, small PDF of an InvoicExpress document, made with pdf-lib: the sequence number, the client,
// the items and the totals, so that a test can load it and see it is the right document.
import { PDFDocument, StandardFonts } from "pdf-lib";

type Row = Record<string, unknown>;

const TITLES: Record<string, string> = {
  Invoice: "Fatura",
  InvoiceReceipt: "Fatura-Recibo",
  SimplifiedInvoice: "Fatura Simplificada",
  CreditNote: "Nota de Credito",
  DebitNote: "Nota de Debito",
};

export async function documentPdf(document: Row, options: { accountName: string; secondCopy: boolean }): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const title = `${TITLES[String(document.type)] ?? String(document.type)} ${String(document.sequence_number)}`;
  pdf.setTitle(title);
  pdf.setProducer("InvoicExpress simulator");
  pdf.setCreator(options.accountName);
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  // Helvetica (WinAnsi) draws Latin-1; anything else becomes "?" (Portuguese accents survive).
  const ascii = (text: unknown) => String(text ?? "").replace(/[^\x20-\x7e\u00a0-\u00ff]/g, "?");
  let y = 790;
  const write = (text: string, size = 11) => {
    page.drawText(ascii(text), { x: 50, y, size, font });
    y -= size + 8;
  };
  write(title, 20);
  write(options.secondCopy ? "Segunda via" : "Original");
  if (document.status === "canceled") write("ANULADO / CANCELED", 14);
  write(`ATCUD ${String(document.atcud ?? "")}`);
  write(`Data ${String(document.date)}   Vencimento ${String(document.due_date)}   Moeda ${String(document.currency)}`);
  const client = (document.client ?? {}) as Row;
  write(`Cliente ${String(client.name ?? "")}`);
  if (document.reference) write(`Referencia ${String(document.reference)}`);
  for (const item of (document.items as Row[] | undefined) ?? []) {
    const tax = (item.tax ?? {}) as Row;
    write(
      `${String(item.quantity)} x ${String(item.name)} ${String(item.description ?? "")}  ${String(item.unit_price)}  ${String(tax.name ?? "")}  = ${String(item.total)}`,
      10,
    );
  }
  if (document.tax_exemption) write(`Isencao ${String(document.tax_exemption)}`, 10);
  write(`Soma ${String(document.sum)}   Desconto ${String(document.discount)}   Sem impostos ${String(document.before_taxes)}`, 12);
  write(`IVA ${String(document.taxes)}   Total ${String(document.total)}`, 12);
  return pdf.save();
}
