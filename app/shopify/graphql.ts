// Every GraphQL document the app sends to the Shopify Admin API lives here, and only here: a test
// validates each one against the Admin schema, and the simulator answers the same documents.

const MONEY = /* GraphQL */ `
  fragment Money on MoneyBag {
    shopMoney { amount currencyCode }
    presentmentMoney { amount currencyCode }
  }
`;

const TAX_LINE = /* GraphQL */ `
  fragment TaxLineFields on TaxLine {
    title
    rate
    ratePercentage
    channelLiable
    priceSet { ...Money }
  }
`;

const LINE_ITEM = /* GraphQL */ `
  fragment LineItemFields on LineItem {
    id
    sku
    name
    quantity
    currentQuantity
    taxable
    requiresShipping
    isGiftCard
    variant { id }
    originalUnitPriceSet { ...Money }
    discountAllocations { allocatedAmountSet { ...Money } }
    taxLines { ...TaxLineFields }
  }
`;

const ADDRESS = /* GraphQL */ `
  fragment AddressFields on MailingAddress {
    firstName
    lastName
    name
    company
    address1
    address2
    city
    zip
    province
    provinceCode
    country
    countryCodeV2
    phone
  }
`;

/** The order as the worker reads it to plan a document. */
export const ORDER_FOR_INVOICE = /* GraphQL */ `
  query OrderForInvoice($id: ID!) {
    order(id: $id) {
      id
      legacyResourceId
      name
      email
      createdAt
      processedAt
      cancelledAt
      currencyCode
      presentmentCurrencyCode
      taxesIncluded
      displayFinancialStatus
      displayFulfillmentStatus
      tags
      sourceName
      customerLocale
      poNumber
      paymentGatewayNames
      customer {
        id
        firstName
        lastName
        displayName
        locale
        defaultEmailAddress { emailAddress }
      }
      billingAddress { ...AddressFields }
      shippingAddress { ...AddressFields }
      purchasingEntity {
        __typename
        ... on PurchasingCompany {
          company { id name externalId }
          location { id name taxSettings { taxRegistrationId } }
          contact { id }
        }
      }
      lineItems(first: 50) {
        nodes { ...LineItemFields }
        pageInfo { hasNextPage endCursor }
      }
      shippingLines(first: 5) {
        nodes {
          id
          title
          code
          originalPriceSet { ...Money }
          discountedPriceSet { ...Money }
          discountAllocations { allocatedAmountSet { ...Money } }
          taxLines { ...TaxLineFields }
        }
      }
      subtotalPriceSet { ...Money }
      totalShippingPriceSet { ...Money }
      totalDiscountsSet { ...Money }
      totalTaxSet { ...Money }
      totalTipReceivedSet { ...Money }
      currentTotalDutiesSet { ...Money }
      totalPriceSet { ...Money }
      currentTotalPriceSet { ...Money }
      transactions(first: 20) {
        id
        kind
        status
        gateway
        amountSet { ...Money }
      }
    }
  }
  ${LINE_ITEM}
  ${MONEY}
  ${TAX_LINE}
  ${ADDRESS}
`;

/**
 * The rest of a long order's lines. Shopify refuses a query over 1000 cost points, so the first query
 * takes 50 lines and the worker pages through the rest (an order can have hundreds).
 */
export const ORDER_LINE_ITEMS_PAGE = /* GraphQL */ `
  query OrderLineItemsPage($id: ID!, $after: String!) {
    order(id: $id) {
      lineItems(first: 50, after: $after) {
        nodes { ...LineItemFields }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
  ${LINE_ITEM}
  ${MONEY}
  ${TAX_LINE}
`;

/**
 * One refund, fresh: what was refunded (lines with their quantities, shipping, amounts with no line), the
 * money Shopify returned, and whether that payment went through. The order's identity and currency come
 * along, so that the credit note can be matched to its invoice.
 */
export const REFUND_FOR_CREDIT_NOTE = /* GraphQL */ `
  query RefundForCreditNote($id: ID!) {
    refund(id: $id) {
      id
      createdAt
      note
      totalRefundedSet { ...Money }
      order { id name currencyCode presentmentCurrencyCode taxesIncluded }
      refundLineItems(first: 100) {
        nodes {
          quantity
          lineItem { id sku title }
          subtotalSet { ...Money }
          totalTaxSet { ...Money }
        }
        pageInfo { hasNextPage }
      }
      refundShippingLines(first: 10) {
        nodes {
          shippingLine { title }
          subtotalAmountSet { ...Money }
          taxAmountSet { ...Money }
        }
      }
      orderAdjustments(first: 10) {
        nodes { reason amountSet { ...Money } taxAmountSet { ...Money } }
      }
      transactions(first: 10) {
        nodes { kind status amountSet { ...Money } }
      }
    }
  }
  ${MONEY}
`;

/**
 * The order's fulfilments, for invoicing per fulfilment: which units each one shipped. Ten fulfilments of
 * forty lines each keep the query under Shopify's cost limit (about 830 points); a fulfilment of more
 * lines is refused in words rather than invoiced in part.
 */
export const ORDER_FULFILLMENTS = /* GraphQL */ `
  query OrderFulfillments($id: ID!) {
    order(id: $id) {
      id
      fulfillments(first: 10) {
        id
        name
        createdAt
        status
        fulfillmentLineItems(first: 40) {
          nodes { quantity lineItem { id } }
          pageInfo { hasNextPage }
        }
      }
    }
  }
`;

/**
 * The order's edits, as Shopify records them (OrderEditAgreement): each edit's product sales, +q units for
 * a line added and −q for units taken off, with the amount (after discounts, tax included) and its tax.
 * The three newest agreements of 25 sales each keep it under the cost limit; each orders/edited event is
 * handled when it arrives, so older edits have been seen by then.
 */
export const ORDER_EDITS = /* GraphQL */ `
  query OrderEdits($id: ID!) {
    order(id: $id) {
      id
      agreements(first: 3, reverse: true) {
        nodes {
          __typename
          ... on OrderEditAgreement {
            id
            happenedAt
            sales(first: 25) {
              nodes {
                __typename
                actionType
                quantity
                totalAmount { ...Money }
                totalTaxAmount { ...Money }
                ... on ProductSale { lineItem { id } }
              }
              pageInfo { hasNextPage }
            }
          }
        }
      }
    }
  }
  ${MONEY}
`;

/** The shop's own details: currency and name for documents, the timezone for dates. */
export const SHOP_DETAILS = /* GraphQL */ `
  query ShopDetails {
    shop {
      id
      name
      myshopifyDomain
      email
      currencyCode
      ianaTimezone
    }
  }
`;

/** Orders changed since a moment, for the reconciliation sweep that finds missed webhooks. */
export const ORDERS_UPDATED_SINCE = /* GraphQL */ `
  query OrdersUpdatedSince($query: String!, $after: String) {
    orders(first: 100, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes { id legacyResourceId name updatedAt displayFinancialStatus displayFulfillmentStatus }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/**
 * One page of the orders of a historical import, oldest first. `query` is Shopify's search syntax (the
 * date range and the merchant's criteria; app/import/import-criteria.ts). 50 orders of four scalars cost
 * 52 points, so a page never waits long for the throttle bucket.
 */
export const ORDERS_FOR_IMPORT = /* GraphQL */ `
  query OrdersForImport($query: String!, $after: String) {
    orders(first: 50, after: $after, query: $query, sortKey: CREATED_AT) {
      nodes { id legacyResourceId name createdAt }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/**
 * An order's payment terms (B2B net terms), where staff choose a due date. Asked apart from the order: it needs
 * the read_payment_terms scope, and a shop that has not approved it yet answers ACCESS_DENIED, which must not
 * stop the order itself from being read (https://shopify.dev/docs/api/admin-graphql/latest/objects/PaymentTerms).
 */
export const ORDER_PAYMENT_TERMS = /* GraphQL */ `
  query OrderPaymentTerms($id: ID!) {
    order(id: $id) {
      id
      paymentTerms {
        paymentTermsName
        paymentTermsType
        dueInDays
        paymentSchedules(first: 1) { nodes { dueAt issuedAt } }
      }
    }
  }
`;

/**
 * Who may see an order's invoices in customer accounts: its customer, and for a B2B order its company location
 * (the buyer's roles are checked against it).
 */
export const ORDER_BUYER = /* GraphQL */ `
  query OrderBuyer($id: ID!) {
    order(id: $id) {
      id
      name
      displayFinancialStatus
      customer { id }
      purchasingEntity {
        __typename
        ... on PurchasingCompany { company { id name } location { id name } }
      }
    }
  }
`;

/** A signed-in buyer: the company locations they have a role in (B2B), for the customer-account Invoices page. */
export const CUSTOMER_COMPANY_ROLES = /* GraphQL */ `
  query CustomerCompanyRoles($id: ID!) {
    customer(id: $id) {
      id
      companyContactProfiles {
        company { id name }
        roleAssignments(first: 50) { nodes { companyLocation { id name } role { name } } }
      }
    }
  }
`;

/** A page of a buyer's orders (ids and payment status), newest first. */
export const CUSTOMER_ORDER_IDS = /* GraphQL */ `
  query CustomerOrderIds($id: ID!, $after: String) {
    customer(id: $id) {
      orders(first: 250, after: $after, sortKey: CREATED_AT, reverse: true) {
        nodes { id displayFinancialStatus customer { id } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

/** A page of a company location's orders (ids and payment status), newest first. */
export const COMPANY_LOCATION_ORDER_IDS = /* GraphQL */ `
  query CompanyLocationOrderIds($id: ID!, $after: String) {
    companyLocation(id: $id) {
      orders(first: 250, after: $after, sortKey: CREATED_AT, reverse: true) {
        nodes { id displayFinancialStatus customer { id } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

/** The newest orders, for the sandbox's stand-in order list (the page that hosts "Generate invoices"). */
export const RECENT_ORDERS = /* GraphQL */ `
  query RecentOrders {
    orders(first: 50, sortKey: CREATED_AT, reverse: true) {
      nodes {
        legacyResourceId
        name
        createdAt
        email
        displayFinancialStatus
        displayFulfillmentStatus
        totalPriceSet { shopMoney { amount currencyCode } }
      }
    }
  }
`;

/**
 * How many orders a historical import covers. Shopify stops counting at 10,000 unless `limit` is null;
 * `precision` says whether the count is exact.
 */
export const ORDERS_COUNT = /* GraphQL */ `
  query OrdersCount($query: String!) {
    ordersCount(query: $query, limit: null) { count precision }
  }
`;

/** The refunds an order has had, for a historical import: each becomes a credit note once its invoice exists. */
export const ORDER_REFUND_IDS = /* GraphQL */ `
  query OrderRefundIds($id: ID!) {
    order(id: $id) {
      refunds(first: 50) { id }
    }
  }
`;

/** Writes the invoice status back onto the order, for staff and the order status page. */
export const SET_ORDER_METAFIELDS = /* GraphQL */ `
  mutation SetOrderMetafields($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { id namespace key value }
      userErrors { field message code }
    }
  }
`;

export const DOCUMENTS = {
  OrderForInvoice: ORDER_FOR_INVOICE,
  OrderLineItemsPage: ORDER_LINE_ITEMS_PAGE,
  RefundForCreditNote: REFUND_FOR_CREDIT_NOTE,
  OrderFulfillments: ORDER_FULFILLMENTS,
  OrderEdits: ORDER_EDITS,
  ShopDetails: SHOP_DETAILS,
  OrdersUpdatedSince: ORDERS_UPDATED_SINCE,
  OrdersForImport: ORDERS_FOR_IMPORT,
  OrdersCount: ORDERS_COUNT,
  SetOrderMetafields: SET_ORDER_METAFIELDS,
  OrderRefundIds: ORDER_REFUND_IDS,
} as const;

/** A company as an account-code mapping reads it: its external id and one metafield (Intact's accounts). */
export const COMPANY_ACCOUNT = /* GraphQL */ `
  query CompanyAccount($id: ID!, $namespace: String!, $key: String!) {
    company(id: $id) {
      id
      name
      externalId
      metafield(namespace: $namespace, key: $key) { value }
    }
  }
`;

/** A customer as an account-code mapping reads them: their e-mail and one metafield. */
export const CUSTOMER_ACCOUNT = /* GraphQL */ `
  query CustomerAccount($id: ID!, $namespace: String!, $key: String!) {
    customer(id: $id) {
      id
      defaultEmailAddress { emailAddress }
      metafield(namespace: $namespace, key: $key) { value }
    }
  }
`;
