// A bookkeeper issuing an invoice directly in the accounting system, as its web UI would, through the system's
// own API (the simulator's): for the customer-account Invoices page, which also shows invoices the app did not
// make. Used by the tests and the sandbox demo.

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

export type IssuedInvoice = {
  /** YYYY-MM-DD */
  date: string;
  /** Net, in the account's currency; a credit note is issued for the same amount. */
  amount: number;
  credit?: boolean;
  text: string;
};

/** A booked e-conomic invoice (a draft, then booked) for the customer, 14 days' credit, one line of `productNumber`. */
export async function issueInEconomic(
  economicUrl: string,
  tokens: { appSecretToken: string; agreementGrantToken: string },
  input: IssuedInvoice & { customerNumber: number; currency: string; productNumber: string },
): Promise<string> {
  const headers = { "X-AppSecretToken": tokens.appSecretToken, "X-AgreementGrantToken": tokens.agreementGrantToken };
  const draft = await post(`${economicUrl}/invoices/drafts`, headers, {
    date: input.date,
    dueDate: new Date(Date.parse(input.date) + 14 * 86_400_000).toISOString().slice(0, 10),
    currency: input.currency,
    paymentTerms: { paymentTermsNumber: 1 },
    customer: { customerNumber: input.customerNumber },
    recipient: { name: input.text, vatZone: { vatZoneNumber: 1 } },
    layout: { layoutNumber: 19 },
    lines: [{ product: { productNumber: input.productNumber }, description: input.text, quantity: 1, unitNetPrice: input.credit ? -input.amount : input.amount }],
  });
  const booked = await post(`${economicUrl}/invoices/booked`, headers, { draftInvoice: { draftInvoiceNumber: draft.draftInvoiceNumber } });
  return String(booked.bookedInvoiceNumber);
}

/** A Visma customer invoice (a draft, converted, dated as given) for the customer, one row of the article. */
export async function issueInVisma(vismaUrl: string, accessToken: string, input: IssuedInvoice & { customerId: string; articleId: string }): Promise<string> {
  const headers = { Authorization: `Bearer ${accessToken}` };
  const draft = await post(`${vismaUrl}/v2/customerinvoicedrafts`, headers, {
    CustomerId: input.customerId,
    InvoiceDate: input.date,
    IsCreditInvoice: input.credit === true,
    RotReducedInvoicingType: 0,
    EuThirdParty: false,
    Rows: [
      { IsTextRow: true, ReversedConstructionServicesVatFree: false, Text: input.text },
      { IsTextRow: false, ReversedConstructionServicesVatFree: false, ArticleId: input.articleId, Quantity: 1, UnitPrice: input.amount, IsWorkCost: false },
    ],
  });
  const invoice = await post(`${vismaUrl}/v2/customerinvoicedrafts/${String(draft.Id)}/convert?overrideCompanyKeepOriginalDraftDate=true&keepOriginalDraftDate=true`, headers, {});
  return String(invoice.InvoiceNumber);
}
