import { encodeEventKey } from "@movies/local-aws";
import type { S3Event } from "aws-lambda";

/**
 * An S3 ObjectCreated:Put notification as Lambda receives it, with the key form-encoded. S3 always
 * says the object's size; a caller that does not know it leaves it out, and the ingest then asks
 * S3 itself where it needs it.
 */
export function s3CreatedEvent(
  bucket: string,
  key: string,
  object: {
    eTag?: string | undefined;
    versionId?: string | undefined;
    eventTime?: string;
    size?: number;
  },
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
            ...(object.size !== undefined && { size: object.size }),
            eTag: object.eTag?.replace(/"/g, "") ?? "",
            ...(object.versionId !== undefined && { versionId: object.versionId }),
            sequencer: "0",
          } as S3Event["Records"][number]["s3"]["object"],
        },
      },
    ],
  };
}
