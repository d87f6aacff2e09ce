// A provider's PDF behind a link it hands out (Visma's {Url}, InvoicExpress's pdfUrl): fetched with a bounded
// wait and size, and accepted only when the bytes are a PDF. Failures go to the provider's own error mapping.
import axios from "axios";
import { RetryableError } from "../lib/errors";

export async function downloadPdf(url: string, input: { provider: string; code: string }): Promise<Uint8Array> {
  const response = await axios.get(url, { responseType: "arraybuffer", timeout: 60_000, maxContentLength: 20 * 1024 * 1024 });
  const bytes = new Uint8Array(response.data as ArrayBuffer);
  if (Buffer.from(bytes.subarray(0, 5)).toString() !== "%PDF-") {
    throw new RetryableError(input.code, `${input.provider}'s PDF link did not give a PDF; it will be fetched again.`);
  }
  return bytes;
}
