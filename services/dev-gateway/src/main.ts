/**
 * The dev-gateway process: config → logger → startDevGateway (backend → notifier → engine → HTTP);
 * SIGTERM / SIGINT stop it in reverse order (see gateway.ts) and exit.
 */
import { ConfigError, createLogger, exitOnConfigError, installSignalHandlers, Lifecycle } from '@delta-producer/core';
import { readConfig, type DevGatewayConfig } from './config.js';
import { startDevGateway } from './gateway.js';

async function main(): Promise<void> {
  let config: DevGatewayConfig;
  try {
    config = readConfig();
  } catch (error) {
    exitOnConfigError(error);
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, name: 'dev-gateway' });
  const gateway = await startDevGateway({
    port: config.port,
    host: config.host,
    dataDir: config.dataDir,
    ...(config.backendSparqlUrl !== undefined ? { backendSparqlUrl: config.backendSparqlUrl } : {}),
    deltaMode: config.deltaMode,
    defaultGraph: config.defaultGraph,
    resultSetMaxRows: config.resultSetMaxRows,
    journalCompactBytes: config.journalCompactBytes,
    rules: config.deltaRules.path,
    rulesOptional: !config.deltaRules.required,
    bodyLimit: config.bodyLimit,
    requestTimeoutMs: config.requestTimeoutMs,
    logger,
  }).catch((error: unknown) => {
    if (error instanceof ConfigError) exitOnConfigError(error, logger);
    logger.fatal({ err: error }, 'dev-gateway failed to start');
    process.exit(1);
  });
  const lifecycle = new Lifecycle({ logger });
  lifecycle.onStop('dev-gateway', () => gateway.stop());
  installSignalHandlers(lifecycle, { logger, timeoutMs: config.shutdownTimeoutMs });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'dev-gateway failed to start', err: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});
