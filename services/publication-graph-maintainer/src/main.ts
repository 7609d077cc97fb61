/** The publication-graph maintainer process: configuration, logging, the service, signal handling. */
import { ConfigWarnings, createLogger, exitOnConfigError, installSignalHandlers, Lifecycle } from '@delta-producer/core';
import { loadMaintainerConfig, logConfigNotes, type MaintainerConfig } from './config/index.js';
import { startMaintainer } from './service.js';

const warnings = new ConfigWarnings();
let config: MaintainerConfig;
try {
  config = await loadMaintainerConfig(undefined, warnings);
} catch (error) {
  exitOnConfigError(error);
}
const logger = createLogger({ level: config.service.LOG_LEVEL, format: config.service.LOG_FORMAT, name: 'publication-graph-maintainer' });
warnings.logTo(logger);
logConfigNotes(config.notes, logger);
let service;
try {
  service = await startMaintainer(config, logger);
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
}
const processLifecycle = new Lifecycle({ logger });
processLifecycle.onStop('publication-graph-maintainer', () => service.stop());
installSignalHandlers(processLifecycle, { logger, timeoutMs: config.service.SHUTDOWN_TIMEOUT_MS });
