// Personal data in what we store: finding a customer's traces and erasing them. Pure functions over
// parsed JSON, so that the rules can be read and tested without a database.

export const REDACTED = "[redacted]";

export type CustomerIdentity = {
  customerId?: string;
  email?: string;
  phone?: string;
  orderIds: Set<string>;
};

/** Objects that describe a person or a place: every string in them is personal, but for ids and codes. */
const PERSON_OBJECT_KEYS = new Set([
  "customer",
  "billing_address",
  "shipping_address",
  "default_address",
  "addresses",
  "client_details",
  "purchasing_entity",
  "contact",
]);
/** Fields that are personal wherever they appear. */
const PERSONAL_FIELDS = new Set([
  "email",
  "contact_email",
  "customer_email",
  "phone",
  "first_name",
  "last_name",
  "note",
  "browser_ip",
  "customer_locale",
]);
/** Inside a person object, these are identifiers or codes, not personal data. */
const KEEP_IN_PERSON = new Set([
  "id",
  "admin_graphql_api_id",
  "customer_id",
  "country_code",
  "province_code",
  "currency",
  "created_at",
  "updated_at",
  "state",
  "tax_exempt",
  "verified_email",
]);

/** Does a stored webhook payload belong to this customer (their order, their refund, their record)? */
export function payloadConcernsCustomer(payload: unknown, who: CustomerIdentity): boolean {
  if (!isRecord(payload)) return false;
  const orderId = idOf(payload.order_id) ?? idOf(payload.id);
  if (orderId && who.orderIds.has(orderId)) return true;
  const customer = isRecord(payload.customer) ? payload.customer : undefined;
  if (who.customerId && customer && idOf(customer.id) === who.customerId) return true;
  if (who.email) {
    const emails = [payload.email, payload.contact_email, customer?.email].filter(
      (value): value is string => typeof value === "string",
    );
    if (emails.some((email) => email.toLowerCase() === who.email)) return true;
  }
  return false;
}

/** The names, emails, phones and address lines in a payload: strings to erase elsewhere too. */
export function personalStrings(payload: unknown): Set<string> {
  const found = new Set<string>();
  walk(payload, false, (key, value, inPerson) => {
    if (typeof value !== "string" || value.trim().length < 3) return;
    if (PERSONAL_FIELDS.has(key) || (inPerson && !KEEP_IN_PERSON.has(key) && key !== "country" && key !== "province")) {
      found.add(value);
    }
  });
  return found;
}

/** A copy of the payload with the personal fields replaced, and the given strings erased anywhere. */
export function redactPayload(payload: unknown, extraStrings: Iterable<string> = []): unknown {
  const strings = [...extraStrings].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  const redact = (value: unknown, key: string, inPerson: boolean): unknown => {
    if (Array.isArray(value)) return value.map((item) => redact(item, key, inPerson));
    if (isRecord(value)) {
      const nowInPerson = inPerson || PERSON_OBJECT_KEYS.has(key);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, nowInPerson)]));
    }
    if (typeof value === "string") {
      if (PERSONAL_FIELDS.has(key)) return REDACTED;
      if (inPerson && !KEEP_IN_PERSON.has(key)) return REDACTED;
      return eraseStrings(value, strings);
    }
    return value;
  };
  return redact(payload, "", false);
}

/** Replaces every occurrence of the given strings (longest first, case-insensitive) in a text. */
export function eraseStrings(text: string, strings: readonly string[]): string {
  let result = text;
  for (const s of strings) {
    if (s.length < 3) continue;
    result = result.replace(new RegExp(escapeRegExp(s), "gi"), REDACTED);
  }
  return result;
}

function walk(value: unknown, inPerson: boolean, visit: (key: string, value: unknown, inPerson: boolean) => void, key = "") {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, inPerson, visit, key);
    return;
  }
  if (isRecord(value)) {
    const nowInPerson = inPerson || PERSON_OBJECT_KEYS.has(key);
    for (const [k, v] of Object.entries(value)) walk(v, nowInPerson, visit, k);
    return;
  }
  visit(key, value, inPerson);
}

export function idOf(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string" && value) return value;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
