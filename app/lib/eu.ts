// The member states of the European Union (ISO 3166-1 alpha-2), for VAT: reverse charge, intra-community
// supply and export are decided by whether seller and buyer are in it.
export const EU_COUNTRIES: ReadonlySet<string> = new Set(["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"]);
