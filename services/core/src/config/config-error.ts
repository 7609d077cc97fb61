/** One thing wrong with the configuration, located by a path such as `streams[1].jobsGraph` or `env.PORT`. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/**
 * Thrown when configuration cannot be used. Carries every problem found, not just the first,
 * so an operator fixes the whole file or environment in one go.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(formatProblems(problems), options);
    this.problems = problems;
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((problem) => `  ${problem.path}: ${problem.message}`);
  return [`invalid configuration (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):`, ...lines].join('\n');
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats path segments the way the value would be addressed in JavaScript: `streams[1].jobsGraph`,
 * `env.PORT`, `prefixes["http://x/"]`. An empty path is `(root)`.
 */
export function formatConfigPath(segments: readonly PropertyKey[], prefix?: string): string {
  let path = prefix ?? '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'symbol') path += `[${String(segment)}]`;
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path === '' ? '(root)' : path;
}
