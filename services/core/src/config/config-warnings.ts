/*
 * Legacy quirks: values the lblod delta-producer services accepted but read differently from what
 * the config says. This suite reads them as written and warns once at start, so an operator who
 * relied on the old reading notices the change.
 */

export interface ConfigWarning {
  path: string;
  message: string;
}

/** The part of a logger that warnings need; a pino logger fits. */
export interface WarningLogger {
  warn(bindings: object, message: string): void;
}

/** Collects warnings while config is loaded, to be logged once the logger exists. */
export class ConfigWarnings {
  #pending: ConfigWarning[] = [];

  /** Records a warning; `undefined` (a quirk check that found nothing) is ignored. */
  add(warning: ConfigWarning | undefined): void {
    if (warning !== undefined) this.#pending.push(warning);
  }

  get pending(): readonly ConfigWarning[] {
    return this.#pending;
  }

  /** Logs every pending warning and forgets it, so each is logged once. */
  logTo(logger: WarningLogger): void {
    for (const warning of this.#pending) logger.warn({ configPath: warning.path }, `config ${warning.path} ${warning.message}`);
    this.#pending = [];
  }
}

/** The old services tested booleans for truthiness, so the string "false" switched a feature on. */
export function stringFalseQuirk(path: string, rawValue: unknown): ConfigWarning | undefined {
  if (typeof rawValue !== 'string' || rawValue.trim().toLowerCase() !== 'false') return undefined;
  return { path, message: `is the string ${JSON.stringify(rawValue)}: the lblod service would have read it as true; read as false` };
}

/** The old services wrote `value || default`, so a configured 0 silently became the default. */
export function zeroReplacedByDefaultQuirk(path: string, rawValue: unknown, legacyDefault: unknown): ConfigWarning | undefined {
  const isZero = rawValue === 0 || (typeof rawValue === 'string' && rawValue.trim() !== '' && Number(rawValue) === 0);
  if (!isZero) return undefined;
  return { path, message: `is 0: the lblod service would have used its default ${JSON.stringify(legacyDefault)}; using 0` };
}
