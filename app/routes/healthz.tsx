// Liveness, and the bare route the webhook benchmark compares the intake with: it reads the body and
// answers 200, nothing more.
import type { ActionFunctionArgs } from "@remix-run/node";

export const loader = () => new Response("ok", { status: 200 });

export async function action({ request }: ActionFunctionArgs) {
  await request.text();
  return new Response("ok", { status: 200 });
}
