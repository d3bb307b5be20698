import { encodeEventKey } from "@movies/local-aws";
import type { S3Event } from "aws-lambda";

/** An S3 ObjectCreated:Put notification as Lambda receives it, with the key form-encoded. */
export function s3CreatedEvent(
  bucket: string,
  key: string,
  object: { eTag?: string | undefined; versionId?: string | undefined; eventTime?: string },
): S3Event {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: "us-east-1",
        eventTime: object.eventTime ?? new Date().toISOString(),
        eventName: "ObjectCreated:Put",
        userIdentity: { principalId: "local" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": "local", "x-amz-id-2": "local" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "ingest-csv",
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: "local" },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            key: encodeEventKey(key),
            size: 0,
            eTag: object.eTag?.replace(/"/g, "") ?? "",
            ...(object.versionId !== undefined && { versionId: object.versionId }),
            sequencer: "0",
          },
        },
      },
    ],
  };
}
