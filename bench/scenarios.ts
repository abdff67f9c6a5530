/**
 * The benchmark scenarios and the answers every app must give. Every app is
 * checked against these before anything is timed, so a faster app cannot be
 * a wrong one.
 */
import { BODY_LIMIT, MALFORMED, TOO_LARGE, UNSUPPORTED_TYPE } from "./apps/validate.ts";

export type ScenarioId = "S1" | "S2" | "S3" | "S4" | "S5" | "S6" | "S7";

export interface Probe {
  /** Shown when a check fails. */
  readonly label: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  /** `type` is a media type without parameters: any spelling of it passes (S-RES-8). */
  readonly expect: { status: number; type: string; body: string };
  /** Checked, never repeated: left out of the mixed load (wrk warm-up, memory run). */
  readonly once?: boolean;
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

function postJson(
  label: string,
  body: string,
  status: number,
  response: unknown,
  contentType = "application/json",
): Probe {
  const expect = { status, type: "application/json", body: JSON.stringify(response) };
  return { label, method: "POST", path: "/users", body, contentType, expect };
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
const malformed = postJson("S7 malformed", '{"name":', 400, { detail: MALFORMED });
const notJson = postJson(
  "S7 not JSON",
  '{"name":"Ada","age":36}',
  415,
  { detail: UNSUPPORTED_TYPE },
  "text/plain",
);
// One byte over the limit, declared: every app must refuse it (S-BAD-1). Sent
// last, once: an app may answer before reading it, and a client on the same
// connection could then wait for the rest to drain.
const tooLarge: Probe = {
  ...postJson("S7 too large", `{"name":"${"a".repeat(BODY_LIMIT - 19)}","age":36}`, 413, {
    detail: TOO_LARGE,
  }),
  once: true,
};

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
  scenario(
    "S7",
    "POST JSON, validated (422, 400, 415 and 413 checked)",
    created,
    invalid,
    malformed,
    notJson,
    tooLarge,
  ),
];

/** The HTTP scenarios, in the order they are timed. */
export const HTTP_SCENARIOS = SCENARIOS.filter((each) => each.timed !== undefined);

/** Every check, the timed requests first within each scenario. */
export const ALL_PROBES: readonly Probe[] = HTTP_SCENARIOS.flatMap((each) => each.checks);

/** Requests cycled through by the memory run and the HTTP warm-up: every check but the once-only. */
export const MIXED_PROBES: readonly Probe[] = ALL_PROBES.filter((each) => !each.once);

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
 * The media type and charset of a `Content-Type`, lower-cased and unquoted:
 * `text/plain;charset=UTF-8` and `text/plain; charset="utf-8"` read the same.
 * Bun leaves `new Response("text")` without a content type in memory (it adds
 * `text/plain;charset=utf-8` on the wire, as the Fetch spec does at construction).
 */
function parseType(contentType: string | null): { essence: string; charset?: string } {
  if (contentType === null) return { essence: "text/plain" };
  const [essence = "", ...parameters] = contentType.split(";");
  const charset = parameters
    .map((each) => each.trim().toLowerCase())
    .find((each) => each.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/^"(.*)"$/, "$1");
  return { essence: essence.trim().toLowerCase(), charset };
}

/** S-RES-8 as amended: the same media type (and UTF-8 if a charset is named), whatever the spelling. */
export function sameMediaType(expected: string, contentType: string | null): boolean {
  const { essence, charset } = parseType(contentType);
  return essence === expected && (charset === undefined || charset === "utf-8");
}

/** Why `status/contentType/body` is not what `probe` expects, or undefined when it is. */
export function mismatch(
  probe: Probe,
  status: number,
  contentType: string | null,
  body: string,
): string | undefined {
  const { expect } = probe;
  const type = sameMediaType(expect.type, contentType);
  if (status === expect.status && type && body === expect.body) return undefined;
  const got = { status, type: contentType, body: body.slice(0, 200) };
  return `${probe.label} ${probe.method} ${probe.path}: expected ${JSON.stringify(expect)}, got ${JSON.stringify(got)}`;
}
