import { describe, expect, it } from "vitest";
import * as status from "../src/status.ts";

// The IANA HTTP status code registry, 100–511, written out independently of
// src/status.ts. 306 is registered as "(Unused)"; 418 is kept as the teapot.
const REGISTERED = [
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304,
  305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415,
  416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505,
  506, 507, 508, 510, 511,
];

const OLD_NAMES = {
  HTTP_413_REQUEST_ENTITY_TOO_LARGE: "HTTP_413_CONTENT_TOO_LARGE",
  HTTP_414_REQUEST_URI_TOO_LONG: "HTTP_414_URI_TOO_LONG",
  HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE: "HTTP_416_RANGE_NOT_SATISFIABLE",
  HTTP_422_UNPROCESSABLE_ENTITY: "HTTP_422_UNPROCESSABLE_CONTENT",
} as const;

const exports = Object.entries(status) as [string, unknown][];
const httpConstants = exports.filter(([name]) => name.startsWith("HTTP_"));
const wsConstants = exports.filter(([name]) => name.startsWith("WS_"));

/** "Non-Authoritative Information" → "NON_AUTHORITATIVE_INFORMATION". */
function constantName(text: string): string {
  return text
    .replace(/'/g, "")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();
}

describe("status codes", () => {
  it("S-RES-9: every HTTP code 100–511 registered in RFC 9110 has a constant and a phrase", () => {
    for (const code of REGISTERED) {
      const named = httpConstants.filter(([name]) => name.startsWith(`HTTP_${code}_`));
      expect(named.length, `constant for ${code}`).toBeGreaterThan(0);
      for (const [name, value] of named) expect(value, name).toBe(code);
      expect(status.phrase(code), `phrase for ${code}`).not.toBe("");
    }
  });

  it("S-RES-9: each current constant's name spells its code's reason phrase", () => {
    const current = httpConstants.filter(
      ([name]) => !(name in OLD_NAMES) && name !== "HTTP_306_RESERVED",
    );
    expect(current).toHaveLength(REGISTERED.length);
    for (const [name, code] of current) {
      expect(name).toBe(`HTTP_${code}_${constantName(status.phrase(code as number))}`);
    }
  });

  it("S-EXC-1: phrases follow RFC 9110, not the older RFCs", () => {
    expect(status.phrase(404)).toBe("Not Found");
    expect(status.phrase(413)).toBe("Content Too Large");
    expect(status.phrase(414)).toBe("URI Too Long");
    expect(status.phrase(416)).toBe("Range Not Satisfiable");
    expect(status.phrase(422)).toBe("Unprocessable Content");
    expect(status.phrase(200)).toBe("OK");
    expect(status.phrase(418)).toBe("I'm a Teapot");
  });

  it("S-RES-9: the older 413/414/416/422 names are aliases of the RFC 9110 ones", () => {
    for (const [old, current] of Object.entries(OLD_NAMES)) {
      const value = (status as Record<string, unknown>)[old];
      expect(value, old).toBeTypeOf("number");
      expect(value, old).toBe((status as Record<string, unknown>)[current]);
    }
  });

  it("S-EXC-3: phrase() returns an empty string for a code with no phrase", () => {
    for (const code of [306, 299, 419, 509, 512, 599, 600, 99, 0, -404, 404.5, Number.NaN, 1000]) {
      expect(status.phrase(code), String(code)).toBe("");
    }
  });

  it("S-RES-9: the namespace works as `status.phrase(404)` and `status.HTTP_404_NOT_FOUND`", () => {
    expect(status.HTTP_404_NOT_FOUND).toBe(404);
    expect(status.phrase(status.HTTP_404_NOT_FOUND)).toBe("Not Found");
    expect(status.HTTP_200_OK).toBe(200);
    expect(status.HTTP_500_INTERNAL_SERVER_ERROR).toBe(500);
  });

  it("S-RES-9: the module exports only constants and its three functions", () => {
    const others = exports.map(([name]) => name).filter((name) => !/^(HTTP|WS)_\d+_/.test(name));
    expect(others.sort()).toEqual(["isSendableCloseCode", "isValidHttpStatus", "phrase"]);
    for (const [name, value] of [...httpConstants, ...wsConstants]) {
      expect(value, name).toBe(Number(name.split("_")[1]));
    }
  });
});

describe("WebSocket close codes", () => {
  it("S-RES-9: there is exactly one WS_ constant for each code 1000–1015", () => {
    const codes = wsConstants.map(([, value]) => value);
    expect(codes).toEqual(Array.from({ length: 16 }, (_, i) => 1000 + i));
    expect(status.WS_1004_RESERVED).toBe(1004);
    expect(status.WS_1005_NO_STATUS_RCVD).toBe(1005);
    expect(status.WS_1006_ABNORMAL_CLOSURE).toBe(1006);
    expect(status.WS_1012_SERVICE_RESTART).toBe(1012);
    expect(status.WS_1013_TRY_AGAIN_LATER).toBe(1013);
    expect(status.WS_1014_BAD_GATEWAY).toBe(1014);
    expect(status.WS_1015_TLS_HANDSHAKE).toBe(1015);
  });
});

describe("validators", () => {
  it("S-EXC-3: isValidHttpStatus accepts integers 100–599 and nothing else", () => {
    for (const code of [100, 200, 404, 599])
      expect(status.isValidHttpStatus(code), `${code}`).toBe(true);
    for (const code of [
      99,
      600,
      200.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "200",
      null,
      undefined,
    ]) {
      expect(status.isValidHttpStatus(code), String(code)).toBe(false);
    }
  });

  it("S-EXC-4: isSendableCloseCode accepts 1000–1003, 1007–1014 and 3000–4999 only", () => {
    for (const code of [1000, 1003, 1007, 1008, 1014, 3000, 4000, 4999]) {
      expect(status.isSendableCloseCode(code), `${code}`).toBe(true);
    }
    for (const code of [999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 1000.5, "1000", null]) {
      expect(status.isSendableCloseCode(code), String(code)).toBe(false);
    }
  });
});
