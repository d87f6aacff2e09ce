// Browsers ask for /favicon.ico on every page they open (the sandbox's stand-in pages, the signed PDF links).
// The app has no icon of its own in the browser (Shopify's admin shows the app's icon), so: nothing, cached a day.
export const loader = () => new Response(null, { status: 204, headers: { "Cache-Control": "public, max-age=86400" } });
