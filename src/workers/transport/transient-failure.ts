/**
 * Whether handling an update failed because something it needs is away for a while (the agent
 * is down, restarting or slow to acknowledge), as opposed to failing because of the update
 * itself. A transient failure keeps the update for redelivery however often it repeats; only the
 * other kind counts toward setting an update aside.
 */
import { RpcError } from '../../shared/errors.js';
import { RPC_CLOSED, RPC_TARGET_UNAVAILABLE, RPC_TIMEOUT } from '../../shared/rpc/errors.js';
import { TelegramApiError, TelegramNetworkError } from './telegram-bot.js';

const TRANSIENT_RPC = new Set([RPC_TARGET_UNAVAILABLE, RPC_TIMEOUT, RPC_CLOSED]);

export function isTransientFailure(error: unknown): boolean {
  if (error instanceof RpcError) return TRANSIENT_RPC.has(error.rpcCode);
  // Telegram itself being unreachable or rate limiting says nothing about the update.
  if (error instanceof TelegramNetworkError) return true;
  if (error instanceof TelegramApiError) return error.errorCode === 429 || error.errorCode >= 500;
  return false;
}
