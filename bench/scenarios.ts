/**
 * The benchmark scenarios and the answers every app must give. The three
 * apps are checked against these before anything is timed, so a faster app
 * cannot be a wrong one.
 */

export type ScenarioId = "S1" | "S2" | "S3" | "S4" | "S5" | "S6" | "S7";

export interface Probe {
  /** Shown when a check fails. */
  readonly label: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly expect: { status: number; type: string; body: string };
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  /** The request that is timed. S6 (a WebSocket echo) has none: it is timed by its own client. */
  readonly timed: Probe | undefined;
  /** Every request checked before timing, the timed one first. */
  readonly checks: readonly Probe[];
}

function get(label: string, path: string, status: number, type: string, body: unknown): Probe {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return { label, method: "GET", path, expect: { status, type, body: text } };
}

function postJson(label: string, body: string, status: number, response: unknown): Probe {
  const expect = { status, type: "application/json", body: JSON.stringify(response) };
  return { label, method: "POST", path: "/users", body, contentType: "application/json", expect };
}

const hello = get("S1", "/", 200, "text/plain", "Hello, World!");
const user = get("S2", "/users/42", 200, "application/json", { id: 42, name: "user-42" });
const missing = get("S3", "/missing", 404, "application/json", {
  detail: "Not Found",
  path: "/missing",
});
const forbidden = get("S4", "/admin", 403, "application/json", { detail: "Forbidden" });
const boom = get("S5", "/boom", 500, "application/json", { detail: "Internal Server Error" });
const created = postJson("S7", '{"name":"Ada","age":36}', 201, { id: 1, name: "Ada", age: 36 });
const invalid = postJson("S7 invalid", '{"name":"","age":36}', 422, {
  detail: "name must be a non-empty string",
});
const malformed = postJson("S7 malformed", '{"name":', 400, { detail: "Malformed JSON body" });

function scenario(id: ScenarioId, title: string, timed: Probe, ...more: Probe[]): Scenario {
  return { id, title, timed, checks: [timed, ...more] };
}

export const SCENARIOS: readonly Scenario[] = [
  scenario("S1", "GET / text", hello),
  scenario("S2", "GET /users/{id} JSON", user),
  scenario("S3", "custom JSON 404", missing),
  scenario("S4", "HTTPException(403) → JSON handler", forbidden),
  scenario("S5", "thrown Error → JSON 500", boom),
  { id: "S6", title: "WebSocket echo round trip", timed: undefined, checks: [] },
  scenario("S7", "POST JSON, validated (422 on bad input)", created, invalid, malformed),
];

/** The HTTP scenarios, in the order they are timed. */
export const HTTP_SCENARIOS = SCENARIOS.filter((each) => each.timed !== undefined);

/** Requests cycled through by the memory run: every HTTP check, valid and invalid. */
export const MIXED_PROBES: readonly Probe[] = HTTP_SCENARIOS.flatMap((each) => each.checks);

/** The path the WebSocket echo lives at, in every app. */
export const WEBSOCKET_PATH = "/ws";

const encoder = new TextEncoder();

/**
 * The request as a server hands it to an app. A POST carries the
 * `Content-Length` its client sent (every HTTP client does for a body of known
 * size), as it does in the HTTP mode; a `Request` built in process would
 * otherwise have none, and look like a chunked upload of unknown length.
 */
export function toRequest(probe: Probe, origin = "http://bench.local"): Request {
  if (probe.method === "GET") return new Request(origin + probe.path);
  const body = probe.body ?? "";
  const headers = {
    "content-type": probe.contentType ?? "application/json",
    "content-length": String(encoder.encode(body).byteLength),
  };
  return new Request(origin + probe.path, { method: "POST", headers, body });
}

/**
 * The media type without parameters, lower-cased: `text/plain; charset=UTF-8` → `text/plain`.
 * Bun leaves `new Response("text")` without a content type in memory (it adds
 * `text/plain;charset=utf-8` on the wire, as the Fetch spec does at construction).
 */
function mediaType(contentType: string | null): string {
  if (contentType === null) return "text/plain";
  return contentType.split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Why `status/contentType/body` is not what `probe` expects, or undefined when it is. */
export function mismatch(
  probe: Probe,
  status: number,
  contentType: string | null,
  body: string,
): string | undefined {
  const { expect } = probe;
  const got = { status, type: mediaType(contentType), body };
  if (got.status === expect.status && got.type === expect.type && got.body === expect.body) {
    return undefined;
  }
  return `${probe.label} ${probe.method} ${probe.path}: expected ${JSON.stringify(expect)}, got ${JSON.stringify(got)}`;
}
