/**
 * The same app written the Elysia way: a custom error class registered with
 * `.error()`, one `onError` that answers by error code, and a route `parse`
 * hook for S7's body rules (415, 413, 400). Elysia compiles each route's
 * handler with `new Function` (its ahead-of-time mode), which workerd forbids.
 */
import { Elysia, NotFoundError } from "elysia";
import { WEBSOCKET_PATH } from "../scenarios.ts";
import {
  BODY_LIMIT,
  createdUser,
  DIGITS,
  isJsonType,
  MALFORMED,
  TOO_LARGE,
  UNSUPPORTED_TYPE,
  userProblem,
} from "./validate.ts";

/** The app's own HTTP error: a status and a detail. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ElysiaAppOptions {
  /** Adds Elysia's own WebSocket echo (`.ws()`, Bun only). */
  echo?: boolean;
}

/**
 * The route's body parser: the declared length bounds the body, as every
 * server here ensures. Elysia wraps what a parser throws in its `ParseError`
 * (code `PARSE`, the thrown error as `cause`); `onError` unwraps it.
 */
function readJsonBody({ request }: { request: Request }): Promise<unknown> {
  const { headers } = request;
  if (!isJsonType(headers.get("content-type"))) throw new HttpError(415, UNSUPPORTED_TYPE);
  if (Number(headers.get("content-length")) > BODY_LIMIT) throw new HttpError(413, TOO_LARGE);
  return request.json().catch(() => {
    throw new HttpError(400, MALFORMED);
  });
}

function createUser({ body, set }: { body: unknown; set: { status?: number | string } }) {
  const problem = userProblem(body);
  if (problem) throw new HttpError(422, problem);
  set.status = 201;
  return createdUser(body);
}

export function createElysiaApp(options: ElysiaAppOptions = {}) {
  const app = new Elysia()
    .error({ HTTP: HttpError })
    .onError(({ code, error, path, set }) => {
      if (code === "NOT_FOUND") {
        set.status = 404;
        return { detail: "Not Found", path };
      }
      const known = code === "HTTP" ? error : code === "PARSE" ? error.cause : undefined;
      if (known instanceof HttpError) {
        set.status = known.status;
        return { detail: known.message };
      }
      set.status = 500;
      return { detail: "Internal Server Error" };
    })
    .get("/", () => "Hello, World!")
    .get("/users/:id", ({ params }) => {
      if (!DIGITS.test(params.id)) throw new NotFoundError();
      const id = Number(params.id);
      return { id, name: `user-${id}` };
    })
    .get("/admin", () => {
      throw new HttpError(403, "Forbidden");
    })
    .get("/boom", () => {
      throw new Error("boom");
    })
    .post("/users", createUser, { parse: readJsonBody });
  if (options.echo) app.ws(WEBSOCKET_PATH, { message: (ws, message) => ws.send(message) });
  return app;
}
