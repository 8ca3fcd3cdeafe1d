// Apollo's composition as a long-lived process for the tests: one JSON request per stdin line
// ([{name, url, sdl}]), one JSON answer per stdout line ({supergraphSdl, apiSchema} or {errors}).
// Same output as tools/federation/compose.mjs, without starting node for every composition.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.resolve(here, "../../../tools/federation/package.json"));
const { composeServices } = require("@apollo/composition");
const { parse, printSchema } = require("graphql");

function compose(services) {
  try {
    const result = composeServices(
      services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
    );
    if (result.errors && result.errors.length) {
      return { errors: result.errors.map((e) => e.message) };
    }
    const api = result.schema.toAPISchema().toGraphQLJSSchema();
    return { supergraphSdl: result.supergraphSdl, apiSchema: printSchema(api) };
  } catch (error) {
    return { errors: [String(error && error.message ? error.message : error)] };
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  process.stdout.write(JSON.stringify(compose(JSON.parse(line))) + "\n");
}
