/** The jobs-initiator process: configuration, logging, the service, signal handling. */
import { ConfigWarnings, createLogger, exitOnConfigError, installSignalHandlers, Lifecycle } from '@delta-producer/core';
import { loadInitiatorConfig, type InitiatorConfig } from './config/initiator-config.js';
import { startJobsInitiator } from './service.js';

const warnings = new ConfigWarnings();
let config: InitiatorConfig;
try {
  config = loadInitiatorConfig(undefined, warnings);
} catch (error) {
  exitOnConfigError(error);
}
const logger = createLogger({ level: config.service.LOG_LEVEL, format: config.service.LOG_FORMAT, name: 'jobs-initiator' });
warnings.logTo(logger);
const service = await startJobsInitiator(config, logger);
const processLifecycle = new Lifecycle({ logger });
processLifecycle.onStop('jobs-initiator', () => service.stop());
installSignalHandlers(processLifecycle, { logger, timeoutMs: config.service.SHUTDOWN_TIMEOUT_MS });
