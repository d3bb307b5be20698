// What the global setup provides to every test file of a run, for `inject()`.
declare module "vitest" {
  export interface ProvidedContext {
    /** DynamoDB Local shared by every test file of the run; use a fresh table per file. */
    dynamoDbEndpoint: string;
    /** The S3 server shared by every test file of the run; use a fresh bucket per file. */
    s3Endpoint: string;
  }
}

export {};
