// TEMPORARY (not committed): the bench's parse stage alone.
import { measureCpu } from "./measure-cpu.ts";
import { startBenchServices } from "./services.ts";

const services = await startBenchServices();
try {
  const rows = Number(process.argv[2] ?? 200000);
  const repeats = Number(process.argv[3] ?? 5);
  const r = await measureCpu(services, { rows, repeats, stages: ["parse"] });
  console.log(JSON.stringify(r));
} finally {
  await services.stop();
}
process.exit(0);
