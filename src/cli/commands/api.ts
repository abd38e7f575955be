/**
 * `ductor api enable|disable`: writes the `api` block of config.json. The
 * block is written only here (the API is a beta gate); enable generates a token when there is
 * none and says how to connect. Host, port and token take effect at the next start.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig, updateConfigKeys } from '../../shared/config/load.js';
import type { Config } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { mainPaths } from '../../shared/paths.js';

const USAGE = 'ductor api enable|disable';

export type ApiCommandOptions = { home: string; args: string[]; say?: (line: string) => void };

export async function runApiCommand(options: ApiCommandOptions): Promise<number> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const [sub] = options.args;
  if (sub !== 'enable' && sub !== 'disable') {
    process.stderr.write(`ductor api: usage: ${USAGE}\n`);
    return EXIT_FAILURE;
  }
  const { configFile } = mainPaths(options.home);
  let config: Config;
  try {
    config = (await loadConfig(configFile)).config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ductor api: ${error.message}\n`);
      return EXIT_CONFIG;
    }
    throw error;
  }
  if (sub === 'disable') {
    await updateConfigKeys(configFile, { 'api.enabled': false });
    say('WebSocket API disabled; restart ductor to apply (`ductor restart`)');
    return EXIT_OK;
  }
  const { api } = config;
  const generated = api.token === '';
  // 32 random bytes: guessing is out of reach, and base64url needs no quoting in headers or JSON.
  const token = generated ? randomBytes(32).toString('base64url') : api.token;
  // The whole block is written so the user sees every key; existing values are kept as they are.
  await updateConfigKeys(configFile, {
    'api.enabled': true,
    'api.host': api.host,
    'api.port': api.port,
    'api.token': token,
    'api.chat_id': api.chat_id,
    'api.allow_public': api.allow_public,
  });
  say('WebSocket API enabled (beta); restart ductor to apply (`ductor restart`).');
  say(`  WebSocket: ws://${api.host}:${api.port}/ws   HTTP: http://${api.host}:${api.port}/health, /files?path=, /upload`);
  say(generated ? `  token (new, kept in config.json api.token): ${token}` : '  token: the existing api.token in config.json');
  say('  First frame (plaintext): {"type":"auth","token":"…","e2e_pk":"<base64 X25519 public key>"}; then every frame is base64(nonce ‖ NaCl box).');
  say('  HTTP requests send "Authorization: Bearer <token>".');
  if (api.host === '127.0.0.1' || api.host === 'localhost' || api.host === '::1') {
    say('  It listens on loopback only; set api.host (e.g. your Tailscale address) to reach it from elsewhere.');
  }
  return EXIT_OK;
}
