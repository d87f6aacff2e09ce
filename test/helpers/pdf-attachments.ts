// Reads back what a PDF carries besides its pages: the embedded files (name, AFRelationship, bytes) and the
// XMP metadata stream, through pdf-lib's object model, so that a test checks the file a buyer receives.
import zlib from "node:zlib";
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, type PDFObject } from "pdf-lib";

export type EmbeddedFile = { name: string; relationship: string | null; subtype: string | null; bytes: Buffer };

function streamBytes(stream: PDFRawStream): Buffer {
  const filter = stream.dict.get(PDFName.of("Filter"));
  const raw = Buffer.from(stream.contents);
  if (!filter) return raw;
  if (filter === PDFName.of("FlateDecode")) return zlib.inflateSync(raw);
  throw new Error(`unexpected stream filter ${String(filter)}`);
}

const text = (value: PDFObject | undefined) =>
  value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : value instanceof PDFName ? value.decodeText() : null;

export async function embeddedFiles(pdf: Uint8Array): Promise<EmbeddedFile[]> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const names = doc.catalog.lookupMaybe(PDFName.of("Names"), PDFDict);
  const tree = names?.lookupMaybe(PDFName.of("EmbeddedFiles"), PDFDict);
  if (!tree) return [];
  const files: EmbeddedFile[] = [];
  const walk = (node: PDFDict) => {
    const pairs = node.lookupMaybe(PDFName.of("Names"), PDFArray);
    for (let i = 0; pairs && i < pairs.size(); i += 2) {
      const spec = pairs.lookup(i + 1, PDFDict);
      const ef = spec.lookup(PDFName.of("EF"), PDFDict);
      const stream = ef.lookup(PDFName.of("F")) as PDFRawStream;
      files.push({
        name: text(spec.get(PDFName.of("UF"))) ?? text(spec.get(PDFName.of("F"))) ?? text(pairs.lookup(i)) ?? "",
        relationship: text(spec.get(PDFName.of("AFRelationship"))),
        subtype: text(stream.dict.get(PDFName.of("Subtype"))),
        bytes: streamBytes(stream),
      });
    }
    const kids = node.lookupMaybe(PDFName.of("Kids"), PDFArray);
    for (let i = 0; kids && i < kids.size(); i++) walk(kids.lookup(i, PDFDict));
  };
  walk(tree);
  return files;
}

/** The document's XMP metadata (the catalog's /Metadata stream), as text. */
export async function xmpMetadata(pdf: Uint8Array): Promise<string | null> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const stream = doc.catalog.lookup(PDFName.of("Metadata"));
  return stream instanceof PDFRawStream ? streamBytes(stream).toString("utf8") : null;
}

/** The names the catalog's /AF array (PDF/A-3's associated files) lists. */
export async function associatedFiles(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const af = doc.catalog.lookupMaybe(PDFName.of("AF"), PDFArray);
  const names: string[] = [];
  for (let i = 0; af && i < af.size(); i++) {
    const spec = af.lookup(i, PDFDict);
    names.push(text(spec.get(PDFName.of("UF"))) ?? text(spec.get(PDFName.of("F"))) ?? "");
  }
  return names;
}
