/**
 * The chat Worker: an edgelette app in front of one Durable Object per room.
 *   POST /login {"user": "alice"}   → {"token": "…"}   (stands in for your sign-in)
 *   GET  /rooms/{name}/ws?token=…   → the room's WebSocket
 * Run it with `npm run start:chat`; deploy with `wrangler deploy --config examples/chat/wrangler.toml`.
 */
import {
  App,
  type Context,
  HTTPException,
  JSONResponse,
  Mount,
  PlainTextResponse,
  Route,
  readJson,
} from "../../src/index.ts";
import type { ChatEnv } from "./room.ts";
import { signToken, USER_NAME } from "./tokens.ts";

export { ChatRoom } from "./room.ts";

/** The slice of `DurableObjectNamespace` used here. */
interface RoomNamespace {
  getByName(name: string): { fetch(request: Request): Promise<Response> };
}

interface Env extends ChatEnv {
  CHAT_ROOMS: RoomNamespace;
}

/** `/{name}/ws` under `/rooms`: lowercase letters, digits and dashes. */
const ROOM_PATH = /^\/([a-z0-9][a-z0-9-]{0,63})\/ws$/;

const usage = () =>
  new PlainTextResponse(
    "edgelette chat: POST /login, then a WebSocket to /rooms/{name}/ws?token=…",
  );

/** Anyone gets a token here: replace with your real sign-in, keep `signToken`. */
const login = async (request: Request, ctx: Context) => {
  const { user } = ((await readJson(request, { limit: 1024 })) ?? {}) as { user?: unknown };
  if (typeof user !== "string" || !USER_NAME.test(user)) {
    throw new HTTPException(422, `user must match ${USER_NAME}`);
  }
  const { CHAT_SECRET } = ctx.env as unknown as Env;
  return new JSONResponse({ token: await signToken(user, CHAT_SECRET) });
};

/**
 * `/rooms/{name}/ws` goes to the one object named `name`, wherever its members
 * connect from; the object accepts the socket. A `Mount`, not a `Route`: an
 * upgrade only ever reaches a `WebSocketRoute` or a mounted handler (S-WS-5).
 */
const rooms = new Mount("/rooms", (request: Request, env?: unknown) => {
  const name = ROOM_PATH.exec(new URL(request.url).pathname)?.[1];
  if (!name)
    throw new HTTPException(404, `no such room: use /rooms/{name}/ws, name matching ${ROOM_PATH}`);
  return (env as Env).CHAT_ROOMS.getByName(name).fetch(request);
});

export const app = new App({
  routes: [new Route("/", usage), new Route("/login", login, { methods: ["POST"] }), rooms],
});

// The Worker itself accepts no socket (the room does), so the plain app is enough.
export default app;
