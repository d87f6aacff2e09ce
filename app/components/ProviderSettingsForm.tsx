// Each accounting system's settings, picked from the lists read from that system wherever it has one
// (the onboarding and the Connection page share this form). Values keep the provider's own shape, so that
// what is saved is exactly what the provider's settings schema validates.
import { BlockStack, Button, Checkbox, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { Connectable } from "../admin/connectable";

type Choice = { value: string; label: string; rate?: string };
export type Settings = Record<string, unknown>;
type Props = {
  type: Connectable;
  settings: Settings;
  choices: Record<string, Choice[]> | null;
  /** VAT rates to map ("0.25"), from the shop's orders and the saved settings. */
  rates: string[];
  onChange: (settings: Settings) => void;
};

const percent = (rate: string) => `${Number((Number(rate) * 100).toFixed(4))}%`;

/** The settings a new connection starts from: the first sensible choice of each list, rates matched by rate. */
export function initialSettings(type: Connectable, settings: Settings, choices: Record<string, Choice[]> | null, rates: string[]): Settings {
  const first = (key: string) => choices?.[key]?.[0]?.value;
  const byRate = (key: string, current: unknown) => {
    const map = { ...((current as Record<string, string>) ?? {}) };
    for (const rate of rates) {
      if (map[rate] !== undefined) continue;
      const match = choices?.[key]?.find((c) => c.rate !== undefined && Number(c.rate) === Number(rate));
      if (match) map[rate] = match.value;
    }
    return map;
  };
  if (type === "economic") {
    return {
      ...settings,
      customerGroupNumber: settings.customerGroupNumber ?? numberOrUndefined(first("customerGroups")),
      paymentTermsNumber: settings.paymentTermsNumber ?? numberOrUndefined(first("paymentTerms")),
      layoutNumber: settings.layoutNumber ?? numberOrUndefined(first("layouts")),
      productGroups: settings.productGroups ?? {},
    };
  }
  if (type === "visma") {
    return {
      ...settings,
      termsOfPaymentId: settings.termsOfPaymentId ?? first("termsOfPayment"),
      unitId: settings.unitId ?? first("units"),
      codings: byRate("articleCodings", settings.codings),
    };
  }
  if (type === "invoicexpress") return { ...settings, taxNames: byRate("taxes", settings.taxNames) };
  if (type === "collector") return { ...settings, stores: settings.stores ?? [] };
  if (type === "intact") {
    return {
      ...settings,
      accounts: settings.accounts ?? { from: "externalId", metafield: "custom.intact_account", table: [] },
      // Offered only where the server's WSDL has the operations; off until the merchant turns it on.
      salesOrders: settings.salesOrders ?? false,
      pdfFreshMinutes: settings.pdfFreshMinutes ?? 60,
    };
  }
  return { ...settings, seller: settings.seller ?? { name: "", addressLines: [], countryCode: "", vatId: "" } };
}

function numberOrUndefined(value: string | undefined) {
  return value === undefined ? undefined : Number(value);
}

export function ProviderSettingsForm(props: Props) {
  const [extraRates, setExtraRates] = useState<string[]>([]);
  const rates = [...new Set([...props.rates, ...extraRates])];
  const set = (key: string, value: unknown) => props.onChange({ ...props.settings, [key]: value });
  const list = (key: string) => [{ label: "Choose…", value: "" }, ...(props.choices?.[key] ?? []).map((c) => ({ label: c.label, value: c.value }))];
  const numberSelect = (key: string, label: string, listKey: string, help?: string) => (
    <Select label={label} options={list(listKey)} value={props.settings[key] === undefined ? "" : String(props.settings[key])} onChange={(v) => set(key, v === "" ? undefined : Number(v))} helpText={help} />
  );
  const textSelect = (key: string, label: string, listKey: string, help?: string) => (
    <Select label={label} options={list(listKey)} value={String(props.settings[key] ?? "")} onChange={(v) => set(key, v === "" ? undefined : v)} helpText={help} />
  );
  const perRate = (key: string, listKey: string, title: string, numeric: boolean) => {
    const map = (props.settings[key] as Record<string, string | number> | undefined) ?? {};
    return (
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        {rates.length === 0 ? (
          <Text as="p" tone="subdued">
            Add the VAT rates your shop charges.
          </Text>
        ) : null}
        {rates.map((rate) => (
          <Select
            key={rate}
            label={`VAT ${percent(rate)}`}
            options={list(listKey)}
            value={map[rate] === undefined ? "" : String(map[rate])}
            onChange={(v) => {
              const next = { ...map };
              if (v === "") delete next[rate];
              else next[rate] = numeric ? Number(v) : v;
              set(key, next);
            }}
          />
        ))}
        <AddRate onAdd={(rate) => setExtraRates([...extraRates, rate])} />
      </BlockStack>
    );
  };

  switch (props.type) {
    case "economic": {
      const zones = (props.settings.vatZones as { domestic: number; eu: number; abroad: number } | undefined) ?? { domestic: 1, eu: 2, abroad: 3 };
      const zone = (which: keyof typeof zones, label: string) => (
        <Select label={label} options={list("vatZones")} value={String(zones[which])} onChange={(v) => set("vatZones", { ...zones, [which]: Number(v) })} />
      );
      return (
        <FormLayout>
          <FormLayout.Group>
            {numberSelect("customerGroupNumber", "Customer group for new customers", "customerGroups")}
            {numberSelect("paymentTermsNumber", "Payment terms for new customers", "paymentTerms")}
          </FormLayout.Group>
          {numberSelect("layoutNumber", "Invoice layout", "layouts")}
          <FormLayout.Group>
            {zone("domestic", "VAT zone: your own country")}
            {zone("eu", "VAT zone: the rest of the EU")}
            {zone("abroad", "VAT zone: outside the EU")}
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField label="Your country (two letters)" autoComplete="off" value={String(props.settings.homeCountry ?? "DK")} onChange={(v) => set("homeCountry", v.toUpperCase())} maxLength={2} />
            <TextField
              label="Collective customer for guests (customer number)"
              autoComplete="off"
              type="number"
              value={props.settings.collectiveCustomerNumber === undefined ? "" : String(props.settings.collectiveCustomerNumber)}
              onChange={(v) => set("collectiveCustomerNumber", v === "" ? undefined : Number(v))}
              helpText="Leave empty to give each guest a customer of their own."
            />
          </FormLayout.Group>
          {perRate("productGroups", "productGroups", "Product group of the products the app creates, per VAT rate", true)}
        </FormLayout>
      );
    }
    case "visma":
      return (
        <FormLayout>
          <Select
            label="What the app makes in Visma"
            options={[
              { label: "Invoice drafts, booked when your rules allow", value: "drafts" },
              { label: "Orders, invoiced when they are fulfilled", value: "orders" },
            ]}
            value={String(props.settings.workflow ?? "drafts")}
            onChange={(v) => set("workflow", v)}
          />
          <FormLayout.Group>
            {textSelect("termsOfPaymentId", "Terms of payment for new customers", "termsOfPayment")}
            {textSelect("unitId", "Unit of new articles", "units")}
          </FormLayout.Group>
          <Checkbox
            label="Private persons see prices including VAT (Visma's default)"
            checked={props.settings.pricesIncludeVatForPrivatePersons !== false}
            onChange={(v) => set("pricesIncludeVatForPrivatePersons", v)}
          />
          {perRate("codings", "articleCodings", "Article coding per VAT rate", false)}
        </FormLayout>
      );
    case "invoicexpress":
      return (
        <FormLayout>
          <FormLayout.Group>
            <Select
              label="Document"
              options={[
                { label: "Invoice (fatura)", value: "invoices" },
                { label: "Invoice-receipt (fatura-recibo)", value: "invoice_receipts" },
                { label: "Simplified invoice (fatura simplificada)", value: "simplified_invoices" },
              ]}
              value={String(props.settings.documentType ?? "invoices")}
              onChange={(v) => set("documentType", v)}
            />
            <TextField label="Days until due" type="number" autoComplete="off" value={String(props.settings.dueDays ?? 30)} onChange={(v) => set("dueDays", Number(v))} />
          </FormLayout.Group>
          {perRate("taxNames", "taxes", "InvoicExpress tax per VAT rate", false)}
          <Select
            label="Exemption reason for 0% lines"
            options={[{ label: "None (no 0% lines)", value: "" }, ...(props.choices?.exemptionReasons ?? []).map((c) => ({ label: c.label, value: c.value }))]}
            value={String(props.settings.exemptionReason ?? "")}
            onChange={(v) => set("exemptionReason", v === "" ? undefined : v)}
          />
        </FormLayout>
      );
    case "collector":
      return <WalleyFields settings={props.settings} countries={props.choices?.countries ?? []} onChange={props.onChange} />;
    case "intact":
      return <IntactFields settings={props.settings} choices={props.choices} onChange={props.onChange} />;
    case "shop":
      return <OwnInvoiceFields settings={props.settings} onChange={props.onChange} />;
  }
}

function AddRate({ onAdd }: { onAdd: (rate: string) => void }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>();
  return (
    <InlineStack gap="200" blockAlign="end">
      <TextField label="Add a VAT rate (%)" autoComplete="off" value={text} onChange={setText} error={error} />
      <Button
        onClick={() => {
          const n = Number(text.replace(",", "."));
          if (!Number.isFinite(n) || n < 0 || n >= 100) return setError("A rate between 0 and 100");
          setError(undefined);
          setText("");
          onAdd(String(Number((n / 100).toFixed(6))));
        }}
      >
        Add rate
      </Button>
    </InlineStack>
  );
}

function OwnInvoiceFields({ settings, onChange }: { settings: Settings; onChange: (s: Settings) => void }) {
  const seller = (settings.seller as Record<string, unknown> | undefined) ?? {};
  const setSeller = (key: string, value: unknown) => onChange({ ...settings, seller: { ...seller, [key]: value } });
  const [address, setAddress] = useState(((seller.addressLines as string[] | undefined) ?? []).join("\n"));
  return (
    <FormLayout>
      <TextField label="Legal name" autoComplete="organization" value={String(seller.name ?? "")} onChange={(v) => setSeller("name", v)} />
      <TextField
        label="Address (street, postcode and city, one per line)"
        autoComplete="street-address"
        multiline={3}
        value={address}
        onChange={(v) => {
          setAddress(v);
          setSeller("addressLines", v.split("\n").map((l) => l.trim()).filter(Boolean));
        }}
      />
      <FormLayout.Group>
        <TextField label="Country (two letters)" autoComplete="country" value={String(seller.countryCode ?? "")} onChange={(v) => setSeller("countryCode", v.toUpperCase())} maxLength={2} />
        <TextField label="VAT number" autoComplete="off" value={String(seller.vatId ?? "")} onChange={(v) => setSeller("vatId", v)} />
      </FormLayout.Group>
      <FormLayout.Group>
        <TextField label="Invoice number prefix" autoComplete="off" value={String(settings.invoicePrefix ?? "INV-")} onChange={(v) => onChange({ ...settings, invoicePrefix: v })} />
        <TextField label="Credit note prefix" autoComplete="off" value={String(settings.creditNotePrefix ?? "CN-")} onChange={(v) => onChange({ ...settings, creditNotePrefix: v })} />
        <TextField label="Days until due" type="number" autoComplete="off" value={String(settings.paymentTermsDays ?? 14)} onChange={(v) => onChange({ ...settings, paymentTermsDays: Number(v) })} />
      </FormLayout.Group>
      <EInvoiceFields settings={settings} onChange={onChange} />
    </FormLayout>
  );
}

/** E-invoices (EN 16931) of the shop's own invoices: the format, and the seller's fields the XML needs apart. */
function EInvoiceFields({ settings, onChange }: { settings: Settings; onChange: (s: Settings) => void }) {
  const e = (settings.einvoice as Record<string, unknown> | undefined) ?? { mode: "off" };
  const set = (key: string, value: string) => onChange({ ...settings, einvoice: { ...e, [key]: value === "" ? undefined : value } });
  const text = (key: string) => String(e[key] ?? "");
  return (
    <FormLayout>
      <Select
        label="E-invoices (EN 16931)"
        options={[
          { label: "Off: PDF invoices only", value: "off" },
          { label: "Factur-X PDF (the PDF with its XML inside)", value: "facturx" },
          { label: "Factur-X PDF, and the UBL file attached to the e-mail", value: "facturx-ubl" },
        ]}
        value={String(e.mode ?? "off")}
        onChange={(v) => set("mode", v)}
        helpText="A B2B buyer's accounting system reads these without anyone typing the invoice in. To send the UBL file over Peppol, forward it to your access point."
      />
      {e.mode && e.mode !== "off" ? (
        <FormLayout>
          <FormLayout.Group>
            <TextField label="Street" autoComplete="address-line1" value={text("street")} onChange={(v) => set("street", v)} />
            <TextField label="Postcode" autoComplete="postal-code" value={text("postcode")} onChange={(v) => set("postcode", v)} />
            <TextField label="City" autoComplete="address-level2" value={text("city")} onChange={(v) => set("city", v)} />
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField label="Company registration number (SIREN in France)" autoComplete="off" value={text("companyId")} onChange={(v) => set("companyId", v)} />
            <TextField label="VAT exemption reason for 0% lines (optional)" autoComplete="off" value={text("exemptionReason")} onChange={(v) => set("exemptionReason", v)} helpText="Without one, 0% lines are zero-rated." />
          </FormLayout.Group>
        </FormLayout>
      ) : null}
    </FormLayout>
  );
}

type WalleyStore = { countryCode: string; buyers: "b2c" | "b2b"; storeId: number | undefined };

/** Walley: the environment, how it delivers invoices, and one store per country and kind of buyer. */
function WalleyFields({ settings, countries, onChange }: { settings: Settings; countries: Choice[]; onChange: (s: Settings) => void }) {
  const stores = (settings.stores as WalleyStore[] | undefined) ?? [];
  const setStores = (next: WalleyStore[]) => onChange({ ...settings, stores: next });
  const setStore = (i: number, change: Partial<WalleyStore>) => setStores(stores.map((s, j) => (j === i ? { ...s, ...change } : s)));
  return (
    <FormLayout>
      <FormLayout.Group>
        <Select
          label="Walley environment"
          options={[
            { label: "Production", value: "production" },
            { label: "Test (Walley's test service)", value: "test" },
          ]}
          value={String(settings.environment ?? "production")}
          onChange={(v) => onChange({ ...settings, environment: v })}
        />
        <Select
          label="Walley sends the invoice by"
          options={[
            { label: "E-mail", value: "email" },
            { label: "Post", value: "post" },
          ]}
          value={String(settings.invoiceDelivery ?? "email")}
          onChange={(v) => onChange({ ...settings, invoiceDelivery: v })}
        />
      </FormLayout.Group>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          Stores
        </Text>
        <Text as="p" tone="subdued">
          One store id per country and kind of buyer, as in your Walley agreement. The buyer&apos;s billing country and whether the order has a company choose the store.
        </Text>
        {stores.length === 0 ? (
          <Text as="p" tone="caution">
            Add at least one store.
          </Text>
        ) : null}
        {stores.map((store, i) => (
          <InlineStack key={i} gap="200" blockAlign="end">
            <Select label="Country" options={[{ label: "Choose…", value: "" }, ...countries.map((c) => ({ label: c.label, value: c.value }))]} value={store.countryCode} onChange={(v) => setStore(i, { countryCode: v })} />
            <Select
              label="Buyers"
              options={[
                { label: "Private persons", value: "b2c" },
                { label: "Businesses", value: "b2b" },
              ]}
              value={store.buyers}
              onChange={(v) => setStore(i, { buyers: v === "b2b" ? "b2b" : "b2c" })}
            />
            <TextField label="Store id" type="number" autoComplete="off" value={store.storeId === undefined ? "" : String(store.storeId)} onChange={(v) => setStore(i, { storeId: v === "" ? undefined : Number(v) })} />
            <Button onClick={() => setStores(stores.filter((_, j) => j !== i))}>Remove</Button>
          </InlineStack>
        ))}
        <InlineStack>
          <Button onClick={() => setStores([...stores, { countryCode: countries[0]?.value ?? "SE", buyers: "b2c", storeId: undefined }])}>Add a store</Button>
        </InlineStack>
      </BlockStack>
    </FormLayout>
  );
}

type IntactAccounts = { from: "externalId" | "metafield" | "table"; metafield?: string; table?: Array<{ shopify: string; account: string }> };

/**
 * Intact: where each buyer's account code comes from (the company's external id, a metafield, or the table,
 * whose rows always win), sales orders where the server takes them, and how long an invoice PDF is kept.
 */
function IntactFields({ settings, choices, onChange }: { settings: Settings; choices: Record<string, Choice[]> | null; onChange: (s: Settings) => void }) {
  const accounts = (settings.accounts as IntactAccounts | undefined) ?? { from: "externalId" };
  const table = accounts.table ?? [];
  const setAccounts = (change: Partial<IntactAccounts>) => onChange({ ...settings, accounts: { ...accounts, ...change } });
  const setRow = (i: number, change: Partial<{ shopify: string; account: string }>) => setAccounts({ table: table.map((r, j) => (j === i ? { ...r, ...change } : r)) });
  // Known once the connection was tested: whether this server's WSDL has the sales-order operations.
  const salesOrdersKnown = choices !== null && choices.salesOrders !== undefined;
  const salesOrdersOffered = !salesOrdersKnown || (choices?.salesOrders?.length ?? 0) > 0;
  return (
    <FormLayout>
      {choices?.server?.[0] ? (
        <Text as="p" tone="success">
          The server answered as {choices.server[0].label}.
        </Text>
      ) : null}
      <Select
        label="Each buyer's Intact account code comes from"
        options={[
          { label: "The company's external ID in Shopify", value: "externalId" },
          { label: "A metafield of the company (or of the customer)", value: "metafield" },
          { label: "Only the table below", value: "table" },
        ]}
        value={accounts.from}
        onChange={(v) => setAccounts({ from: v === "metafield" || v === "table" ? v : "externalId" })}
        helpText="B2B buyers see every invoice of their company's account on their Invoices page. Rows of the table always win."
      />
      {accounts.from === "metafield" ? (
        <TextField
          label="Metafield (namespace.key)"
          autoComplete="off"
          value={accounts.metafield ?? "custom.intact_account"}
          onChange={(v) => setAccounts({ metafield: v.trim() })}
          helpText="Define it under Settings → Custom data → Companies (and Customers), then fill it in with each account code."
        />
      ) : null}
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          Account table
        </Text>
        <Text as="p" tone="subdued">
          A Shopify company id (the number at the end of the company&apos;s admin address) or a customer&apos;s e-mail, and its Intact account code.
        </Text>
        {table.map((row, i) => (
          <InlineStack key={i} gap="200" blockAlign="end">
            <TextField label="Company id or e-mail" autoComplete="off" value={row.shopify} onChange={(v) => setRow(i, { shopify: v })} />
            <TextField label="Intact account code" autoComplete="off" maxLength={20} value={row.account} onChange={(v) => setRow(i, { account: v })} />
            <Button onClick={() => setAccounts({ table: table.filter((_, j) => j !== i) })}>Remove</Button>
          </InlineStack>
        ))}
        <InlineStack>
          <Button onClick={() => setAccounts({ table: [...table, { shopify: "", account: "" }] })}>Add a row</Button>
        </InlineStack>
      </BlockStack>
      <Checkbox
        label="Send Shopify orders to Intact as sales orders"
        checked={settings.salesOrders === true}
        disabled={!salesOrdersOffered}
        onChange={(checked) => onChange({ ...settings, salesOrders: checked })}
        helpText={salesOrdersOffered ? "Intact invoices each sales order itself; the invoice then shows on the buyer's Invoices page." : "This Intact server's WebShop service does not take sales orders."}
      />
      <TextField
        label="Keep a fetched invoice PDF for (minutes)"
        type="number"
        autoComplete="off"
        min={0}
        value={String(settings.pdfFreshMinutes ?? 60)}
        onChange={(v) => onChange({ ...settings, pdfFreshMinutes: v === "" ? 0 : Number(v) })}
        helpText="A buyer opening the same invoice again within this time gets the kept copy; 0 asks Intact every time."
      />
    </FormLayout>
  );
}
