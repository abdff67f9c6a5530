import { ClientDisconnect, HTTPException } from "./exceptions.ts";
import { keepBody } from "./request-replay.ts";

export interface ReadJsonOptions {
  /** Largest body accepted, in bytes; larger → 413. Default 1 MiB. */
  limit?: number;
}

const DEFAULT_LIMIT = 1024 * 1024;

function isJsonType(contentType: string | null): boolean {
  if (contentType === null) return false;
  if (contentType === "application/json") return true; // what nearly every client sends
  const essence = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return essence === "application/json" || essence.endsWith("+json");
}

function malformed(): HTTPException {
  return new HTTPException(400, "Malformed JSON body");
}

function disconnected(cause: unknown): ClientDisconnect {
  return new ClientDisconnect("the client went away while its body was read", { cause });
}

/**
 * Reads a JSON request body: 415 for another content type, 413 past `limit`,
 * 400 for malformed JSON, `ClientDisconnect` if the client goes away (S-BAD-1).
 * @example const body = await readJson(request, { limit: 64 * 1024 });
 */
export function readJson(request: Request, options: ReadJsonOptions = {}): Promise<unknown> {
  const headers = request.headers;
  if (!isJsonType(headers.get("content-type"))) {
    return Promise.reject(new HTTPException(415, "Expected an application/json body"));
  }
  const limit = limitOf(options);
  const declared = Number(headers.get("content-length") ?? Number.NaN);
  if (declared > limit) return Promise.reject(new HTTPException(413));
  const read =
    declared >= 0 ? request.text().then(undefined, bodyFailed) : readCounted(request, limit);
  // A declared length within the limit bounds the body (servers stop there),
  // so the runtime reads it whole; else it is counted as it arrives. Either
  // way the text is kept before it is parsed: a 400 handler may log it.
  return read.then((text) => parseJson(keepBody(request, text)));
}

/** A wrong limit is the caller's bug: thrown at once, at the line that passed it. */
function limitOf(options: ReadJsonOptions): number {
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new RangeError(
      `readJson limit must be a positive integer of bytes, got ${String(limit)}`,
    );
  }
  return limit;
}

/** Reading a body fails only when the client went away (or the body was already used). */
function bodyFailed(error: unknown): never {
  throw disconnected(error);
}

const decoder = new TextDecoder();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw malformed();
  }
}

/**
 * A body of unknown length (a chunked upload, or a `Request` built in
 * process), read chunk by chunk and counted, so a huge one stops at `limit`.
 */
async function readCounted(request: Request, limit: number): Promise<string> {
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
    throw disconnected(error);
  }
  return decoder.decode(chunks.length === 1 ? chunks[0] : concat(chunks, size));
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
