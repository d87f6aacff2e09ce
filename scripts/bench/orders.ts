// The benchmarks' order i, as the Shopify simulator's /_control/orders takes it: two goods lines at 25% VAT
// (ten SKUs, every fifth line discounted), shipping, VAT included on every other order, buyers in turn.
export function benchOrder(i: number, customerId: number) {
  return {
    customerId,
    financialStatus: "paid",
    taxesIncluded: i % 2 === 0,
    billingAddress: { firstName: "Buyer", lastName: String(i), countryCode: "DK" },
    lines: [
      { sku: `SKU-${i % 10}`, title: `Product ${i % 10}`, quantity: 1 + (i % 3), price: "99.95", taxRate: "0.25", ...(i % 5 === 0 ? { discount: "10.00" } : {}) },
      { sku: `SKU-${(i + 3) % 10}`, title: `Product ${(i + 3) % 10}`, quantity: 1, price: "19.50", taxRate: "0.25" },
    ],
    shipping: [{ title: "Post", price: "39.00", taxRate: "0.25" }],
  };
}
