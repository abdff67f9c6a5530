/**
 * The same app written the Hono way: `app.notFound`, `app.onError`, Hono's
 * own `HTTPException`, and its `bodyLimit` middleware for S7's 413.
 * WebSockets use the runtime's Hono helper, when given.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { UpgradeWebSocket } from "hono/ws";
import { WEBSOCKET_PATH } from "../scenarios.ts";
import {
  BODY_LIMIT,
  createdUser,
  isJsonType,
  MALFORMED,
  TOO_LARGE,
  UNSUPPORTED_TYPE,
  userProblem,
} from "./validate.ts";

export interface HonoAppOptions {
  /** `upgradeWebSocket` from `hono/bun` or `hono/deno`; without it there is no echo route. */
  upgradeWebSocket?: UpgradeWebSocket;
}

const limit = bodyLimit({
  maxSize: BODY_LIMIT,
  onError: () => {
    throw new HTTPException(413, { message: TOO_LARGE });
  },
});

export function createHonoApp(options: HonoAppOptions = {}): Hono {
  const app = new Hono();
  app.get("/", (c) => c.text("Hello, World!"));
  app.get("/users/:id{[0-9]+}", (c) => {
    const id = Number(c.req.param("id"));
    return c.json({ id, name: `user-${id}` });
  });
  app.get("/admin", () => {
    throw new HTTPException(403, { message: "Forbidden" });
  });
  app.get("/boom", () => {
    throw new Error("boom");
  });
  app.post("/users", limit, async (c) => {
    if (!isJsonType(c.req.header("content-type"))) {
      throw new HTTPException(415, { message: UNSUPPORTED_TYPE });
    }
    const body = await c.req.json().catch(() => {
      throw new HTTPException(400, { message: MALFORMED });
    });
    const problem = userProblem(body);
    if (problem) throw new HTTPException(422, { message: problem });
    return c.json(createdUser(body), 201);
  });
  if (options.upgradeWebSocket) {
    const echo = options.upgradeWebSocket(() => ({
      onMessage: (event, ws) => ws.send(event.data as string),
    }));
    app.get(WEBSOCKET_PATH, echo);
  }
  app.notFound((c) => c.json({ detail: "Not Found", path: c.req.path }, 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ detail: error.message }, error.status);
    return c.json({ detail: "Internal Server Error" }, 500);
  });
  return app;
}
