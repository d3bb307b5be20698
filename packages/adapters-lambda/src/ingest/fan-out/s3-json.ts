import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

/** Reads a JSON object the fan-out wrote. */
export async function getJson<T>(s3: S3Client, bucket: string, key: string): Promise<T> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await Body?.transformToString()) ?? "") as T;
}

export async function putJson(
  s3: S3Client,
  bucket: string,
  key: string,
  value: unknown,
  /** Writes only over the object with this ETag (S3 conditional write), if given. */
  ifMatch?: string,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(value),
      ContentType: "application/json",
      ...(ifMatch !== undefined && { IfMatch: ifMatch }),
    }),
  );
}
