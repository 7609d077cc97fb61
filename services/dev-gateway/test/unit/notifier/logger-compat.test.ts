import type { Logger } from '@delta-producer/core';
import type { NotifierLogger } from '../../../src/notifier/logger.js';
import type { RulesLogger } from '../../../src/notifier/rules.js';

// Compile-time check (tsc): the suite's pino logger can be handed to the notifier as is.
const asNotifierLogger = (logger: Logger): NotifierLogger => logger;
const asRulesLogger = (logger: Logger): RulesLogger => logger;

it('accepts the core (pino) logger type', () => {
  expect([asNotifierLogger, asRulesLogger]).toHaveLength(2);
});
