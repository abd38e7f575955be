/**
 * matrix-js-sdk as one module. The production build makes it a bundle of its own
 * (dist/bin/matrix-sdk.mjs, a megabyte of code) that matrix-client.ts loads when a Matrix account
 * starts, so a Telegram-only transport neither loads nor keeps its source.
 */
import { logger } from 'matrix-js-sdk/lib/logger.js';

// The SDK logs every sync at info level through loglevel; our own log says what matters. The
// exported logger is a loglevel logger; its typings only name the log methods.
(logger as unknown as { setLevel?: (level: string, persist?: boolean) => void }).setLevel?.('warn', false);

export * from 'matrix-js-sdk';
