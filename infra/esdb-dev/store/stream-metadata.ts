/**
 * The parts of a `$metadata` body the server itself enforces on stream reads and catch-up.
 * ACLs and cache control are ignored: esdb-dev runs like an `--insecure` node.
 */
export interface StreamMetadata {
  maxCount?: number;
  maxAgeSeconds?: number;
  truncateBefore?: number;
}

/** `$tb` value the server writes on soft delete: int64 max (parses to 2^63 as a JS number). */
export const SOFT_DELETED_TRUNCATE_BEFORE = '9223372036854775807';
const SOFT_DELETED_THRESHOLD = 2 ** 63;

export const metastreamOf = (stream: string) => `$$${stream}`;
export const isMetastream = (stream: string) => stream.startsWith('$$');
export const streamOfMetastream = (metastream: string) => metastream.slice(2);

export const isSoftDeleted = (metadata: StreamMetadata | undefined) =>
  metadata?.truncateBefore !== undefined && metadata.truncateBefore >= SOFT_DELETED_THRESHOLD;

/**
 * Bodies are stored verbatim; this only reads them. A body that is not a JSON object, or a
 * key that is not a non-negative integer, is ignored rather than failing the stream.
 */
export function parseStreamMetadata(body: Uint8Array): StreamMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const fields = parsed as Record<string, unknown>;
  const metadata: StreamMetadata = {};
  const maxCount = nonNegativeInteger(fields.$maxCount);
  const maxAge = nonNegativeInteger(fields.$maxAge);
  const truncateBefore = nonNegativeInteger(fields.$tb);
  if (maxCount !== undefined) metadata.maxCount = maxCount;
  if (maxAge !== undefined) metadata.maxAgeSeconds = maxAge;
  if (truncateBefore !== undefined) metadata.truncateBefore = truncateBefore;
  return metadata;
}

/**
 * The body written after a soft-deleted stream is written to again: the current metadata with
 * `$tb` moved to the first new revision, so the old events stay hidden.
 */
export function withTruncateBefore(body: Uint8Array | undefined, truncateBefore: number): Buffer {
  let fields: Record<string, unknown> = {};
  if (body) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        fields = parsed as Record<string, unknown>;
      }
    } catch {
      // An unreadable body carries nothing worth keeping.
    }
  }
  return Buffer.from(JSON.stringify({ ...fields, $tb: truncateBefore }), 'utf8');
}

function nonNegativeInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
