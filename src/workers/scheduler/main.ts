/** Entry of the scheduler worker process (forked by the supervisor). */
import { runWorker } from '../../shared/worker/runtime.js';

await runWorker({});
