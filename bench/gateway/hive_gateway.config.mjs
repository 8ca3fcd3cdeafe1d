// Hive Gateway settings for the benchmark, used through `hive-gateway supergraph FILE -c this-file`.
// The benchmark query is deep and large, so the depth and token limits are off, as in the public
// gateway benchmark. HIVE_BENCH_DEDUP=1 also turns on inbound in-flight request deduplication, which
// one published configuration used; it is off by default, so every request is really executed.
import { defineConfig } from "@graphql-hive/gateway";

export const gatewayConfig = defineConfig({
  maxDepth: false,
  maxTokens: false,
  inboundInflightRequestDeduplication: process.env.HIVE_BENCH_DEDUP === "1",
});
