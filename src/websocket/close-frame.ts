import type { HTTPException } from "../exceptions.ts";
import { isSendableCloseCode } from "../status.ts";

/** RFC 6455: a close frame's payload is at most 125 bytes, 2 of them the code. */
export const MAX_REASON_BYTES = 123;
const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

/** Fails at the call, naming the rule, for a close a client could never receive. */
export function assertSendableClose(
  code: unknown,
  reason: unknown,
  owner = "WebSocket close",
): void {
  if (!isSendableCloseCode(code)) {
    throw new RangeError(
      `${owner} code must be sendable (1000–1003, 1007–1014 or 3000–4999), got ${String(code)}`,
    );
  }
  if (typeof reason !== "string" || utf8Length(reason) > MAX_REASON_BYTES) {
    throw new RangeError(`${owner} reason must be a string of at most 123 UTF-8 bytes`);
  }
}

/** Cuts `text` to at most 123 UTF-8 bytes without splitting a character. */
export function truncateReason(text: string): string {
  if (utf8Length(text) <= MAX_REASON_BYTES) return text;
  let bytes = 0;
  let cut = "";
  for (const char of text) {
    bytes += utf8Length(char);
    if (bytes > MAX_REASON_BYTES) break;
    cut += char;
  }
  return cut;
}

/** An `HTTPException` after accept closes with 4000 + status and the detail as reason (S-WS-3). */
export function closeFrameForHttpException(exc: HTTPException): { code: number; reason: string } {
  const { detail } = exc;
  const text = typeof detail === "string" ? detail : (JSON.stringify(detail) ?? "");
  return { code: 4000 + exc.statusCode, reason: truncateReason(text) };
}
