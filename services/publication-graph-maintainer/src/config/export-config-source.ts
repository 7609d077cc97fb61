/**
 * Loading the streams' export.json files for the maintainer config, through the export module's loader
 * (`loadExportConfig`, ../export/export-config.ts). An unreadable file is reported at the stream's
 * `exportConfigPath` key; problems inside a file at `<file>.export[i].…`. A file shared by several
 * streams is loaded (and warned about) once.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { ConfigError, type ConfigProblem, type ConfigWarnings } from '@delta-producer/core';
import { loadExportConfig, type ExportConfig } from '../export/export-config.js';

export type { ExportConfig } from '../export/export-config.js';

export type ExportConfigResult = { exportConfig: ExportConfig; problems?: undefined } | { exportConfig?: undefined; problems: ConfigProblem[] };

export class ExportConfigSource {
  readonly #loaded = new Map<string, Promise<ExportConfigResult>>();
  readonly #reported = new Set<string>();

  constructor(private readonly warnings: ConfigWarnings) {}

  /**
   * Loads the export config at `filePath` (already resolved). `keyPath` locates the stream's
   * `exportConfigPath` for problems with the file itself.
   */
  async load(filePath: string, keyPath: string): Promise<ExportConfigResult> {
    const unreadable = unreadableFileReason(filePath);
    if (unreadable !== undefined) return { problems: [{ path: keyPath, message: `${unreadable}: ${filePath}` }] };
    let result = this.#loaded.get(filePath);
    if (result === undefined) {
      result = loadOnce(filePath, this.warnings);
      this.#loaded.set(filePath, result);
    }
    const { exportConfig, problems } = await result;
    // A file shared by several streams: its problems are reported for the first stream only.
    if (problems !== undefined) {
      if (this.#reported.has(filePath)) return { problems: [] };
      this.#reported.add(filePath);
      return { problems };
    }
    return { exportConfig };
  }
}

async function loadOnce(filePath: string, warnings: ConfigWarnings): Promise<ExportConfigResult> {
  try {
    return { exportConfig: await loadExportConfig(filePath, { warnings, pathPrefix: filePath }) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { problems: [...error.problems] };
  }
}

function unreadableFileReason(filePath: string): string | undefined {
  try {
    if (!statSync(filePath).isFile()) return 'is not a file';
    accessSync(filePath, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'file not found';
    if (code === 'EACCES') return 'file not readable';
    return `cannot read file (${code ?? (error as Error).message})`;
  }
}
