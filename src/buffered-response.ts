/**
 * The base of edgelette's responses: a body built from a complete value, so
 * the 500 layer need not watch it as a stream, and optional background tasks.
 * The text is kept, so an adapter can send it as it is instead of reading
 * the body stream back, and where the adapter asks, the stream is not even
 * built until something reads the body. Node 20 spends ~20 µs building a
 * `Response`'s body stream and as much reading it, per request; its adapter
 * asks (`deferBodyStreams`).
 */
import { type Background, withBackground } from "./background.ts";

// Set once, by an adapter, before its server answers.
let deferring = false;

// What Fetch types a string body with, when the response has no type of its own.
const TEXT_TYPE = "text/plain;charset=UTF-8";
// The init of deferred text given none (`new PlainTextResponse("hi")`): read, never kept or changed.
const TEXT_INIT: ResponseInit = Object.freeze({ headers: { "content-type": TEXT_TYPE } });

// Fetch's null body statuses a response can be built with.
const NULL_BODY = new Set([204, 205, 304]);

/** True for 204, 205 and 304: a response with one of these statuses has no body. */
export function isNullBodyStatus(status: number | undefined): boolean {
  return status !== undefined && NULL_BODY.has(status);
}

/**
 * A 204, 205 or 304 carries no body: an empty one is dropped, so these
 * responses can carry background work too; any other is the caller's bug.
 */
function bodyFor(text: string | null, init: ResponseInit | undefined): string | null {
  if (!isNullBodyStatus(init?.status)) return text;
  if (text === null || text === "") return null;
  throw new RangeError(`a ${init?.status} response has no body: pass "" (or null for JSON)`);
}

export class BufferedResponse extends Response {
  readonly #text: string | null;
  // Deferred: the response that holds the body stream, once something read it.
  #made: Response | undefined;
  readonly #deferred: boolean;

  constructor(text: string | null, init: ResponseInit | undefined, background?: Background) {
    const body = bodyFor(text, init);
    const deferred = deferring && body !== null;
    if (!deferred) super(body, init);
    else super(null, init ?? TEXT_INIT);
    this.#text = body;
    this.#deferred = deferred;
    if (deferred && init && !this.headers.has("content-type")) {
      this.headers.set("content-type", TEXT_TYPE);
    }
    if (background !== undefined) withBackground(this, background);
  }

  /** The text `response` was built from (null: no body) while its body is unread; else undefined. */
  static unreadText(response: Response): string | null | undefined {
    return response instanceof BufferedResponse && !response.bodyUsed ? response.#text : undefined;
  }

  // With this response's headers: `blob()` and `formData()` read the content type.
  #stream(): Response {
    this.#made ??= new Response(this.#text, { headers: this.headers });
    return this.#made;
  }

  override get body(): Response["body"] {
    return this.#deferred ? this.#stream().body : super.body;
  }

  override get bodyUsed(): boolean {
    return this.#deferred ? (this.#made?.bodyUsed ?? false) : super.bodyUsed;
  }

  override text(): Promise<string> {
    return this.#deferred ? this.#stream().text() : super.text();
  }

  override json(): Promise<unknown> {
    return this.#deferred ? this.#stream().json() : super.json();
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#deferred ? this.#stream().arrayBuffer() : super.arrayBuffer();
  }

  override bytes(): ReturnType<Response["bytes"]> {
    return this.#deferred ? this.#stream().bytes() : super.bytes();
  }

  override blob(): Promise<Blob> {
    return this.#deferred ? this.#stream().blob() : super.blob();
  }

  override formData(): Promise<FormData> {
    return this.#deferred ? this.#stream().formData() : super.formData();
  }

  /** A plain `Response` with this one's status, headers and body (as every runtime's `clone()`). */
  override clone(): Response {
    if (!this.#deferred) return super.clone();
    return new Response(this.#stream().clone().body, this); // throws, as Fetch does, once read
  }
}

/**
 * From now on, the responses edgelette builds from text make their body
 * stream on first read. Their body reads as before through the public API
 * (`body`, `text()`, `clone()`, …); only a `Response.prototype` method
 * called on one directly sees no body.
 */
export function deferBodyStreams(): void {
  deferring = true;
}

/** True when the body is known to be complete: edgelette's own, or none (no user stream that could fail midway). */
export function isBuffered(response: Response): boolean {
  // Not `#text in`: where plain responses pass too, V8 took ~25 ns for that brand
  // check against ~4 for `instanceof` (a loop of 10^7 on Deno; Bun ~3 for both).
  return response instanceof BufferedResponse || response.body === null;
}

/** The text an edgelette response was built from, while its body is unread; undefined otherwise. */
export const unreadText = BufferedResponse.unreadText;
