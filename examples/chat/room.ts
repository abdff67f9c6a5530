/**
 * One chat room = one Durable Object (the Worker routes `/rooms/{name}/ws`
 * here by name). Members join with a signed token, get the last 50 messages,
 * then every message goes to every member. Sockets hibernate between
 * messages; what a member needs across hibernation rides in `ws.state`.
 */
import {
  type RoomContext,
  type RoomMessage,
  type RoomSocket,
  WebSocketRoom,
} from "../../adapters/cloudflare-rooms.ts";
import { WebSocketException } from "../../src/index.ts";
import { History, type SqlStorage } from "./history.ts";
import { InvalidMessage, parseMessage } from "./protocol.ts";
import { verifyToken } from "./tokens.ts";

export interface ChatEnv {
  /** Signs member tokens (a `wrangler secret` in production). */
  CHAT_SECRET: string;
}

/** The part of `DurableObjectState` the room uses (`wrangler types` generates the full one). */
export interface ChatContext extends RoomContext {
  storage: { sql: SqlStorage };
}

/** Per-socket state; kept in the socket's attachment, so it must stay small. */
export interface Member {
  user: string;
  /** Fixed-window rate limit: when the current window started, and messages sent in it. */
  windowStart: number;
  sent: number;
}

export const RATE_LIMIT = { messages: 20, windowMs: 10_000 };

/** Counts one message against the member's window; over the limit closes 1013 (Try Again Later). */
function spend(member: Member, now: number): Member {
  if (now - member.windowStart >= RATE_LIMIT.windowMs) {
    return { ...member, windowStart: now, sent: 1 };
  }
  if (member.sent >= RATE_LIMIT.messages) {
    const limit = `at most ${RATE_LIMIT.messages} messages per ${RATE_LIMIT.windowMs / 1000} s`;
    throw new WebSocketException(1013, `rate limit: ${limit}`);
  }
  return { ...member, sent: member.sent + 1 };
}

export class ChatRoom extends WebSocketRoom<ChatEnv, Member> {
  readonly #history: History;

  constructor(ctx: ChatContext, env: ChatEnv) {
    super(ctx, env);
    this.#history = new History(ctx.storage.sql);
  }

  override async onConnect(ws: RoomSocket<Member>, request: Request): Promise<void> {
    const token = new URL(request.url).searchParams.get("token");
    const user = await verifyToken(token, this.env.CHAT_SECRET);
    // Thrown before accept, the room still accepts and closes, so a browser sees 1008.
    if (!user) throw new WebSocketException(1008, "a valid ?token= is required");
    ws.accept();
    ws.setState({ user, windowStart: Date.now(), sent: 0 });
    ws.sendJson({ type: "history", messages: this.#history.recent() });
  }

  override onMessage(ws: RoomSocket<Member>, frame: RoomMessage): void {
    const member = spend(ws.state as Member, Date.now());
    ws.setState(member);
    let text: string;
    try {
      text = parseMessage(frame);
    } catch (error) {
      if (!(error instanceof InvalidMessage)) throw error;
      ws.sendJson({ type: "error", error: error.message });
      return;
    }
    const message = this.#history.append(member.user, text, Date.now());
    // Serialized once for everybody, sender included: the echo confirms the order.
    this.broadcast(JSON.stringify({ type: "message", ...message }));
  }
}
