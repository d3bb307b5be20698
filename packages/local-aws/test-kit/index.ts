// What every package's tests share: a fresh bucket on the run's S3 server and the seed's flow.

export { type FreshBucket, freshBucket } from "./fresh-bucket.ts";
export type * from "./provided-context.ts";
export { REAL_LOOKING_AWS_KEYS } from "./real-looking-aws-keys.ts";
export { SEED_MV1_RATED, SEED_PATCH_BODY } from "./seed-flow.ts";
