// Composes subgraph SDLs with Apollo's own composition (@apollo/composition).
// Input (stdin): JSON [{"name": "...", "url": "...", "sdl": "..."}]
// Output (stdout): JSON {"supergraphSdl": "...", "apiSchema": "..."} or {"errors": ["..."]}
// Used by tests to cross-check Bookshare's composition and to build fixture supergraphs.
import { composeServices } from "@apollo/composition";
import { parse, printSchema } from "graphql";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const services = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const result = composeServices(
  services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
);
if (result.errors && result.errors.length) {
  process.stdout.write(JSON.stringify({ errors: result.errors.map((e) => e.message) }));
  process.exit(1);
}
const api = result.schema.toAPISchema().toGraphQLJSSchema();
process.stdout.write(JSON.stringify({ supergraphSdl: result.supergraphSdl, apiSchema: printSchema(api) }));
