import { ClientDisconnect, HTTPException } from "./exceptions.ts";

export interface ReadJsonOptions {
  /** Largest body accepted, in bytes; larger → 413. Default 1 MiB. */
  limit?: number;
}

const DEFAULT_LIMIT = 1024 * 1024;

function isJsonType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const essence = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return essence === "application/json" || essence.endsWith("+json");
}

/**
 * Reads a JSON request body: 415 for another content type, 413 past `limit`,
 * 400 for malformed JSON, `ClientDisconnect` if the client goes away (S-BAD-1).
 * @example const body = await readJson(request, { limit: 64 * 1024 });
 */
export async function readJson(request: Request, options: ReadJsonOptions = {}): Promise<unknown> {
  if (!isJsonType(request.headers.get("content-type"))) {
    throw new HTTPException(415, "Expected an application/json body");
  }
  const text = await readText(request, options.limit ?? DEFAULT_LIMIT);
  try {
    return JSON.parse(text);
  } catch {
    throw new HTTPException(400, "Malformed JSON body");
  }
}

const decoder = new TextDecoder();

async function readText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) throw new HTTPException(413);
  // A declared length within the limit bounds the body (servers stop there): read it whole.
  if (declared >= 0) return readWhole(request);
  if (request.body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > limit) throw new HTTPException(413);
      chunks.push(read.value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof HTTPException) throw error;
    throw new ClientDisconnect("the client went away while its body was read", { cause: error });
  }
  return decoder.decode(chunks.length === 1 ? chunks[0] : concat(chunks, size));
}

async function readWhole(request: Request): Promise<string> {
  try {
    return await request.text();
  } catch (error) {
    throw new ClientDisconnect("the client went away while its body was read", { cause: error });
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}
