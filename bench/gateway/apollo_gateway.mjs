// Apollo Gateway (@apollo/gateway on @apollo/server) for the benchmark, set up as the public gateway
// benchmark sets it up: a supergraph file, NODE_ENV=production, one cluster worker per core by default.
// Usage: node apollo_gateway.mjs --supergraph FILE --port N [--workers K] [--host 127.0.0.1]
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const { values } = parseArgs({
  options: {
    supergraph: { type: "string" },
    port: { type: "string", default: "4000" },
    host: { type: "string", default: "127.0.0.1" },
    workers: { type: "string", default: String(availableParallelism()) },
  },
});
if (!values.supergraph) {
  console.error("--supergraph FILE is required");
  process.exit(2);
}
const workers = Number.parseInt(values.workers, 10);

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  // A worker that dies takes the gateway down: the benchmark must not silently run on fewer workers.
  cluster.on("exit", (worker, code) => {
    console.error(`worker ${worker.process.pid} exited with ${code}`);
    process.exit(1);
  });
  const stop = () => {
    for (const worker of Object.values(cluster.workers)) worker.kill();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(values.supergraph, "utf8") });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { host: values.host, port: Number.parseInt(values.port, 10) },
  });
  console.log(`Apollo Gateway ready at ${url} (pid ${process.pid})`);
}
