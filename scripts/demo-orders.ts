// The demo shops' orders. The e-conomic shop's: a spread of what real shops send (EU VAT included and
// excluded, discounts, shipping, a B2B company, other currencies, a gift card, a tip, a guest, unicode); the
// Visma eAccounting and InvoicExpress shops' below them.
import type { SeedCustomer, SeedOrder } from "../test/simulators/shopify-admin/orders";

export const DEMO_CUSTOMERS: Array<Omit<SeedCustomer, "id"> & { key: string }> = [
  { key: "mette", email: "mette.jensen@example.dk", firstName: "Mette", lastName: "Jensen", locale: "da" },
  { key: "joao", email: "joao.conceicao@example.pt", firstName: "João", lastName: "Conceição", locale: "pt-PT" },
  { key: "erik", email: "erik@example.se", firstName: "Erik", lastName: "Åström", locale: "sv" },
  { key: "hana", email: "hana@example.jp", firstName: "Hana", lastName: "Sato", locale: "ja" },
  { key: "buyer", email: "purchasing@nordic-cafes.example", firstName: "Lars", lastName: "Berg", locale: "en" },
];

const dk = { address1: "Nørregade 12", city: "København K", zip: "1165", country: "Denmark", countryCode: "DK" };
const pt = { address1: "Rua Augusta 100", city: "Lisboa", zip: "1100-053", country: "Portugal", countryCode: "PT" };

/**
 * An order and the webhooks sent for it, in order. `before` changes the order in Shopify just before a topic
 * is sent: a fulfilment of some units (by line index), or the cancellation.
 */
export type DemoOrder = {
  label: string;
  customer?: string;
  seed: SeedOrder;
  topics: string[];
  before?: Record<string, { fulfil?: Array<{ index: number; quantity: number }>; cancel?: boolean }>;
};

export const DEMO_ORDERS: DemoOrder[] = [
  {
    label: "Danish order, VAT included, paid",
    customer: "mette",
    seed: {
      taxesIncluded: true,
      billingAddress: { firstName: "Mette", lastName: "Jensen", ...dk },
      shippingAddress: { firstName: "Mette", lastName: "Jensen", ...dk },
      lines: [
        { sku: "MUG-BLUE", title: "Stoneware mug, blue", quantity: 2, price: "149.00", taxRate: "0.25", taxTitle: "Moms" },
        { sku: "TEA-EARL", title: "Earl Grey 250 g", quantity: 1, price: "89.95", taxRate: "0.25", taxTitle: "Moms" },
      ],
      shipping: [{ title: "PostNord", price: "49.00", taxRate: "0.25", taxTitle: "Moms" }],
      presentmentCurrency: "DKK",
      exchangeRate: "7.46",
    },
    topics: ["orders/create", "orders/paid"],
  },
  {
    label: "Portuguese order, VAT excluded, 10% line discount",
    customer: "joao",
    seed: {
      taxesIncluded: false,
      billingAddress: { firstName: "João", lastName: "Conceição", ...pt },
      lines: [
        { sku: "LAMP-01", title: "Candeeiro de mesa", quantity: 1, price: "80.00", taxRate: "0.23", taxTitle: "IVA23", discount: "8.00" },
        { sku: "BOOK-PT", title: "Livro de receitas", quantity: 2, price: "15.00", taxRate: "0.06", taxTitle: "IVA6" },
      ],
      shipping: [{ title: "CTT", price: "4.50", taxRate: "0.23", taxTitle: "IVA23" }],
    },
    topics: ["orders/paid"],
  },
  {
    label: "B2B order from a company location, on payment terms",
    customer: "buyer",
    seed: {
      taxesIncluded: false,
      financialStatus: "pending",
      gateways: ["Payment terms"],
      company: { id: 7001, name: "Nordic Cafés ApS", locationId: 7002, locationName: "Aarhus roastery", contactId: 7003 },
      billingAddress: { firstName: "Lars", lastName: "Berg", company: "Nordic Cafés ApS", address1: "Havnegade 3", city: "Aarhus", zip: "8000", country: "Denmark", countryCode: "DK" },
      lines: [{ sku: "BEANS-5KG", title: "Espresso beans 5 kg", quantity: 10, price: "420.00", taxRate: "0.25" }],
      shipping: [{ title: "Freight", price: "250.00", taxRate: "0.25" }],
      presentmentCurrency: "DKK",
      exchangeRate: "7.46",
      tags: ["wholesale"],
    },
    topics: ["orders/create"],
  },
  {
    label: "B2B reorder from the same company location, paid by card",
    customer: "buyer",
    seed: {
      taxesIncluded: false,
      financialStatus: "paid",
      company: { id: 7001, name: "Nordic Cafés ApS", locationId: 7002, locationName: "Aarhus roastery", contactId: 7003 },
      billingAddress: { firstName: "Lars", lastName: "Berg", company: "Nordic Cafés ApS", address1: "Havnegade 3", city: "Aarhus", zip: "8000", country: "Denmark", countryCode: "DK" },
      lines: [{ sku: "BEANS-1KG", title: "Espresso beans 1 kg", quantity: 6, price: "95.00", taxRate: "0.25" }],
      shipping: [{ title: "Freight", price: "120.00", taxRate: "0.25" }],
      tags: ["wholesale"],
    },
    topics: ["orders/paid"],
  },
  {
    label: "Japanese yen (no decimals)",
    customer: "hana",
    seed: { currency: "JPY", taxesIncluded: true, lines: [{ sku: "MATCHA", title: "抹茶 100 g", quantity: 3, price: "1980", taxRate: "0.08" }] },
    topics: ["orders/paid"],
  },
  {
    label: "Kuwaiti dinar presentment (3 decimals) on a euro shop",
    customer: "erik",
    seed: { presentmentCurrency: "KWD", exchangeRate: "0.331", lines: [{ sku: "SCARF", title: "Wool scarf", quantity: 1, price: "16.555" }] },
    topics: ["orders/paid"],
  },
  {
    label: "Gift card as payment, and a tip",
    customer: "erik",
    seed: {
      taxesIncluded: true,
      lines: [{ sku: "PLANT-S", title: "Small plant", quantity: 1, price: "30.00", taxRate: "0.25" }],
      tip: "3.00",
      giftCardPayment: "20.00",
      gateways: ["gift_card", "shopify_payments"],
    },
    topics: ["orders/paid"],
  },
  {
    label: "100% discount (free sample)",
    customer: "mette",
    seed: { taxesIncluded: true, lines: [{ sku: "SAMPLE", title: "Sample pack", quantity: 1, price: "25.00", taxRate: "0.25", discount: "25.00" }] },
    topics: ["orders/paid"],
  },
  {
    label: "Guest checkout without an e-mail, partially fulfilled",
    seed: {
      email: null,
      fulfillmentStatus: "partial",
      lines: [
        { sku: "CANDLE", title: "Candle", quantity: 2, price: "12.00", taxRate: "0.25" },
        { sku: null, title: "Custom engraving", quantity: 1, price: "5.00", taxRate: "0.25" },
      ],
    },
    topics: ["orders/paid", "orders/partially_fulfilled"],
  },
  {
    label: "Cancelled before payment",
    customer: "joao",
    seed: { financialStatus: "voided", cancelledAt: new Date().toISOString(), lines: [{ sku: "VASE", title: "Vase", quantity: 1, price: "45.00", taxRate: "0.23" }] },
    topics: ["orders/create", "orders/cancelled"],
  },
  {
    label: "Paid, then refunded one line",
    customer: "mette",
    seed: {
      taxesIncluded: true,
      lines: [
        { sku: "PLATE", title: "Plate", quantity: 4, price: "60.00", taxRate: "0.25" },
        { sku: "BOWL", title: "Bowl", quantity: 2, price: "45.00", taxRate: "0.25" },
      ],
    },
    topics: ["orders/paid", "refunds/create"],
  },
];

// The Visma eAccounting demo shop (SEK): Swedish orders with moms included at 25% and 12% (food), and a B2B
// company, which Visma invoices in net prices with the company as customer.
export const VISMA_CUSTOMERS: Array<Omit<SeedCustomer, "id"> & { key: string }> = [
  { key: "astrid", email: "astrid.lindqvist@example.se", firstName: "Astrid", lastName: "Lindqvist", locale: "sv" },
  { key: "bjorn", email: "bjorn.oberg@example.se", firstName: "Björn", lastName: "Öberg", locale: "sv" },
  { key: "inkop", email: "inkop@berg-bygg.example", firstName: "Sven", lastName: "Berg", locale: "sv" },
];

const se = { address1: "Drottninggatan 5", city: "Stockholm", zip: "111 51", country: "Sweden", countryCode: "SE" };

export const VISMA_ORDERS: DemoOrder[] = [
  {
    label: "Swedish order, moms included (25% and 12%), shipping",
    customer: "astrid",
    seed: {
      taxesIncluded: true,
      billingAddress: { firstName: "Astrid", lastName: "Lindqvist", ...se },
      shippingAddress: { firstName: "Astrid", lastName: "Lindqvist", ...se },
      lines: [
        { sku: "KOPP-BLA", title: "Kopp, blå", quantity: 2, price: "149.00", taxRate: "0.25", taxTitle: "Moms 25%" },
        { sku: "KAFFE-MORK", title: "Kaffe, mörkrost 500 g", quantity: 2, price: "89.90", taxRate: "0.12", taxTitle: "Moms 12%" },
      ],
      shipping: [{ title: "PostNord", price: "59.00", taxRate: "0.25", taxTitle: "Moms 25%" }],
    },
    topics: ["orders/create", "orders/paid"],
  },
  {
    label: "Groceries at 12%, a line discount",
    customer: "bjorn",
    seed: {
      taxesIncluded: true,
      billingAddress: { firstName: "Björn", lastName: "Öberg", address1: "Kungsgatan 44", city: "Göteborg", zip: "411 19", country: "Sweden", countryCode: "SE" },
      lines: [
        { sku: "BULLAR-6", title: "Kanelbullar, 6-pack", quantity: 3, price: "79.00", taxRate: "0.12", taxTitle: "Moms 12%", discount: "20.00" },
        { sku: "LINGON", title: "Lingonsylt 400 g", quantity: 1, price: "45.50", taxRate: "0.12", taxTitle: "Moms 12%" },
      ],
      shipping: [{ title: "Budbee", price: "39.00", taxRate: "0.25", taxTitle: "Moms 25%" }],
    },
    topics: ["orders/paid"],
  },
  {
    label: "B2B order from a company location (Berg Bygg AB)",
    customer: "inkop",
    seed: {
      taxesIncluded: true,
      company: { id: 8001, name: "Berg Bygg AB", locationId: 8002, locationName: "Malmö kontor", contactId: 8003 },
      billingAddress: { firstName: "Sven", lastName: "Berg", company: "Berg Bygg AB", address1: "Stortorget 9", city: "Malmö", zip: "211 22", country: "Sweden", countryCode: "SE" },
      lines: [
        { sku: "KAFFE-5KG", title: "Kaffebönor 5 kg", quantity: 4, price: "525.00", taxRate: "0.12", taxTitle: "Moms 12%" },
        { sku: "BRYGGARE", title: "Kaffebryggare", quantity: 1, price: "2490.00", taxRate: "0.25", taxTitle: "Moms 25%" },
      ],
      shipping: [{ title: "Frakt", price: "250.00", taxRate: "0.25", taxTitle: "Moms 25%" }],
      tags: ["wholesale"],
    },
    topics: ["orders/paid"],
  },
];

// The InvoicExpress demo shop (EUR): Portuguese orders with IVA included at 23% and 6%; InvoicExpress e-mails
// every invoice to the buyer.
export const IX_CUSTOMERS: Array<Omit<SeedCustomer, "id"> & { key: string }> = [
  { key: "ana", email: "ana.sousa@example.pt", firstName: "Ana", lastName: "Sousa", locale: "pt-PT" },
  { key: "rui", email: "rui.ferreira@example.pt", firstName: "Rui", lastName: "Ferreira", locale: "pt-PT" },
  { key: "ines", email: "ines.conceicao@example.pt", firstName: "Inês", lastName: "Conceição", locale: "pt-PT" },
];

export const IX_ORDERS: DemoOrder[] = [
  {
    label: "Portuguese order, IVA included (23% and 6%), shipping",
    customer: "ana",
    seed: {
      taxesIncluded: true,
      billingAddress: { firstName: "Ana", lastName: "Sousa", address1: "Rua Augusta 12", city: "Lisboa", zip: "1100-053", country: "Portugal", countryCode: "PT" },
      lines: [
        { sku: "AZULEJO", title: "Azulejo, azul", quantity: 3, price: "12.90", taxRate: "0.23", taxTitle: "IVA23" },
        { sku: "LIVRO-REC", title: "Livro de receitas", quantity: 1, price: "18.50", taxRate: "0.06", taxTitle: "IVA6" },
      ],
      shipping: [{ title: "CTT", price: "4.95", taxRate: "0.23", taxTitle: "IVA23" }],
    },
    topics: ["orders/create", "orders/paid"],
  },
  {
    label: "10% line discount",
    customer: "rui",
    seed: {
      taxesIncluded: true,
      billingAddress: { firstName: "Rui", lastName: "Ferreira", address1: "Rua de Santa Catarina 200", city: "Porto", zip: "4000-447", country: "Portugal", countryCode: "PT" },
      lines: [
        { sku: "CANDEEIRO", title: "Candeeiro de mesa", quantity: 1, price: "80.00", taxRate: "0.23", taxTitle: "IVA23", discount: "8.00" },
        { sku: "LAMPADA", title: "Lâmpada LED", quantity: 2, price: "6.50", taxRate: "0.23", taxTitle: "IVA23" },
      ],
      shipping: [{ title: "CTT", price: "4.95", taxRate: "0.23", taxTitle: "IVA23" }],
    },
    topics: ["orders/paid"],
  },
  {
    label: "Books and olive oil at 6%",
    customer: "ines",
    seed: {
      taxesIncluded: true,
      billingAddress: { firstName: "Inês", lastName: "Conceição", address1: "Largo do Paço 3", city: "Braga", zip: "4700-424", country: "Portugal", countryCode: "PT" },
      lines: [
        { sku: "LIVRO-POE", title: "Livro de poesia", quantity: 2, price: "14.90", taxRate: "0.06", taxTitle: "IVA6" },
        { sku: "AZEITE", title: "Azeite virgem extra 0,75 l", quantity: 1, price: "9.80", taxRate: "0.06", taxTitle: "IVA6" },
      ],
    },
    topics: ["orders/paid"],
  },
];

const malmo = { address1: "Storgatan 1", city: "Malmö", zip: "211 22", country: "Sweden", countryCode: "SE" };

export const WALLEY_CUSTOMERS: Array<Omit<SeedCustomer, "id"> & { key: string }> = [
  { key: "astrid", email: "astrid.lindgren@example.se", firstName: "Astrid", lastName: "Lindgren", locale: "sv-SE" },
  { key: "erik", email: "erik.johansson@example.se", firstName: "Erik", lastName: "Johansson", locale: "sv-SE" },
  { key: "sofia", email: "sofia.berg@example.se", firstName: "Sofia", lastName: "Berg", locale: "sv-SE" },
];

/** Walley's lifecycle, one order per step: activated, part-activated, cancelled before activation, credited. */
export const WALLEY_ORDERS: DemoOrder[] = [
  {
    label: "added on creation, activated when fulfilled",
    customer: "astrid",
    seed: {
      taxesIncluded: true,
      financialStatus: "pending",
      billingAddress: { firstName: "Astrid", lastName: "Lindgren", ...malmo },
      lines: [
        { sku: "KOPP", title: "Kopp, stengods", quantity: 3, price: "100.00", taxRate: "0.25", taxTitle: "Moms", discount: "10.00" },
        { sku: "FAT", title: "Fat", quantity: 1, price: "50.00", taxRate: "0.25", taxTitle: "Moms" },
      ],
      shipping: [{ title: "PostNord", price: "49.00", taxRate: "0.25", taxTitle: "Moms" }],
    },
    topics: ["orders/create", "orders/fulfilled"],
    before: { "orders/fulfilled": { fulfil: [{ index: 0, quantity: 3 }, { index: 1, quantity: 1 }] } },
  },
  {
    label: "partly shipped: the shipped units activated, the rest stays preliminary",
    customer: "erik",
    seed: {
      taxesIncluded: true,
      financialStatus: "pending",
      billingAddress: { firstName: "Erik", lastName: "Johansson", ...malmo },
      lines: [
        { sku: "KANNA", title: "Kanna", quantity: 2, price: "249.00", taxRate: "0.25", taxTitle: "Moms" },
        { sku: "BOK-TE", title: "Boken om te", quantity: 1, price: "199.00", taxRate: "0.06", taxTitle: "Moms" },
      ],
      shipping: [{ title: "PostNord", price: "49.00", taxRate: "0.25", taxTitle: "Moms" }],
    },
    topics: ["orders/create", "orders/partially_fulfilled"],
    before: { "orders/partially_fulfilled": { fulfil: [{ index: 0, quantity: 1 }] } },
  },
  {
    label: "cancelled before it shipped: the invoice cancelled in Walley",
    customer: "sofia",
    seed: { taxesIncluded: true, financialStatus: "pending", billingAddress: { firstName: "Sofia", lastName: "Berg", ...malmo }, lines: [{ sku: "FAT", title: "Fat", quantity: 4, price: "50.00", taxRate: "0.25", taxTitle: "Moms" }] },
    topics: ["orders/create", "orders/cancelled"],
    before: { "orders/cancelled": { cancel: true } },
  },
  {
    label: "fulfilled, then one unit refunded: credited by article",
    customer: "astrid",
    seed: { taxesIncluded: true, financialStatus: "pending", billingAddress: { firstName: "Astrid", lastName: "Lindgren", ...malmo }, lines: [{ sku: "KOPP", title: "Kopp, stengods", quantity: 2, price: "100.00", taxRate: "0.25", taxTitle: "Moms" }] },
    topics: ["orders/create", "orders/fulfilled", "refunds/create"],
    before: { "orders/fulfilled": { fulfil: [{ index: 0, quantity: 2 }] } },
  },
];

// The Intact iQ shop: a B2B wholesaler whose ERP is Intact. Nordic Bakeries Ltd (account NB1001 in Intact, the
// company's external id in Shopify) orders through its Leeds depot; two buyers there share the company's
// Invoices page, which also holds the invoices the bookkeeper issued in Intact directly.
const leeds = { company: "Nordic Bakeries Ltd", address1: "12 Kirkgate", city: "Leeds", zip: "LS2 7DJ", country: "United Kingdom", countryCode: "GB" };
export const INTACT_COMPANY = { id: 9101, name: "Nordic Bakeries Ltd", externalId: "NB1001", locationId: 9102, locationName: "Leeds depot" };

export const INTACT_CUSTOMERS: Array<Omit<SeedCustomer, "id"> & { key: string }> = [
  { key: "hannah", email: "hannah.price@nordic-bakeries.example", firstName: "Hannah", lastName: "Price", locale: "en-GB" },
  { key: "tom", email: "tom.reid@nordic-bakeries.example", firstName: "Tom", lastName: "Reid", locale: "en-GB" },
];

/** Orders pushed to Intact as sales orders (VAT excluded, as wholesale prices are). */
export const INTACT_ORDERS: DemoOrder[] = [
  {
    label: "B2B order, pushed as a sales order, which Intact invoices",
    customer: "hannah",
    seed: {
      taxesIncluded: false,
      financialStatus: "pending",
      company: { ...INTACT_COMPANY, contactId: 9103 },
      billingAddress: { firstName: "Hannah", lastName: "Price", ...leeds },
      lines: [
        { sku: "FLOUR-25", title: "Stoneground flour 25 kg", quantity: 8, price: "18.40", taxRate: "0", taxTitle: "VAT" },
        { sku: "TIN-LOAF", title: "Loaf tin, 2 lb", quantity: 12, price: "6.95", taxRate: "0.2", taxTitle: "VAT", discount: "8.34" },
      ],
      shipping: [{ title: "Pallet delivery", price: "35.00", taxRate: "0.2", taxTitle: "VAT" }],
    },
    topics: ["orders/create"],
  },
  {
    label: "B2B reorder, pushed as a sales order (Shopify delivers it twice)",
    customer: "tom",
    seed: {
      taxesIncluded: false,
      financialStatus: "pending",
      company: { ...INTACT_COMPANY, contactId: 9104 },
      billingAddress: { firstName: "Tom", lastName: "Reid", ...leeds },
      lines: [{ sku: "PROOF-BASKET", title: "Proofing basket, cane", quantity: 5, price: "14.50", taxRate: "0.2", taxTitle: "VAT" }],
    },
    topics: ["orders/create", "orders/create"],
  },
];

const aarhus = { address1: "Åboulevarden 3", city: "Aarhus C", zip: "8000", country: "Denmark", countryCode: "DK" };
const berlin = { address1: "Hauptstraße 5", city: "Berlin", zip: "10115", country: "Germany", countryCode: "DE" };

export const OWN_CUSTOMERS: Array<Omit<SeedCustomer, "id"> & { key: string }> = [
  { key: "mette", email: "indkob@nordic-cafes.example", firstName: "Mette", lastName: "Holm", locale: "da" },
  { key: "jonas", email: "rechnung@roesterei-weber.example", firstName: "Jonas", lastName: "Weber", locale: "de" },
  { key: "sofie", email: "sofie@example.dk", firstName: "Sofie", lastName: "Lund", locale: "da" },
];

/** The shop's own invoices, each also an EN 16931 e-invoice (Factur-X PDF and UBL file), or said why not. */
export const OWN_ORDERS: DemoOrder[] = [
  {
    label: "Danish company, VAT excluded, a discount and shipping: Factur-X and UBL, VAT category S",
    customer: "mette",
    seed: {
      taxesIncluded: false,
      company: { id: 8101, name: "Nordic Cafés ApS", locationId: 8102, locationName: "Aarhus", vatId: "DK99887766" },
      billingAddress: { firstName: "Mette", lastName: "Holm", company: "Nordic Cafés ApS", ...aarhus },
      lines: [
        { sku: "BEANS-1KG", title: "Kaffebønner 1 kg", quantity: 4, price: "189.00", taxRate: "0.25", taxTitle: "Moms", discount: "20.00" },
        { sku: "FILTER-100", title: "Filtre, 100 stk.", quantity: 2, price: "24.50", taxRate: "0.25", taxTitle: "Moms" },
      ],
      shipping: [{ title: "GLS", price: "49.00", taxRate: "0.25", taxTitle: "Moms" }],
    },
    topics: ["orders/paid"],
  },
  {
    label: "German company with a VAT number, goods shipped without VAT: VAT category K (intra-community supply)",
    customer: "jonas",
    seed: {
      taxesIncluded: false,
      company: { id: 8201, name: "Rösterei Weber GmbH", locationId: 8202, locationName: "Berlin", vatId: "DE123456789" },
      billingAddress: { firstName: "Jonas", lastName: "Weber", company: "Rösterei Weber GmbH", ...berlin },
      lines: [{ sku: "GRINDER-PRO", title: "Kaffemølle Pro", quantity: 1, price: "2499.00", taxRate: "0", taxTitle: "Moms" }],
      shipping: [{ title: "DHL", price: "120.00", taxRate: "0", taxTitle: "Moms" }],
    },
    topics: ["orders/paid"],
  },
  {
    label: "Private Danish buyer, VAT included: Factur-X and UBL",
    customer: "sofie",
    seed: {
      taxesIncluded: true,
      billingAddress: { firstName: "Sofie", lastName: "Lund", address1: "Nørregade 12", city: "København K", zip: "1165", country: "Denmark", countryCode: "DK" },
      lines: [{ sku: "MUG-BLUE", title: "Krus, blå", quantity: 2, price: "149.00", taxRate: "0.25", taxTitle: "Moms" }],
    },
    topics: ["orders/paid"],
  },
  {
    label: "Guest without a billing address (a gift card's worth of coffee): the PDF invoice, and no e-invoice, said why",
    seed: {
      taxesIncluded: true,
      email: "gaest@example.dk",
      lines: [{ sku: "TASTING", title: "Smagning, 2 personer", quantity: 1, price: "450.00", taxRate: "0.25", taxTitle: "Moms" }],
    },
    topics: ["orders/paid"],
  },
];
