// Backend of "Generate invoices" on the admin's order list (extensions/invoice-admin, selection action), with
// the admin's ID token like the order page's extensions:
//   POST {intent: "summary", orderIds, kind?}                          → what it would do, nothing posted
//   POST {intent: "generate", orderIds, kind?, invoiceDate, requestId} → one job per eligible order, once per click
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import db from "../db.server";
import { requestBulkGenerate, summarizeBulk } from "../admin/bulk-generate.server";
import { answerExtension } from "../admin/extension-answer.server";
import { providerForShop } from "../providers/connections.server";
import { adminClientFor } from "../shopify/admin.server";
import { authenticate } from "../shopify.server";

const deps = { db, adminClientFor, providerFor: providerForShop(db) };

const BODY = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("summary"), orderIds: z.array(z.string()), kind: z.string().optional() }),
  z.object({ intent: z.literal("generate"), orderIds: z.array(z.string()), kind: z.string().optional(), invoiceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), requestId: z.string() }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  return answerExtension(cors, async () => {
    const parsed = BODY.safeParse(await request.json().catch(() => null));
    if (!parsed.success) return Response.json({ ok: false, message: "The request is not one this endpoint knows (intent: summary or generate, with orderIds)." }, { status: 400 });
    const body = parsed.data;
    if (body.intent === "summary") {
      const summary = await summarizeBulk(deps, { shopDomain: session.shop, orderIds: body.orderIds, kind: body.kind });
      // Each queued order's due date is the job's business, not the summary's.
      return { ...summary, rows: summary.rows.map(({ dueDate: _dueDate, ...row }) => row) };
    }
    return { ok: true, ...(await requestBulkGenerate(deps, { shopDomain: session.shop, ...body })) };
  });
};
