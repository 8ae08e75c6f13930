import { pino, type Logger } from 'pino';

export type { Logger };

/** The one way the system makes a logger: JSON lines on stdout, payment tokens redacted. */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    level: options.level,
    name: options.name,
    redact: {
      paths: ['payment.token', '*.payment.token', 'req.body.payment.token', 'body.payment.token', 'data.payment.token'],
      censor: '[redacted]',
    },
  });
}
