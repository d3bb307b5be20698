import { bucketColdStart } from "../clients.ts";
import { makeIngestFanOutHandler } from "../handlers/ingest-fan-out.ts";

export const handler = makeIngestFanOutHandler(bucketColdStart(process.env));
