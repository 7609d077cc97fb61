/**
 * The maintainer's configuration: env vars + services.json + each stream's export.json, validated at
 * start-up with every problem reported at once (see README.md, "Configuration").
 */
export {
  loadMaintainerConfig,
  type DeltaFilesConfig,
  type LoginConfig,
  type MaintainerConfig,
  type MaintainerStreamConfig,
} from './maintainer-config.js';
export { resolveStreamEndpoints, resolveStreamScopes, type StreamEndpoints, type StreamScopes, type Stores } from './endpoints.js';
export type { ExportConfig } from './export-config-source.js';
export { ENV_DEFAULTS, IGNORED_ENV_VARS, type DeltaFileLimits } from './maintainer-env.js';
export { logConfigNotes, type ConfigNote, type IgnoredSetting, type NoteLogger } from './notes.js';
export { MAINTAINER_WORKING_GRAPH_PREFIX, type SourceGraphPolicyInputs, type StreamGraphs, type StreamSourceGraphPolicy } from './source-graphs.js';
export { IGNORED_STREAM_KEYS, KNOWN_STREAM_KEYS, NEW_STREAM_KEYS, STREAM_DEFAULTS } from './stream-entry.js';
export { RESERVED_ROUTES } from './values.js';
