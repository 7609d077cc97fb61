/** `npm run bench -- healing`: see support/task-bench.ts. */
import { runTaskBench } from './support/task-bench.js';

await runTaskBench('healing');
