/** `ductor config schema [FILE]`: writes the JSON Schema of config.json so editors can complete it. */
import { join, resolve } from 'node:path';
import { configJsonSchema } from '../../shared/config/schema.js';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { mainPaths } from '../../shared/paths.js';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';

export async function runConfigCommand(options: { home: string; args: string[] }): Promise<number> {
  const [sub, target] = options.args;
  if (sub !== 'schema') {
    process.stderr.write('ductor: usage: ductor config schema [FILE]\n');
    return EXIT_FAILURE;
  }
  const file = target ? resolve(target) : join(mainPaths(options.home).configDir, 'config.schema.json');
  await writeFileAtomic(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
  return EXIT_OK;
}
