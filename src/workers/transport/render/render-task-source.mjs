// Running from source (tests, development): pool threads do not inherit the tsx loader, so this
// file registers it before loading the TypeScript task. Production uses the bundled render-worker.mjs.
import { register } from 'tsx/esm/api';

register();
const task = await import('./render-task.ts');
export default task.default;
