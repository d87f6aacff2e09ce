// The simulator's B2B model: companies, their locations, and their contacts (customers) with a role at some
// locations, as Shopify keeps them. A B2B order names its company and location; the customer who placed it is a
// contact there. Shopify answers `customer.companyContactProfiles` (one profile per company the customer is a
// contact of, with the role assignments) and `companyLocation.orders`; these give the same shapes.
import { metafieldField, newId, type SeedCompany } from "./orders";

/** The two roles Shopify creates for every company. */
export const ROLES = ["Location admin", "Ordering only"] as const;
export type RoleName = (typeof ROLES)[number];

export type SimLocation = { id: number; name: string };
export type SimContact = { id: number; customerId: number; roles: Array<{ locationId: number; role: RoleName }> };
export type SimCompany = {
  id: number;
  name: string;
  externalId: string | null;
  locations: SimLocation[];
  contacts: SimContact[];
  /** Metafield values by "namespace.key". */
  metafields: Record<string, string>;
};

export type CompanyInput = {
  id?: number;
  name: string;
  externalId?: string | null;
  metafields?: Record<string, string>;
  locations: Array<{ id?: number; name: string }>;
  /** Each contact's roles name a location by its id or by its index in `locations`. */
  contacts?: Array<{ customerId: number; roles?: Array<{ locationId?: number; location?: number; role?: RoleName }> }>;
};

export class CompanyError extends Error {}

export class Companies {
  private readonly byId = new Map<number, SimCompany>();

  add(input: CompanyInput, customerExists: (id: number) => boolean): SimCompany {
    if (!input.name?.trim()) throw new CompanyError("a company needs a name");
    if (!input.locations?.length) throw new CompanyError("a company needs at least one location");
    const company: SimCompany = {
      id: input.id ?? newId(),
      name: input.name,
      externalId: input.externalId ?? null,
      locations: input.locations.map((l) => ({ id: l.id ?? newId(), name: l.name })),
      contacts: [],
      metafields: { ...(input.metafields ?? {}) },
    };
    this.byId.set(company.id, company);
    for (const contact of input.contacts ?? []) {
      if (!customerExists(contact.customerId)) throw new CompanyError(`unknown customer ${contact.customerId}`);
      for (const role of contact.roles ?? []) {
        const location = role.locationId ?? company.locations[role.location ?? -1]?.id;
        this.assign(company.id, contact.customerId, location ?? -1, role.role ?? "Ordering only");
      }
      if (!contact.roles?.length) this.contact(company, contact.customerId);
    }
    return company;
  }

  /** A company and location seen on an order: known from then on, with the ordering customer as a contact there. */
  fromOrder(seed: SeedCompany, customerId: number | null): void {
    let company = this.byId.get(seed.id);
    if (!company) {
      company = { id: seed.id, name: seed.name, externalId: seed.externalId ?? null, locations: [], contacts: [], metafields: {} };
      this.byId.set(company.id, company);
    }
    if (!company.locations.some((l) => l.id === seed.locationId)) company.locations.push({ id: seed.locationId, name: seed.locationName });
    if (customerId !== null) {
      const contact = this.contact(company, customerId, seed.contactId);
      if (!contact.roles.some((r) => r.locationId === seed.locationId)) contact.roles.push({ locationId: seed.locationId, role: "Ordering only" });
    }
  }

  /** Gives a customer a role at a location (they become a contact of the company if they were not). */
  assign(companyId: number, customerId: number, locationId: number, role: RoleName = "Ordering only"): SimContact {
    const company = this.company(companyId);
    if (!company.locations.some((l) => l.id === locationId)) throw new CompanyError(`company ${companyId} has no location ${locationId}`);
    if (!ROLES.includes(role)) throw new CompanyError(`unknown role ${role}; Shopify's are ${ROLES.join(", ")}`);
    const contact = this.contact(company, customerId);
    contact.roles = contact.roles.filter((r) => r.locationId !== locationId).concat({ locationId, role });
    return contact;
  }

  /** Changes what staff edit on the company: its external id, its metafields. */
  update(id: number, change: { externalId?: string | null; metafields?: Record<string, string> }): SimCompany {
    const company = this.company(id);
    if (change.externalId !== undefined) company.externalId = change.externalId;
    if (change.metafields) Object.assign(company.metafields, change.metafields);
    return company;
  }

  /** Takes a customer's role at a location away. */
  revoke(companyId: number, customerId: number, locationId: number): void {
    const contact = this.company(companyId).contacts.find((c) => c.customerId === customerId);
    if (contact) contact.roles = contact.roles.filter((r) => r.locationId !== locationId);
  }

  company(id: number): SimCompany {
    const company = this.byId.get(id);
    if (!company) throw new CompanyError(`unknown company ${id}`);
    return company;
  }

  all(): SimCompany[] {
    return [...this.byId.values()];
  }

  location(id: number): { company: SimCompany; location: SimLocation } | null {
    for (const company of this.byId.values()) {
      const location = company.locations.find((l) => l.id === id);
      if (location) return { company, location };
    }
    return null;
  }

  /** `Customer.companyContactProfiles`: one CompanyContact per company the customer is a contact of. */
  profilesOf(customerId: number) {
    return this.all().flatMap((company) =>
      company.contacts
        .filter((contact) => contact.customerId === customerId)
        .map((contact) => ({
          id: `gid://shopify/CompanyContact/${contact.id}`,
          company: gqlCompany(company),
          roleAssignments: (args: { first?: number }) => {
            const nodes = contact.roles.slice(0, args.first ?? 50).map((role, i) => {
              const location = company.locations.find((l) => l.id === role.locationId)!;
              return {
                id: `gid://shopify/CompanyContactRoleAssignment/${contact.id}${i}`,
                companyLocation: { id: `gid://shopify/CompanyLocation/${location.id}`, name: location.name },
                role: { id: `gid://shopify/CompanyContactRole/${ROLES.indexOf(role.role) + 1}`, name: role.role },
              };
            });
            return { nodes, edges: nodes.map((node) => ({ node, cursor: node.id })), pageInfo: { hasNextPage: contact.roles.length > nodes.length, hasPreviousPage: false, startCursor: null, endCursor: null } };
          },
        })),
    );
  }

  private contact(company: SimCompany, customerId: number, id?: number): SimContact {
    let contact = company.contacts.find((c) => c.customerId === customerId);
    if (!contact) {
      contact = { id: id ?? newId(), customerId, roles: [] };
      company.contacts.push(contact);
    }
    return contact;
  }
}

export function gqlCompany(company: SimCompany) {
  const id = `gid://shopify/Company/${company.id}`;
  return { id, name: company.name, externalId: company.externalId, metafield: metafieldField(id, company.metafields) };
}
