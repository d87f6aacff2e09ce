// The accounting systems a merchant can connect from the admin, as the pages show them (client-safe).
export const CONNECTABLE = ["economic", "visma", "invoicexpress", "collector", "intact", "shop"] as const;
export type Connectable = (typeof CONNECTABLE)[number];

export type CredentialField = { key: string; label: string; secret: boolean; help: string };

export const SYSTEMS: Record<Connectable, { name: string; description: string }> = {
  economic: { name: "e-conomic", description: "Invoice drafts or booked invoices in your e-conomic agreement. You approve Invoice Bridge in e-conomic." },
  visma: { name: "Visma eAccounting", description: "Invoice drafts, invoices or orders in Visma eAccounting. You sign in at Visma." },
  invoicexpress: { name: "InvoicExpress", description: "Certified Portuguese invoices, finalized and e-mailed by InvoicExpress. You connect with your account name and API key." },
  collector: {
    name: "Walley (Collector)",
    description: "Walley invoices your buyers itself: an invoice is added when the order is placed and activated as it ships. You connect with your invoice service username, password and store ids.",
  },
  intact: {
    name: "Intact iQ",
    description:
      "Your B2B buyers see every invoice of their company in Intact on their account's Invoices page, and orders can go to Intact as sales orders. You connect with your WebShop service's address, user and password.",
  },
  shop: { name: "The shop's own PDF invoices", description: "No accounting system: the app numbers and prints the invoices itself, with your details." },
};
