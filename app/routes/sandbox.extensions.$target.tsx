// A built admin UI extension bundle (npm run build:extensions), for the sandbox's stand-in extension host.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { extensionBundle, isHostedTarget } from "../sandbox/extension-host.server";
import { sandboxOnly } from "../sandbox/admin-frame.server";

export const loader = ({ params }: LoaderFunctionArgs) => {
  const refused = sandboxOnly();
  if (refused) return refused;
  const target = (params.target ?? "").replace(/\.js$/, "");
  if (!isHostedTarget(target)) return new Response("No such extension target.", { status: 404 });
  const code = extensionBundle(target);
  if (code === null) return new Response("The extensions are not built: run npm run build:extensions.", { status: 503 });
  return new Response(code, { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
};
