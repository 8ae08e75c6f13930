import type { SeededRandom } from '../../../reliability/support/seeded-random.ts';

/** An answer over the wire: its status and parsed body; status 0 when no answer came (refused, reset, timed out). */
export interface WireAnswer {
  status: number;
  body: unknown;
  /** Why no answer came. */
  error?: string;
}

/** A JSON request to a running launcher; never throws: a network failure is status 0. */
export async function request(baseUrl: string, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 30_000): Promise<WireAnswer> {
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (/metrics): kept as text
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    return { status: 0, body: undefined, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

async function expectStatus(answer: Promise<WireAnswer>, status: number, what: string): Promise<WireAnswer> {
  const got = await answer;
  if (got.status !== status) throw new Error(`${what} answered ${got.status}: ${JSON.stringify(got.body) ?? got.error}`);
  return got;
}

/** Products with stock, through the API; a prefix of the seed keeps skus readable in failure messages. */
export async function stockCatalog(
  baseUrl: string,
  random: SeededRandom,
  { skus, quantity }: { skus: number; quantity: () => number },
): Promise<string[]> {
  const names = Array.from({ length: skus }, (_, index) => `SKU-${random.seed}-${index}`);
  for (const sku of names) {
    await expectStatus(request(baseUrl, 'POST', '/products', { sku, name: `Product ${sku}`, price: random.int(100, 5_000), currency: 'EUR' }), 201, `adding ${sku}`);
    await expectStatus(request(baseUrl, 'POST', `/inventory/${sku}/receipts`, { quantity: quantity() }), 200, `stocking ${sku}`);
  }
  return names;
}

/** The value of one series of a Prometheus text exposition (undefined when absent). */
export function metricValue(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (wanted.every((label) => labelText.split(',').includes(label))) return Number(line.slice(line.indexOf('}') + 1).trim());
  }
  return undefined;
}
