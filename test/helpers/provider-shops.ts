// Shops ready to book on Visma eAccounting or InvoicExpress: past their verification period, booking
// confirmed, connected to an account in the provider's simulator with the credentials encrypted as the
// app stores them.
import type { Db } from "../../app/db.server";
import { encryptSecret, parseKey } from "../../app/lib/crypto.server";
import { env } from "../../app/lib/env.server";

async function seedShop(
  db: Db,
  input: { shopDomain: string; providerType: string; credentials: unknown; settings: Record<string, unknown>; shopSettings?: Record<string, unknown> },
) {
  await db.shop.create({
    data: {
      shopDomain: input.shopDomain,
      verificationStartedAt: new Date("2026-01-01T00:00:00Z"),
      settings: JSON.stringify({ rules: { bookingConfirmedAt: "2026-02-01T00:00:00Z" }, ...input.shopSettings }),
    },
  });
  return db.connection.create({
    data: {
      shopDomain: input.shopDomain,
      providerType: input.providerType,
      encryptedCredentials: encryptSecret(JSON.stringify(input.credentials), parseKey(env().ENCRYPTION_KEY)),
      settings: JSON.stringify(input.settings),
    },
  });
}

export function seedInvoicExpressShop(db: Db, input: { shopDomain: string; accountUrl: string; accountName: string; apiKey: string; settings?: Record<string, unknown> }) {
  return seedShop(db, {
    shopDomain: input.shopDomain,
    providerType: "invoicexpress",
    credentials: { accountName: input.accountName, apiKey: input.apiKey },
    settings: {
      baseUrl: input.accountUrl,
      taxNames: { "0.23": "IVA23", "0.06": "IVA6", "0.13": "IVA13", "0": "IVA0" },
      exemptionReason: "M16",
      dueDays: 30,
      ...input.settings,
    },
    // InvoicExpress e-mails each invoice when it is booked.
    shopSettings: { mail: { sendOnBooking: true } },
  });
}

export function seedVismaShop(
  db: Db,
  input: { shopDomain: string; vismaUrl: string; tokens: { access_token: string; refresh_token: string; expires_in: number }; settings: Record<string, unknown> },
) {
  return seedShop(db, {
    shopDomain: input.shopDomain,
    providerType: "visma",
    credentials: {
      accessToken: input.tokens.access_token,
      refreshToken: input.tokens.refresh_token,
      expiresAt: new Date(Date.now() + input.tokens.expires_in * 1000).toISOString(),
    },
    settings: { baseUrl: input.vismaUrl, identityUrl: input.vismaUrl, missingProducts: "create", ...input.settings },
  });
}

/**
 * A shop on Walley (Collector): a store per country and kind of buyer in the simulator, invoices added when
 * the order is created (preliminary) and activated when it is fulfilled.
 */
export function seedCollectorShop(
  db: Db,
  input: { shopDomain: string; endpoint: string; username: string; password: string; stores: Array<{ countryCode: string; buyers: "b2c" | "b2b"; storeId: number }>; shopSettings?: Record<string, unknown> },
) {
  return seedShop(db, {
    shopDomain: input.shopDomain,
    providerType: "collector",
    credentials: { username: input.username, password: input.password },
    settings: { endpoint: input.endpoint, stores: input.stores },
    shopSettings: { rules: { trigger: "created", bookingConfirmedAt: "2026-02-01T00:00:00Z" }, mail: { sendOnBooking: true }, ...input.shopSettings },
  });
}

/**
 * A shop on Intact iQ: its WebShop service in the simulator, accounts named by the mapping (default: the
 * company's external id), and sales orders pushed on order creation where `salesOrders` is on.
 */
export function seedIntactShop(
  db: Db,
  input: { shopDomain: string; endpoint: string; username: string; password: string; settings?: Record<string, unknown>; shopSettings?: Record<string, unknown> },
) {
  return seedShop(db, {
    shopDomain: input.shopDomain,
    providerType: "intact",
    credentials: { username: input.username, password: input.password },
    settings: { wsdlUrl: `${input.endpoint}?wsdl`, endpoint: input.endpoint, ...input.settings },
    shopSettings: { rules: { trigger: "created", bookingConfirmedAt: "2026-02-01T00:00:00Z" }, ...input.shopSettings },
  });
}

/** A shop that issues its own invoices (provider `shop`): no credentials, the seller and numbering in the settings. */
export function seedOwnInvoiceShop(db: Db, input: { shopDomain: string; settings: Record<string, unknown>; shopSettings?: Record<string, unknown> }) {
  return seedShop(db, { shopDomain: input.shopDomain, providerType: "shop", credentials: {}, settings: input.settings, shopSettings: input.shopSettings });
}
