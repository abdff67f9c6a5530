/**
 * The chat's wire format, JSON text frames both ways.
 *   client → room: {"type": "message", "text": "hi"}
 *   room → client: {"type": "history", "messages": [...]}   once, on joining
 *                  {"type": "message", "id", "user", "text", "at"}   to every member
 *                  {"type": "error", "error": "..."}   to the sender of an invalid frame
 */
import type { RoomMessage } from "../../adapters/cloudflare-rooms.ts";

export const MAX_TEXT_LENGTH = 2000;

/** A frame the room refuses: answered with an error frame, and the socket stays open. */
export class InvalidMessage extends Error {
  override name = "InvalidMessage";
}

const EXPECTED = 'expected {"type": "message", "text": "…"}';

/** The text of a valid message frame; an `InvalidMessage` saying what is wrong otherwise. */
export function parseMessage(frame: RoomMessage): string {
  if (typeof frame !== "string")
    throw new InvalidMessage(`binary frames are not accepted: ${EXPECTED}`);
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    throw new InvalidMessage(`not valid JSON: ${EXPECTED}`);
  }
  const { type, text } = (value ?? {}) as { type?: unknown; text?: unknown };
  if (type !== "message") throw new InvalidMessage(EXPECTED);
  if (typeof text !== "string" || text.trim() === "" || text.length > MAX_TEXT_LENGTH) {
    throw new InvalidMessage(
      `text must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters`,
    );
  }
  return text;
}
