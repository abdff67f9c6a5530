// The README's zod example ("Validating input"), tested by test/examples/validation.test.ts.
import { z } from "zod";
import { App, JSONResponse, Route } from "../../src/index.ts";

const NewMember = z.object({
  name: z.string().trim().min(1),
  email: z.email(),
  tags: z.array(z.string()).max(10).default([]),
});
// Query values are strings: the schema coerces them.
const Paging = z.object({ notify: z.stringbool().default(false) });
const Team = z.object({ team: z.string().regex(/^[a-z]+$/) });

const addMember = new Route(
  "/teams/{team}/members",
  (_request, ctx) => {
    const member = ctx.valid.body; // { name: string; email: string; tags: string[] }
    const { notify } = ctx.valid.query; // boolean
    return new JSONResponse({ team: ctx.valid.params.team, notify, ...member }, { status: 201 });
  },
  { methods: ["POST"], body: NewMember, query: Paging, params: Team },
);

export const app = new App({ routes: [addMember] });
