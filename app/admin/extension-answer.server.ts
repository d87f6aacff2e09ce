// How the admin extensions' endpoints answer: JSON with CORS (an extension's fetch is cross-origin in the real
// admin), and errors in words: what does not exist in this shop 404, a refused request 400, a passing failure
// of a system behind us 503, anything unexpected 500 with nothing of its detail.
import { AppError } from "../lib/errors";
import { logger } from "../lib/logger.server";

const NOT_FOUND = new Set(["order_not_found", "document_not_found"]);

export async function answerExtension(cors: (response: Response) => Response, work: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await work();
    return cors(result instanceof Response ? result : Response.json(result));
  } catch (error) {
    if (error instanceof AppError && error.kind === "permanent") {
      return cors(Response.json({ ok: false, message: error.merchantMessage }, { status: NOT_FOUND.has(error.code) ? 404 : 400 }));
    }
    if (error instanceof AppError) return cors(Response.json({ ok: false, message: error.merchantMessage }, { status: 503 }));
    logger.error({ err: error }, "admin extension request failed");
    return cors(Response.json({ ok: false, message: "Something went wrong; try again in a moment." }, { status: 500 }));
  }
}
