import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";

import { assertValidKey, assertValidPrefix } from "./keys.ts";
import { StorageNotFoundError, type Storage } from "./storage.ts";

export interface S3StorageOptions {
  endpoint?: string;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** Objects in one S3 (or MinIO, or s3rver) bucket. A PUT is atomic on S3, so no temp objects are needed. */
export class S3Storage implements Storage {
  readonly driver = "s3" as const;
  readonly bucket: string;
  readonly client: S3Client;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    const config: S3ClientConfig = { region: options.region, forcePathStyle: options.forcePathStyle };
    if (options.endpoint) config.endpoint = options.endpoint;
    if (options.accessKeyId && options.secretAccessKey) {
      config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
    }
    this.client = new S3Client(config);
  }

  async put(key: string, body: Buffer, contentType?: string): Promise<void> {
    assertValidKey(key);
    await this.call("PutObject", key, () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType })));
  }

  async get(key: string): Promise<Buffer> {
    assertValidKey(key);
    const out = await this.call("GetObject", key, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
    if (!out.Body) throw new Error(`S3 returned no body for ${key} in bucket ${this.bucket}.`);
    return Buffer.from(await out.Body.transformToByteArray());
  }

  async exists(key: string): Promise<boolean> {
    assertValidKey(key);
    try {
      await this.call("HeadObject", key, () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
      return true;
    } catch (err) {
      if (err instanceof StorageNotFoundError) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.call("DeleteObject", key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.call("ListObjectsV2", prefix, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix || undefined, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Sends one command and turns S3's error shapes into errors that say what to do. */
  private async call<T>(operation: string, key: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; message?: string };
      const name = e.name ?? e.Code;
      if (name === "NoSuchBucket") {
        throw new Error(`S3 bucket "${this.bucket}" does not exist. Create it, or set S3_BUCKET to an existing bucket.`, { cause: err });
      }
      if (name === "NoSuchKey" || name === "NotFound" || e.$metadata?.httpStatusCode === 404) {
        throw new StorageNotFoundError(key);
      }
      throw new Error(`S3 ${operation} for "${key}" in bucket "${this.bucket}" failed: ${e.message ?? String(err)}`, { cause: err });
    }
  }
}
