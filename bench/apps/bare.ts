/**
 * The baseline: a hand-written fetch with a switch, no framework. Errors are
 * an `Error` subclass thrown and caught, as a careful hand-written app does.
 */
import { createdUser, userProblem } from "./validate.ts";

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

async function createUser(request: Request): Promise<Response> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new HttpError(400, "Malformed JSON body");
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

/** A fetch handler with the same observable behaviour as the Hono and edgelette apps. */
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
