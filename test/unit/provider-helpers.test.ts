// The small pure parts of the Visma and InvoicExpress providers: references, dates, endpoints, error
// mapping, the e-mail template and the settings validation a merchant sees when saving.
import { AxiosError, AxiosHeaders } from "axios";
import { describe, expect, it } from "vitest";
import { AuthError, PermanentError, RetryableError } from "../../app/lib/errors";
import { renderTemplate, unknownPlaceholders, DEFAULT_TEMPLATE } from "../../app/mail/template";
import { shortReference } from "../../app/providers/provider";
import { validateSettings } from "../../app/providers/registry";
import { errorMessages, invoicExpressError } from "../../app/providers/invoicexpress/invoicexpress-client";
import { addDays, ixDate } from "../../app/providers/invoicexpress/invoicexpress-provider";
import { endpointOf, vismaError } from "../../app/providers/visma/visma-client";
import { articleNumberFor, odataString } from "../../app/providers/visma/visma-provider";
import { authorizeUrl } from "../../app/providers/visma/visma-oauth";

function httpError(status: number, data: unknown, headers: Record<string, string> = {}) {
  const config = { headers: new AxiosHeaders() };
  return new AxiosError("failed", "ERR_BAD_RESPONSE", config, null, { status, statusText: "", data, headers, config });
}

describe("references", () => {
  it("fit Visma's 50 characters, keep the order id readable, and tell sources of one order apart", () => {
    const a = shortReference("ib:a-very-long-shop-name-for-testing.myshopify.com:5678901234567:invoice:order");
    const b = shortReference("ib:a-very-long-shop-name-for-testing.myshopify.com:5678901234567:invoice:refund:998877665544");
    expect(a).toMatch(/^Shopify 5678901234567 [0-9a-f]{10}$/);
    expect(a.length).toBeLessThanOrEqual(50);
    expect(b.length).toBeLessThanOrEqual(50);
    expect(a).not.toBe(b);
    expect(shortReference("ib:s.myshopify.com:1:invoice:order")).toBe(shortReference("ib:s.myshopify.com:1:invoice:order"));
  });
});

describe("Visma", () => {
  it("names the rate-limited endpoint by method and route, ids replaced", () => {
    expect(endpointOf("post", "/v2/customerinvoicedrafts/3fa85f64-5717-4562-b3fc-2c963f66afa6/convert")).toBe("POST /v2/customerinvoicedrafts/{id}/convert");
    expect(endpointOf("GET", "/v2/customers?$filter=x")).toBe("GET /v2/customers");
  });

  it("writes OData strings with doubled quotes, and keeps article numbers to 40 characters", () => {
    expect(odataString("o'neil@example.com")).toBe("'o''neil@example.com'");
    const long = "SKU-" + "X".repeat(60);
    expect(articleNumberFor(long)).toHaveLength(40);
    expect(articleNumberFor(long)).toBe(articleNumberFor(long));
    expect(articleNumberFor("SHORT")).toBe("SHORT");
  });

  it("asks for the scopes ea:api offline_access ea:sales, with the state", () => {
    const url = new URL(authorizeUrl({ identityUrl: "https://identity.vismaonline.com", clientId: "app", redirectUri: "https://app.example/cb", state: "s1" }));
    expect(url.pathname).toBe("/connect/authorize");
    expect(url.searchParams.get("scope")).toBe("ea:api offline_access ea:sales");
    expect(url.searchParams.get("state")).toBe("s1");
    expect(url.searchParams.get("response_type")).toBe("code");
  });

  it("maps each error once: 2000 permanent with Visma's words, 4010 retryable with its wait, 401 auth", () => {
    const validation = vismaError(httpError(400, { ErrorCode: 2000, DeveloperErrorMessage: "InvoicePostalCode is required.", ErrorId: "e1" }), "creating the customer");
    expect(validation).toBeInstanceOf(PermanentError);
    expect(validation.merchantMessage).toBe("Visma eAccounting refused creating the customer: InvoicePostalCode is required. Correct this in Visma eAccounting or in the app's settings, then press Retry.");
    const limited = vismaError(httpError(429, { ErrorCode: 4010, DeveloperErrorMessage: "Too many requests", ErrorId: "e2" }, { "retry-after": "12" }), "x");
    expect(limited).toBeInstanceOf(RetryableError);
    expect((limited as RetryableError).retryAfterMs).toBe(12_000);
    expect(vismaError(httpError(401, {}), "x")).toBeInstanceOf(AuthError);
    expect(vismaError(httpError(503, "<html>"), "x")).toBeInstanceOf(RetryableError);
  });
});

describe("InvoicExpress", () => {
  it("writes dates as DD/MM/YYYY and counts due days across months", () => {
    expect(ixDate("2026-11-21")).toBe("21/11/2026");
    expect(addDays("2026-11-21", 30)).toBe("2026-12-21");
    expect(addDays("2026-12-15", 30)).toBe("2027-01-14");
  });

  it("reads all three error body shapes", () => {
    expect(errorMessages({ errors: { date: ["is invalid"], due_date: ["must be after date"] } })).toEqual(["date is invalid", "due date must be after date"]);
    expect(errorMessages({ errors: [{ error: "Client name has already been taken" }] })).toEqual(["Client name has already been taken"]);
    expect(errorMessages({ error: "Not found" })).toEqual(["Not found"]);
    expect(errorMessages("<html>oops</html>")).toEqual([]);
  });

  it("maps 401 to auth, 406 and 422 to permanent with the vendor's words, 5xx to retryable", () => {
    expect(invoicExpressError(httpError(401, { errors: [{ error: "Unauthorized" }] }), "x")).toBeInstanceOf(AuthError);
    const wrongState = invoicExpressError(httpError(406, { errors: [{ error: "Invalid state transition" }] }), "cancelling the invoice");
    expect(wrongState).toMatchObject({ kind: "permanent", code: "invoicexpress_wrong_state" });
    expect(wrongState.merchantMessage).toContain("Invalid state transition");
    expect(invoicExpressError(httpError(422, { errors: { date: ["is invalid"] } }), "creating the invoice").merchantMessage).toBe(
      "InvoicExpress refused creating the invoice: date is invalid. Correct this in InvoicExpress or in the app's settings, then press Retry.",
    );
    expect(invoicExpressError(httpError(502, ""), "x")).toBeInstanceOf(RetryableError);
  });
});

describe("the e-mail template", () => {
  it("fills every placeholder, and names unknown ones", () => {
    const text = renderTemplate(DEFAULT_TEMPLATE.subject + " / " + DEFAULT_TEMPLATE.body, {
      invoice_number: "FT 2026/7",
      order_name: "#1001",
      due_date: "2026-12-21",
      customer_name: "Ana Sousa",
      shop_name: "Loja",
    });
    expect(text).toContain("Invoice FT 2026/7 for your order #1001");
    expect(text).toContain("Dear Ana Sousa");
    expect(text).toContain("due on 2026-12-21");
    expect(text).not.toMatch(/\{\{/);
    expect(unknownPlaceholders("Hi {{ customer_name }}, {{invoice_no}}")).toEqual(["invoice_no"]);
  });
});

describe("connection settings, validated when saved", () => {
  it("accepts complete Visma settings and fills the defaults", () => {
    const saved = validateSettings("visma", {
      termsOfPaymentId: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
      unitId: "3fa85f64-5717-4562-b3fc-2c963f66afa7",
      codings: { "0.25": "3fa85f64-5717-4562-b3fc-2c963f66afa8" },
    });
    expect(saved).toMatchObject({ workflow: "drafts", baseUrl: "https://eaccountingapi.vismaonline.com", pricesIncludeVatForPrivatePersons: true });
  });

  it("says in words what is missing or wrong", () => {
    const visma = (() => {
      try {
        validateSettings("visma", { workflow: "invoices", codings: {} });
      } catch (error) {
        return error as PermanentError;
      }
    })();
    expect(visma).toBeInstanceOf(PermanentError);
    expect(visma!.merchantMessage).toContain("termsOfPaymentId: choose the terms of payment for new customers");
    expect(visma!.merchantMessage).toContain("unitId: choose the unit for new articles");
    expect(visma!.merchantMessage).toContain("workflow");
    const ix = (() => {
      try {
        validateSettings("invoicexpress", { taxNames: {}, exemptionReason: "exempt" });
      } catch (error) {
        return error as PermanentError;
      }
    })();
    expect(ix!.merchantMessage).toContain("map at least one VAT rate to an InvoicExpress tax name");
    expect(ix!.merchantMessage).toContain("an exemption reason is a code like M07 or M16");
    expect(ix!.merchantMessage).toMatch(/^The settings of InvoicExpress are incomplete or wrong/);
  });
});
