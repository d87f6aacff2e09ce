// Rules: when documents are made and which, the gateways never booked automatically, the verification
// period, and the document settings (product numbers, rounding, currency, per fulfilment). The layout's
// banner posts "Start automatic booking" here (intent=confirm-booking).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, ChoiceList, FormLayout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import db from "../db.server";
import { confirmBooking, loadRules, saveRules, type RulesForm } from "../admin/rules.server";
import { FINANCIAL_STATUSES, FULFILLMENT_STATUSES, statusLabel, TRIGGER_OPTIONS } from "../admin/order-statuses";
import { AppError } from "../lib/errors";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadRules(db, session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") === "confirm-booking") {
    await confirmBooking(db, session.shop);
    return { ok: true as const, message: "Automatic booking has started. New orders that meet your rules are booked." };
  }
  try {
    await saveRules(db, session.shop, JSON.parse(String(form.get("rules") ?? "{}")));
    return { ok: true as const, message: "Rules saved." };
  } catch (error) {
    if (error instanceof AppError) return { ok: false as const, message: error.merchantMessage };
    throw error;
  }
};

export default function Rules() {
  const { form: saved, gateways } = useLoaderData<typeof loader>();
  const [form, setForm] = useState<RulesForm>(saved);
  const save = useFetcher<typeof action>();
  const set = <K extends keyof RulesForm>(key: K) => (value: RulesForm[K]) => setForm({ ...form, [key]: value });
  return (
    <Page title="Rules" primaryAction={{ content: "Save", loading: save.state !== "idle", onAction: () => save.submit({ rules: JSON.stringify(form) }, { method: "post" }) }}>
      <BlockStack gap="400">
        {save.data ? <Banner tone={save.data.ok ? "success" : "critical"} title={save.data.message} /> : null}
        <Card>
          <FormLayout>
            <Select
              label="Make a document when the order is"
              options={TRIGGER_OPTIONS}
              value={form.trigger}
              onChange={(v) => set("trigger")(v as RulesForm["trigger"])}
            />
            <Select
              label="Document"
              options={[
                { label: "A booked invoice", value: "invoice" },
                { label: "An invoice draft", value: "draft" },
              ]}
              value={form.documentKind}
              onChange={(v) => set("documentKind")(v as RulesForm["documentKind"])}
            />
            <Checkbox label="One invoice per fulfilment (F1, F2, …) instead of one per order" checked={form.perFulfillment} onChange={set("perFulfillment")} />
          </FormLayout>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Which orders
            </Text>
            <Text as="p" tone="subdued">
              Leave a list empty to accept any status. Orders that do not match are skipped, with the reason in the sync log.
            </Text>
            <FormLayout>
              <FormLayout.Group>
                <ChoiceList
                  title="Payment status"
                  allowMultiple
                  choices={FINANCIAL_STATUSES.map((s) => ({ label: statusLabel(s), value: s }))}
                  selected={form.financialStatuses}
                  onChange={(v) => set("financialStatuses")(v as RulesForm["financialStatuses"])}
                />
                <ChoiceList
                  title="Fulfilment status"
                  allowMultiple
                  choices={FULFILLMENT_STATUSES.map((s) => ({ label: statusLabel(s), value: s }))}
                  selected={form.fulfillmentStatuses}
                  onChange={(v) => set("fulfillmentStatuses")(v as RulesForm["fulfillmentStatuses"])}
                />
              </FormLayout.Group>
              <FormLayout.Group>
                <TagsField label="Only orders tagged (any of)" value={form.includeTags} onChange={set("includeTags")} />
                <TagsField label="Never orders tagged" value={form.excludeTags} onChange={set("excludeTags")} />
              </FormLayout.Group>
            </FormLayout>
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Customers and products
            </Text>
            <FormLayout>
              <Select
                label="Orders without an e-mail address (guests)"
                options={[
                  { label: "Invoice them to the collective customer set on the Connection page", value: "collective" },
                  { label: "Create a customer for each guest from the name and address", value: "individual" },
                  { label: "Make no document automatically (staff can still use Generate invoice)", value: "skip" },
                ]}
                value={form.guests}
                onChange={(v) => set("guests")(v as RulesForm["guests"])}
                helpText="Without a collective customer in the accounting system, guests get a customer of their own."
              />
              <Select
                label="A product the accounting system does not know (by SKU)"
                options={[
                  { label: "Stop the order and tell me in the sync log", value: "halt" },
                  { label: "Create the product in the accounting system", value: "create" },
                  { label: "Use the default product, with the line's own text and price", value: "default" },
                ]}
                value={form.missingProducts}
                onChange={(v) => set("missingProducts")(v as RulesForm["missingProducts"])}
              />
            </FormLayout>
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Payment methods never booked automatically
            </Text>
            {gateways.length === 0 ? (
              <Text as="p" tone="subdued">
                The gateways of your orders appear here once the app has seen some.
              </Text>
            ) : (
              <ChoiceList
                title="Orders paid with these get a draft"
                allowMultiple
                choices={gateways.map((g) => ({ label: g, value: g }))}
                selected={form.neverBookGateways}
                onChange={set("neverBookGateways")}
              />
            )}
          </BlockStack>
        </Card>
        <Card>
          <FormLayout>
            <TextField
              label="Verification period (days of drafts only, from install)"
              type="number"
              autoComplete="off"
              value={String(form.verificationDays)}
              onChange={(v) => set("verificationDays")(Number(v))}
            />
            <FormLayout.Group>
              <TextField label="Shipping product number" autoComplete="off" value={form.shippingProductNumber} onChange={set("shippingProductNumber")} />
              <TextField label="Refund product number" autoComplete="off" value={form.refundProductNumber} onChange={set("refundProductNumber")} />
            </FormLayout.Group>
            <FormLayout.Group>
              <TextField
                label="Rounding tolerance (minor units)"
                type="number"
                autoComplete="off"
                value={String(form.roundingToleranceMinor)}
                onChange={(v) => set("roundingToleranceMinor")(Number(v))}
              />
              <Select
                label="Currency of documents"
                options={[
                  { label: "The shop's currency", value: "shop" },
                  { label: "The buyer's currency", value: "presentment" },
                ]}
                value={form.currencyMode}
                onChange={(v) => set("currencyMode")(v as RulesForm["currencyMode"])}
              />
            </FormLayout.Group>
            <Select
              label="Sales tax (orders with prices before tax, such as in the US and Canada)"
              options={[
                { label: "One combined rate per line (the accounting system must know the rate)", value: "combined" },
                { label: "One line per tax title (state, county, city; GST, PST)", value: "per-jurisdiction" },
              ]}
              value={form.salesTaxBooking}
              onChange={(v) => set("salesTaxBooking")(v as RulesForm["salesTaxBooking"])}
            />
            {form.salesTaxBooking === "per-jurisdiction" && (
              <TextField
                label="Product number per tax title"
                autoComplete="off"
                multiline={3}
                value={form.salesTaxProducts}
                onChange={set("salesTaxProducts")}
                helpText='One per line, with the title as Shopify names the tax: "CA State Tax = TAX-CA". An order with a tax title not listed here stops with a message in the sync log.'
              />
            )}
            <Button onClick={() => save.submit({ rules: JSON.stringify(form) }, { method: "post" })} loading={save.state !== "idle"}>
              Save rules
            </Button>
          </FormLayout>
        </Card>
      </BlockStack>
    </Page>
  );
}

/** Tags as the merchant types them, comma-separated; kept as a list. */
function TagsField({ label, value, onChange }: { label: string; value: string[]; onChange: (tags: string[]) => void }) {
  const [text, setText] = useState(value.join(", "));
  return (
    <TextField
      label={label}
      autoComplete="off"
      value={text}
      helpText="Separate tags with commas."
      onChange={(next) => {
        setText(next);
        onChange(next.split(",").map((t) => t.trim()).filter(Boolean));
      }}
    />
  );
}
