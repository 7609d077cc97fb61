/** `npm run bench -- initial-sync`: see support/task-bench.ts. */
import { runTaskBench } from './support/task-bench.js';

await runTaskBench('initialSync');
