/**
 * Reads `services.json` (CONFIG_SERVICES_JSON_PATH). The lblod maintainer loaded it with `require()`,
 * so besides JSON it may be a JavaScript module: `.js`, `.cjs` and `.mjs` files are loaded as modules
 * (CommonJS `module.exports = {…}`, or an ES module's default export), every other file is parsed as
 * JSON.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, readJsonFile } from '@delta-producer/core';

const MODULE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs']);

/** Loads a JSON file or JavaScript module the way `require()` did; problems are a ConfigError at `filePath`. */
export async function readConfigFile(filePath: string): Promise<unknown> {
  const extension = extname(filePath).toLowerCase();
  if (!MODULE_EXTENSIONS.has(extension)) return readJsonFile(filePath);
  const absolute = resolve(filePath);
  if (!existsSync(absolute)) throw new ConfigError([{ path: filePath, message: 'file not found' }]);
  try {
    return moduleValue(extension === '.mjs' ? await import(pathToFileURL(absolute).href) : await requireOrImport(absolute));
  } catch (error) {
    throw new ConfigError([{ path: filePath, message: `cannot load the module: ${(error as Error).message}` }], { cause: error });
  }
}

async function requireOrImport(absolute: string): Promise<unknown> {
  const require = createRequire(import.meta.url);
  try {
    const loaded: unknown = require(absolute);
    // Read afresh on the next call: the file may have changed.
    delete require.cache[absolute];
    return loaded;
  } catch (error) {
    // An ES module where this runtime cannot require() one.
    if ((error as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(absolute).href);
    throw error;
  }
}

/** An ES module's default export, or a CommonJS module's exports. */
function moduleValue(loaded: unknown): unknown {
  if (typeof loaded !== 'object' || loaded === null) return loaded;
  const isModuleNamespace = Object.prototype.toString.call(loaded) === '[object Module]' || (loaded as { __esModule?: unknown }).__esModule === true;
  return isModuleNamespace && 'default' in loaded ? (loaded as { default: unknown }).default : loaded;
}
