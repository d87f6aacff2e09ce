// The sandbox's stand-in customer-account Invoices page: the app's full-page extension (customer-account.page.render).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { sandboxOnly } from "../sandbox/admin-frame.server";
import { accountParams, accountShell, frameUrl, signedIn } from "../sandbox/account-pages.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const refused = sandboxOnly();
  if (refused) return refused;
  const page = accountParams(new URL(request.url));
  if (!page) return new Response("Open /sandbox/account/invoices?shop=<name>.myshopify.com&customer=<id>[&lang=da].", { status: 400 });
  return accountShell(page, {
    title: "Invoices",
    here: "invoices",
    buyer: (await signedIn(page)).buyer,
    body: `<iframe title="Invoices" name="invoices-page" style="height:1400px" src="${frameUrl(page, "customer-account.page.render")}"></iframe>`,
  });
};
