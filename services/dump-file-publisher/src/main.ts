/** The dump-file-publisher process: configuration, logging, the service, signal handling. */
import { ConfigWarnings, createLogger, exitOnConfigError, installSignalHandlers, Lifecycle } from '@delta-producer/core';
import { loadPublisherConfig, type PublisherConfig } from './config/publisher-config.js';
import { startDumpPublisher } from './service.js';

const warnings = new ConfigWarnings();
let config: PublisherConfig;
try {
  config = loadPublisherConfig(undefined, warnings);
} catch (error) {
  exitOnConfigError(error);
}
const logger = createLogger({ level: config.service.LOG_LEVEL, format: config.service.LOG_FORMAT, name: 'dump-file-publisher' });
warnings.logTo(logger);
const service = await startDumpPublisher(config, logger);
const processLifecycle = new Lifecycle({ logger });
processLifecycle.onStop('dump-file-publisher', () => service.stop());
installSignalHandlers(processLifecycle, { logger, timeoutMs: config.service.SHUTDOWN_TIMEOUT_MS });
