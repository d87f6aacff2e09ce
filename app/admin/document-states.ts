// A document's state as the merchant reads it, shared by the Invoices page and its loader.
export const DOCUMENT_STATES = { claimed: "Starting", submitting: "Answer lost: check", created: "Draft", finalized: "Booked", cancelled: "Cancelled" } as const;
