import type { EdgeletteResponseInit } from "./responses.ts";
import { type ChunkSource, PulledResponse } from "./streaming.ts";

/**
 * Server-Sent Events (the WHATWG `text/event-stream` format) as a pulled
 * response: each event the producer yields is framed and sent as the client
 * reads. A string is shorthand for `{ data }`.
 */

/** One event. `data` that is not a string is sent as JSON; multi-line data becomes several `data:` lines. */
export interface ServerSentEvent {
  event?: string;
  data?: unknown;
  id?: string | number;
  /** The client's reconnection delay, in ms. */
  retry?: number;
  /** A comment line (`: text`), ignored by clients; what heartbeats are made of. */
  comment?: string;
}

export interface EventSourceInit extends EdgeletteResponseInit {
  /** Send a comment line when no event came for this many ms (proxies close idle connections). Off by default. */
  heartbeat?: number;
  /**
   * Called when the producer fails after the first event: the event it
   * returns is sent last, then the stream is aborted and the error reported.
   * Keep it safe: the client sees it. Not called for errors before the first
   * event, which take the normal exception path.
   */
  onError?: (error: unknown) => ServerSentEvent | string | undefined;
}

// `no-cache` so nothing stores the stream; `no-transform` so no proxy compresses
// or rewrites it (a compressor holds events back until its block fills);
// `x-accel-buffering: no` turns off nginx's response buffering, for the same reason.
const SSE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": ping\n\n");
const LINE_BREAK = /\r\n|\r|\n/;

function singleLine(field: string, value: string): string {
  if (LINE_BREAK.test(value) || value.includes("\0")) {
    throw new TypeError(
      `a server-sent event's ${field} must be one line without NUL, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * The event as `text/event-stream` lines, ending with the blank line that
 * dispatches it. A field that would break the framing is a `TypeError`.
 */
export function formatEvent(input: ServerSentEvent | string): string {
  const event: ServerSentEvent = typeof input === "string" ? { data: input } : input;
  if (event === null || typeof event !== "object") {
    throw new TypeError(
      `a server-sent event must be a string or an object, got ${event === null ? "null" : typeof event}`,
    );
  }
  let text = "";
  if (event.comment !== undefined) {
    for (const line of String(event.comment).split(LINE_BREAK)) text += `: ${line}\n`;
  }
  if (event.event !== undefined) text += `event: ${singleLine("event", String(event.event))}\n`;
  if (event.id !== undefined) text += `id: ${singleLine("id", String(event.id))}\n`;
  if (event.retry !== undefined) {
    if (!Number.isInteger(event.retry) || event.retry < 0) {
      throw new TypeError(
        `a server-sent event's retry must be a non-negative integer (ms), got ${event.retry}`,
      );
    }
    text += `retry: ${event.retry}\n`;
  }
  if (event.data !== undefined) {
    const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
    for (const line of data.split(LINE_BREAK)) text += `data: ${line}\n`;
  }
  if (text === "")
    throw new TypeError("a server-sent event needs data, event, id, retry or comment");
  return `${text}\n`;
}

function encodeEvent(event: ServerSentEvent | string): Uint8Array {
  return encoder.encode(formatEvent(event));
}

function eventHeaders(init: HeadersInit | undefined): Headers {
  const headers = new Headers(SSE_HEADERS);
  for (const [name, value] of new Headers(init)) headers.set(name, value);
  return headers;
}

function checkHeartbeat(heartbeat: number | undefined): void {
  if (heartbeat !== undefined && !(Number.isInteger(heartbeat) && heartbeat > 0)) {
    throw new RangeError(
      `EventSourceResponse heartbeat must be a positive integer (ms), got ${heartbeat}`,
    );
  }
}

/**
 * A `text/event-stream` response from an async iterable (or generator
 * function) of events.
 * @example
 * new Route("/events", (request) => new EventSourceResponse(async function* (signal) {
 *   for (let n = Number(lastEventId(request) ?? 0) + 1; !signal.aborted; n++) {
 *     yield { event: "tick", id: n, data: { n } };
 *     await sleep(1000, signal);
 *   }
 * }, { heartbeat: 15_000 }))
 */
export class EventSourceResponse extends PulledResponse<ServerSentEvent | string> {
  constructor(source: ChunkSource<ServerSentEvent | string>, init: EventSourceInit = {}) {
    checkHeartbeat(init.heartbeat);
    const { onError, heartbeat } = init;
    super(
      source,
      {
        encode: encodeEvent,
        heartbeat: heartbeat === undefined ? undefined : { interval: heartbeat, chunk: HEARTBEAT },
        lastWords: onError && ((error) => lastEvent(onError(error))),
      },
      { ...init, headers: eventHeaders(init.headers) },
    );
  }
}

function lastEvent(event: ServerSentEvent | string | undefined): Uint8Array | undefined {
  return event === undefined ? undefined : encodeEvent(event);
}

/**
 * The `Last-Event-ID` a reconnecting `EventSource` sends: where to resume.
 * Undefined on a first connection.
 */
export function lastEventId(request: Request): string | undefined {
  return request.headers.get("last-event-id") || undefined;
}
