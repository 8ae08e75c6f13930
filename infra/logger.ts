import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * The one way the system makes a logger: JSON lines on stdout, payment tokens redacted. A CLI whose
 * stdout is its output passes another `destination` (stderr).
 */
export function createLogger(options: { level: string; name?: string; destination?: DestinationStream }): Logger {
  const settings: LoggerOptions = {
    level: options.level,
    name: options.name,
    redact: {
      paths: ['payment.token', '*.payment.token', 'req.body.payment.token', 'body.payment.token', 'data.payment.token'],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
