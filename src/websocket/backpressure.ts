/**
 * The outgoing side of a WebSocket: how much may wait for a slow client, and
 * a way to wait for it. Runtimes expose the amount but no common event for
 * "drained" (Deno and `ws` have none on the socket), so waiting polls it.
 */

/** Default `maxBufferedAmount`: a client that stops reading costs the server at most this. */
export const DEFAULT_MAX_BUFFERED_AMOUNT = 16 * 1024 * 1024;
/** Default for `drained()`: a few frames in flight keep the pipe full without growing. */
export const DEFAULT_DRAIN_LEVEL = 64 * 1024;
/** The close a session sends when a client lets its buffer overflow (RFC 6455: policy violation). */
export const BUFFER_FULL = { code: 1008, reason: "send buffer full" } as const;
/** How long a client that let its buffer overflow has to read up to the 1008 before it is cut. */
export const BUFFER_FULL_GRACE_MS = 5000;

/** Polling backs off from the next turn to this, so a fast client is not kept waiting. */
const MAX_POLL_MS = 16;

/** Resolves once `buffered()` is at most `level`, or `stopped()` is true. */
export function waitForDrain(
  buffered: () => number,
  level: number,
  stopped: () => boolean,
): Promise<void> {
  return new Promise((resolve) => {
    let delay = 0;
    const check = () => {
      if (stopped() || buffered() <= level) return resolve();
      setTimeout(check, delay);
      delay = Math.min(MAX_POLL_MS, delay * 2 || 1);
    };
    check();
  });
}

const encoder = new TextEncoder();

/** A message's size on the wire, before framing: text as UTF-8. */
export function messageSize(data: string | Uint8Array): number {
  return typeof data === "string" ? encoder.encode(data).byteLength : data.byteLength;
}

/**
 * Whether `data` takes at most `room` bytes on the wire. A string's UTF-8 size
 * lies between its length and three times it, which decides nearly every
 * message without encoding it: encoding each one cost Deno's echo a fifth of its time.
 */
export function fitsIn(data: string | Uint8Array, room: number): boolean {
  if (typeof data !== "string") return data.byteLength <= room;
  if (data.length * 3 <= room) return true;
  return data.length <= room && messageSize(data) <= room;
}
