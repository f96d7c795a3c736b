import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

/**
 * Where uploaded media and their thumbnails live. Keys are unique per object (a random id and
 * a variant), so an object never changes once written and may be cached for good. The default
 * is a directory; an S3-compatible store is another implementation of this interface.
 */
export interface MediaStorage {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when no object has this key. */
  get(key: string): Promise<{ bytes: Buffer; contentType: string } | undefined>;
  /** Where a browser fetches it: the api's `GET /media/<key>`. */
  url(key: string): string;
}

/** Where objects go: a directory (the default), or a bucket of any S3-compatible store. */
export type StorageSettings = {
  /** The api's public base URL for `url(key)`; relative (`/media/<key>`) when absent. */
  publicBaseUrl?: string | undefined;
} & (
  | {
      /** The directory objects are written under (MEDIA_DIR); created on first write. */
      dir: string;
    }
  | { s3: S3Settings }
);

export interface S3Settings {
  /** The store's endpoint (MinIO, R2, Ceph…); absent for AWS itself. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Bucket in the path rather than the host name, as most self-hosted stores need. */
  forcePathStyle: boolean;
}

export function createStorage(settings: StorageSettings): MediaStorage {
  return "s3" in settings
    ? createS3Storage(settings, settings.s3)
    : createDirectoryStorage(settings);
}

// Letters, digits, dashes and dots, no leading dot: a key can name no other directory.
const KEY = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export function isStorageKey(key: string) {
  return KEY.test(key) && !key.includes("..");
}

function checked(key: string) {
  if (!isStorageKey(key)) throw new Error(`Not a storage key: ${JSON.stringify(key)}`);
  return key;
}

const TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  // Reports' PDFs: stored here, served only by the report's own download route.
  pdf: "application/pdf",
};

/** The content type a key's extension gives, or undefined for no key any store could hold. */
function typeOfKey(key: string) {
  return isStorageKey(key) ? TYPES[path.extname(key).slice(1)] : undefined;
}

/** Refuses a key that is none, or whose extension does not give `contentType` back. */
function checkedType(key: string, contentType: string) {
  if (typeOfKey(checked(key)) !== contentType) {
    throw new Error(`Key ${key} does not end in the extension of ${contentType}`);
  }
}

/**
 * The directory store. Each object is one file named by its key, whose extension gives its
 * content type back; a write goes to a temporary name first, so a reader never sees half a file.
 */
export function createDirectoryStorage(
  settings: { dir: string } & Pick<StorageSettings, "publicBaseUrl">,
): MediaStorage {
  const dir = path.resolve(settings.dir);
  return {
    async put(key, bytes, contentType) {
      checkedType(key, contentType);
      await mkdir(dir, { recursive: true });
      const partial = path.join(dir, `.${key}.${process.pid}.partial`);
      await writeFile(partial, bytes);
      await rename(partial, path.join(dir, key));
    },
    async get(key) {
      const contentType = typeOfKey(key);
      if (!contentType) return undefined;
      try {
        return { bytes: await readFile(path.join(dir, key)), contentType };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    url: mediaUrls(settings.publicBaseUrl),
  };
}

/**
 * A bucket of an S3-compatible store. Objects are still served through the api's
 * `GET /media/<key>`, so the bucket stays private and a page's image URLs do not change with
 * the store. Checksums only where an operation requires them: stores other than AWS refuse
 * or mishandle the SDK's default ones.
 */
export function createS3Storage(
  settings: Pick<StorageSettings, "publicBaseUrl">,
  s3: S3Settings,
): MediaStorage {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return {
    async put(key, bytes, contentType) {
      checkedType(key, contentType);
      await client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
        }),
      );
    },
    async get(key) {
      const contentType = typeOfKey(key);
      if (!contentType) return undefined;
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
        return { bytes: Buffer.from(await object.Body!.transformToByteArray()), contentType };
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
    url: mediaUrls(settings.publicBaseUrl),
  };
}

/**
 * `url(key)` of every store: the api's `GET /media/<key>`, under `publicBaseUrl` when given.
 * Also for processes that link to media but store none (the dashboard's server).
 */
export function mediaUrls(publicBaseUrl: string | undefined) {
  const base = publicBaseUrl?.replace(/\/$/, "") ?? "";
  return (key: string) => `${base}/media/${checked(key)}`;
}

/** The extension a key takes for a content type that storage accepts. */
export function extensionOf(contentType: string) {
  return Object.entries(TYPES).find(([, type]) => type === contentType)?.[0];
}
