/** `ductor config schema [FILE]`: writes the JSON Schema of config.json so editors can complete it. */
import { resolve } from 'node:path';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';
import { configSchemaPath, configSchemaText } from '../config-schema-file.js';

export async function runConfigCommand(options: { home: string; args: string[] }): Promise<number> {
  const [sub, target] = options.args;
  if (sub !== 'schema') {
    process.stderr.write('ductor: usage: ductor config schema [FILE]\n');
    return EXIT_FAILURE;
  }
  const file = target ? resolve(target) : configSchemaPath(options.home);
  await writeFileAtomic(file, configSchemaText());
  process.stdout.write(`wrote ${file}\n`);
  return EXIT_OK;
}
