import type { AppendToStreamOptions } from '@eventstore/db-client';

/**
 * The two server calls behind `appendToStream`. The client uses BatchAppend whenever the server
 * advertises it, unless the call carries per-call credentials: then it uses the single Append
 * call (client source: dist/streams/appendToStream/index.js). Both must behave the same.
 * An insecure server ignores the credentials; admin/changeit are a real node's defaults.
 */
export const appendPaths: ReadonlyArray<{ path: string; options: AppendToStreamOptions }> = [
  { path: 'the default path (BatchAppend when advertised)', options: {} },
  { path: 'the single Append call', options: { credentials: { username: 'admin', password: 'changeit' } } },
];
