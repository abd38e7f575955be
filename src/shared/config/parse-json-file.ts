/** Parses the text of a JSON file, turning syntax errors into a ConfigError with line and column. */
import { basename } from 'node:path';
import { ConfigError } from '../errors.js';
import { findJsonSyntaxProblem } from './json-position.js';

/** Parses `text` (a leading BOM is ignored); throws ConfigError naming the position of the first error. */
export function parseJsonFileText(file: string, text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const problem = findJsonSyntaxProblem(text);
    const where = problem ? `line ${problem.line}, column ${problem.column}` : 'an unknown position';
    const reason = problem?.reason ?? (error as Error).message;
    throw new ConfigError(
      file,
      '',
      'valid JSON',
      `${reason} at ${where}`,
      `${basename(file)}: invalid JSON at ${where}: ${reason}. Fix the file; nothing was changed.`,
      { cause: error },
    );
  }
}
