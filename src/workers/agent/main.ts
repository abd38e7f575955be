/** Entry of the agent worker process (forked by the supervisor). */
import { runWorker } from '../../shared/worker/runtime.js';

await runWorker({});
