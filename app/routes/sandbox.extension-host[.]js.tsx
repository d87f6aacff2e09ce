// The sandbox's stand-in extension host script (app/sandbox/extension-host.server.ts); 404 outside sandbox mode.
import { extensionHostScript } from "../sandbox/extension-host.server";
import { sandboxOnly } from "../sandbox/admin-frame.server";

export const loader = () => sandboxOnly() ?? new Response(extensionHostScript(), { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
