import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; `silent` in tests. */
export function createLogger(
  level: string,
  destination?: import('pino').DestinationStream,
): Logger {
  return destination
    ? pino({ level, base: { service: 'connector-registry' } }, destination)
    : pino({ level, base: { service: 'connector-registry' } });
}
