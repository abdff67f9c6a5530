/**
 * The same app written the h3 way: `HTTPError` thrown by handlers, one
 * `onError` that answers every error, `silent: true` (the other apps report
 * nowhere either), and h3's `bodyLimit` middleware for S7's 413.
 */
import { bodyLimit, H3, type H3Event, HTTPError } from "h3";
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

const JSON_TYPE = { "content-type": "application/json" };

function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_TYPE });
}

function onError(error: HTTPError, event: H3Event): Response {
  if (error.unhandled) return json({ detail: "Internal Server Error" }, 500);
  if (error.status === 404) return json({ detail: "Not Found", path: event.url.pathname }, 404);
  // h3's bodyLimit words its 413 its own way; the app's answer is the same as the others'.
  const detail = error.status === 413 ? TOO_LARGE : error.message;
  return json({ detail }, error.status);
}

async function createUser(event: H3Event) {
  if (!isJsonType(event.req.headers.get("content-type"))) {
    throw new HTTPError({ status: 415, message: UNSUPPORTED_TYPE });
  }
  const body = await event.req.json().catch(() => {
    throw new HTTPError({ status: 400, message: MALFORMED });
  });
  const problem = userProblem(body);
  if (problem) throw new HTTPError({ status: 422, message: problem });
  event.res.status = 201;
  return createdUser(body);
}

export function createH3App(): H3 {
  const app = new H3({ silent: true, onError });
  app.get("/", () => "Hello, World!");
  app.get("/users/:id", (event) => {
    const raw = event.context.params?.id ?? "";
    if (!DIGITS.test(raw)) throw new HTTPError({ status: 404 });
    const id = Number(raw);
    return { id, name: `user-${id}` };
  });
  app.get("/admin", () => {
    throw new HTTPError({ status: 403, message: "Forbidden" });
  });
  app.get("/boom", () => {
    throw new Error("boom");
  });
  app.post("/users", createUser, { middleware: [bodyLimit(BODY_LIMIT)] });
  return app;
}
