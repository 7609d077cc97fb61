/**
 * Info-level notes about the configuration: keys and variables that are accepted but no longer have
 * an effect, and harmless normalisations. Unlike warnings (ConfigWarnings: the value is read
 * differently from the lblod service), nothing here changes what the operator meant; the notes only
 * say so once at start-up.
 */

export interface ConfigNote {
  /** Where the value is, e.g. `/config/services.json["organizations"].useFileDiff` or `env.SUDO_QUERY_RETRY`. */
  path: string;
  message: string;
}

/** A services.json key or env var accepted for compatibility and not used. */
export interface IgnoredSetting extends ConfigNote {
  /** The stream, for services.json keys; undefined for env vars. */
  stream?: string;
  /** The key or variable name. */
  key: string;
  value: unknown;
}

/** The part of a logger that notes need; a pino logger fits. */
export interface NoteLogger {
  info(bindings: object, message: string): void;
}

/** Logs every note at info level, once. */
export function logConfigNotes(notes: readonly ConfigNote[], logger: NoteLogger): void {
  for (const note of notes) logger.info({ configPath: note.path }, `config ${note.path} ${note.message}`);
}
