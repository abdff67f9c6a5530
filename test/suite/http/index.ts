import type { SuiteApi } from "../api.ts";
import { backgroundSuite } from "./background.ts";
import { badInputSuite } from "./bad-input.ts";
import { debugSuite } from "./debug.ts";
import { exceptionsSuite } from "./exceptions.ts";
import { handlerTableSuite } from "./handler-table.ts";
import { layersSuite } from "./layers.ts";
import { observabilitySuite } from "./observability.ts";
import type { HttpSuiteOptions } from "./options.ts";
import { reportingSuite } from "./reporting.ts";
import { requestBodySuite } from "./request-body.ts";
import { responsesSuite } from "./responses.ts";
import { routingSuite } from "./routing.ts";
import { sseSuite } from "./sse.ts";
import { standaloneSuite } from "./standalone.ts";
import { streamingSuite } from "./streaming.ts";
import { testingSuite } from "./testing.ts";
import { validationSuite } from "./validation.ts";

export type { HttpSuiteOptions } from "./options.ts";

/**
 * The HTTP behaviour suite (SPEC §2–§8, S-TC-1, S-BAD-1…3), in memory through
 * `TestClient`, the same on every runtime. Exceptions come first: building an
 * app with `debug: true` turns stack capture on for the whole process (S-EXC-6).
 */
export function httpSuite(api: SuiteApi, options: HttpSuiteOptions): void {
  api.describe(`S-RT-1: HTTP behaviour, unchanged on ${options.runtime}`, () => {
    exceptionsSuite(api);
    handlerTableSuite(api);
    layersSuite(api);
    standaloneSuite(api);
    responsesSuite(api);
    routingSuite(api);
    backgroundSuite(api);
    reportingSuite(api, options);
    observabilitySuite(api);
    testingSuite(api);
    streamingSuite(api, options);
    sseSuite(api);
    requestBodySuite(api);
    badInputSuite(api);
    validationSuite(api);
    debugSuite(api);
  });
}
