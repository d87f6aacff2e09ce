import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { DOCUMENTS } from "../../app/shopify/graphql";
import { adminSchema, MAX_QUERY_COST } from "../simulators/shopify-admin/server";
import { queryCost } from "../simulators/shopify-admin/cost";

describe("Admin GraphQL documents", () => {
  it.each(Object.entries(DOCUMENTS))("%s validates against the Admin schema", (_name, document) => {
    const errors = validate(adminSchema(), parse(document));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it.each(Object.entries(DOCUMENTS))("%s stays under Shopify's single-query cost limit", (_name, document) => {
    const cost = queryCost(adminSchema(), parse(document), {});
    expect(cost).toBeGreaterThan(0);
    expect(cost).toBeLessThanOrEqual(MAX_QUERY_COST);
  });

  it("the check itself rejects a document with a field the schema does not have", () => {
    const errors = validate(adminSchema(), parse("query { order(id: \"gid://shopify/Order/1\") { totalPriceInCents } }"));
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining("totalPriceInCents")]);
  });

  it("reads the customer's email where 2025-04 and later put it", () => {
    expect(DOCUMENTS.OrderForInvoice).toContain("defaultEmailAddress { emailAddress }");
  });
});
