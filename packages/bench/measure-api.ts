import { percentile, round, runWorker, startWorker } from "./lib.ts";
import { functionEnv } from "./measure-ingest.ts";
import type { BenchServices } from "./services.ts";
import type { WarmApiResult } from "./warm-api-worker.ts";

export interface WarmApiFigures {
  readonly warm_get_vs_raw_p50: number;
  readonly warm_get_vs_raw_p99: number;
  readonly warm_patch_vs_raw_p50: number;
  readonly warm_patch_vs_raw_p99: number;
  /** PATCH against what it has to do: the transaction and the consistent read of the result. */
  readonly warm_patch_vs_raw_tx_query_p50: number;
  readonly warm_patch_vs_raw_tx_query_p99: number;
  /** A page of 50 movies (GET /movies) against the one Scan it sends. */
  readonly warm_list_vs_raw_p50: number;
  readonly warm_list_vs_raw_p99: number;
  /** One page's read cost as DynamoDB reports it (consistent Scan), and the items it reads. */
  readonly list_page_rcu: number;
  readonly list_page_items_read: number;
  readonly warm_ms: Readonly<Record<string, number>>;
}

/** Warm GET and PATCH handlers in one fresh process against DynamoDB Local (see the worker). */
export async function measureWarmApi(
  services: BenchServices,
  options: { iterations: number; warmup: number; nodeArgs?: readonly string[] },
): Promise<WarmApiFigures> {
  const table = await services.freshTable("api");
  try {
    const { nodeArgs = [], ...input } = options;
    const result = await runWorker<WarmApiResult>("warm-api", input, {
      env: functionEnv(services, table),
      nodeArgs,
    });
    const ratio = (a: number, b: number) => round(a / b, 3);
    return {
      warm_get_vs_raw_p50: ratio(result.get.p50, result.rawQuery.p50),
      warm_get_vs_raw_p99: ratio(result.get.p99, result.rawQuery.p99),
      warm_patch_vs_raw_p50: ratio(result.patch.p50, result.rawTransaction.p50),
      warm_patch_vs_raw_p99: ratio(result.patch.p99, result.rawTransaction.p99),
      warm_patch_vs_raw_tx_query_p50: ratio(result.patch.p50, result.rawTransactionAndQuery.p50),
      warm_patch_vs_raw_tx_query_p99: ratio(result.patch.p99, result.rawTransactionAndQuery.p99),
      warm_list_vs_raw_p50: ratio(result.list.p50, result.rawScan.p50),
      warm_list_vs_raw_p99: ratio(result.list.p99, result.rawScan.p99),
      list_page_rcu: result.listPage.capacityUnits,
      list_page_items_read: result.listPage.itemsRead,
      warm_ms: {
        list_p50: round(result.list.p50, 3),
        list_p99: round(result.list.p99, 3),
        raw_scan_p50: round(result.rawScan.p50, 3),
        raw_scan_p99: round(result.rawScan.p99, 3),
        get_p50: round(result.get.p50, 3),
        get_p99: round(result.get.p99, 3),
        raw_query_p50: round(result.rawQuery.p50, 3),
        raw_query_p99: round(result.rawQuery.p99, 3),
        patch_p50: round(result.patch.p50, 3),
        patch_p99: round(result.patch.p99, 3),
        raw_tx_p50: round(result.rawTransaction.p50, 3),
        raw_tx_p99: round(result.rawTransaction.p99, 3),
        raw_tx_query_p50: round(result.rawTransactionAndQuery.p50, 3),
        raw_tx_query_p99: round(result.rawTransactionAndQuery.p99, 3),
      },
    };
  } finally {
    await services.dropTable(table);
  }
}

export interface HttpFigures {
  readonly http_get_rps: number;
  readonly http_get_p50_ms: number;
  readonly http_get_p99_ms: number;
  readonly http_get_errors: number;
}

/**
 * GET requests per second through the local stack's HTTP endpoint: the stack runs in a child
 * process; this process keeps `concurrency` requests in flight with fetch over loopback for
 * `seconds`, after a short warm-up. Only 200 responses count.
 */
export async function measureHttpGet(
  services: BenchServices,
  options: { seconds: number; concurrency: number; warmupSeconds: number },
): Promise<HttpFigures> {
  const table = await services.freshTable("http");
  const stack = startWorker<{ url: string }>(
    "http-stack",
    { tableName: table, bucket: "movies-bench-http" },
    { env: { ...functionEnv(services, table), POWERTOOLS_LOG_LEVEL: "SILENT" } },
  );
  try {
    const { url } = await stack.ready;
    const target = `${url}/movies/mv1`;
    const run = async (seconds: number) => {
      const latencies: number[] = [];
      let errors = 0;
      const deadline = performance.now() + seconds * 1000;
      const lane = async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          try {
            const response = await fetch(target);
            await response.arrayBuffer();
            if (response.status === 200) latencies.push(performance.now() - t0);
            else errors++;
          } catch {
            errors++;
          }
        }
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: options.concurrency }, lane));
      return { latencies, errors, seconds: (performance.now() - t0) / 1000 };
    };
    await run(options.warmupSeconds);
    const { latencies, errors, seconds } = await run(options.seconds);
    return {
      http_get_rps: Math.round(latencies.length / seconds),
      http_get_p50_ms: round(percentile(latencies, 50), 3),
      http_get_p99_ms: round(percentile(latencies, 99), 3),
      http_get_errors: errors,
    };
  } finally {
    await stack.stop();
    await services.dropTable(table);
  }
}
