/**
 * The baseline: a hand-written fetch with a switch, no framework. Errors are
 * an `Error` subclass thrown and caught, as a careful hand-written app does.
 */
import {
  BODY_LIMIT,
  createdUser,
  isJsonType,
  MALFORMED,
  TOO_LARGE,
  UNSUPPORTED_TYPE,
  userProblem,
} from "./validate.ts";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const JSON_TYPE = { "content-type": "application/json" };

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_TYPE });
}

/** The path of a request URL, without building a `URL`. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const query = url.indexOf("?", start);
  return start === -1 ? "/" : url.slice(start, query === -1 ? url.length : query);
}

// The declared length bounds the body: every server here stops reading there.
async function createUser(request: Request): Promise<Response> {
  const { headers } = request;
  if (!isJsonType(headers.get("content-type"))) throw new HttpError(415, UNSUPPORTED_TYPE);
  if (Number(headers.get("content-length")) > BODY_LIMIT) throw new HttpError(413, TOO_LARGE);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new HttpError(400, MALFORMED);
  }
  const problem = userProblem(body);
  if (problem) throw new HttpError(422, problem);
  return json(createdUser(body), 201);
}

async function route(request: Request, path: string): Promise<Response> {
  switch (path) {
    case "/":
      // A string body gets `text/plain;charset=UTF-8` from the Fetch spec itself.
      if (request.method === "GET") return new Response("Hello, World!");
      break;
    case "/admin":
      if (request.method === "GET") throw new HttpError(403, "Forbidden");
      break;
    case "/boom":
      if (request.method === "GET") throw new Error("boom");
      break;
    case "/users":
      if (request.method === "POST") return createUser(request);
      break;
  }
  const userId = /^\/users\/([0-9]+)$/.exec(path)?.[1];
  if (userId !== undefined && request.method === "GET") {
    const id = Number(userId);
    return json({ id, name: `user-${id}` });
  }
  return json({ detail: "Not Found", path }, 404);
}

/** A fetch handler with the same observable behaviour as the framework apps. */
export function createBareApp() {
  return {
    async fetch(request: Request): Promise<Response> {
      const path = pathOf(request.url);
      try {
        return await route(request, path);
      } catch (error) {
        if (error instanceof HttpError) return json({ detail: error.message }, error.status);
        return json({ detail: "Internal Server Error" }, 500);
      }
    },
  };
}
