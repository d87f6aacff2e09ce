// The e-mail template: a subject and a body with placeholders, filled in for one invoice. Placeholders are
// written {{name}}; an unknown one is refused when the template is saved, so that a buyer never reads
// a raw "{{…}}".
export const PLACEHOLDERS = ["invoice_number", "order_name", "due_date", "customer_name", "shop_name"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const DEFAULT_TEMPLATE = {
  subject: "Invoice {{invoice_number}} for your order {{order_name}}",
  body: "Dear {{customer_name}},\n\nThank you for your order {{order_name}}. Your invoice {{invoice_number}} is attached; it is due on {{due_date}}.\n\nKind regards,\n{{shop_name}}",
};

const PATTERN = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** The placeholders in a template that we do not know, for a clear message when it is saved. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PATTERN)].map((m) => m[1]).filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
}

export function renderTemplate(template: string, values: Record<Placeholder, string>): string {
  return template.replace(PATTERN, (whole, name: string) => ((PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole));
}
