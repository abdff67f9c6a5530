/**
 * Clients for the rooms tests, connected through workerd's own fetch path:
 * the chat through the example's Worker, the probe room through its stub.
 */
import { env, exports } from "cloudflare:workers";
import assert from "node:assert/strict";
import { signToken } from "../../../examples/chat/tokens.ts";
import type { ClientEvent, ClientSocket } from "../../suite/ws-client.ts";
import { openPairClient, upgradeRequest } from "../workerd/targets.ts";

/** The slice of `DurableObjectNamespace` the tests use. */
export interface Namespace {
  getByName(name: string): { fetch(request: Request): Promise<Response> };
}

export const chatRooms = env.CHAT_ROOMS as Namespace;
export const probeRooms = env.PROBE_ROOMS as Namespace;

export function token(user: string): Promise<string> {
  return signToken(user, env.CHAT_SECRET as string);
}

/** The chat Worker's answer to an upgrade request for `path` (a 101 or a denial). */
export function chatUpgrade(path: string, protocols?: string[]): Promise<Response> {
  return exports.default.fetch(upgradeRequest(`http://chat.test${path}`, protocols));
}

export async function nextMessage(socket: ClientSocket): Promise<string | Uint8Array> {
  const event = await socket.next();
  assert.equal(event.kind, "message", `expected a message, got ${JSON.stringify(event)}`);
  return (event as Extract<ClientEvent, { kind: "message" }>).data;
}

export async function nextJson(socket: ClientSocket): Promise<Record<string, unknown>> {
  return JSON.parse(String(await nextMessage(socket)));
}

export async function nextClose(socket: ClientSocket): Promise<{ code: number; reason: string }> {
  const event = await socket.next();
  assert.equal(event.kind, "close", `expected a close, got ${JSON.stringify(event)}`);
  const { code, reason } = event as Extract<ClientEvent, { kind: "close" }>;
  return { code, reason };
}

/** Closes `socket` and resolves with the room's answer, skipping messages still on the way. */
export async function leave(socket: ClientSocket, code = 1000, reason = "") {
  socket.close(code, reason);
  for (;;) {
    const event = await socket.next();
    if (event.kind === "close") return { code: event.code, reason: event.reason };
  }
}

export interface Member {
  socket: ClientSocket;
  /** The history frame's messages, received on joining. */
  history: Record<string, unknown>[];
  say(text: string): void;
}

/** Joins chat room `room` as `user` and reads the history frame. */
export async function join(room: string, user: string): Promise<Member> {
  const socket = await openPairClient(
    await chatUpgrade(`/rooms/${room}/ws?token=${await token(user)}`),
  );
  const first = await nextJson(socket);
  assert.equal(first.type, "history");
  return {
    socket,
    history: first.messages as Record<string, unknown>[],
    say: (text) => socket.send(JSON.stringify({ type: "message", text })),
  };
}

/** A socket to the probe room `room`; `path` picks what its `onConnect` does. */
export async function probe(room: string, path = "/join", protocols?: string[]) {
  const response = await probeUpgrade(room, path, protocols);
  return { response, socket: await openPairClient(response) };
}

export function probeUpgrade(room: string, path: string, protocols?: string[]): Promise<Response> {
  return probeRooms.getByName(room).fetch(upgradeRequest(`http://probe.test${path}`, protocols));
}
