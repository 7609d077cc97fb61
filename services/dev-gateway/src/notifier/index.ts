/**
 * delta-notifier emulation for the dev-gateway: rules.js loading, matching, formatting and delivery.
 * The update engine publishes DeltaEvents into the DeltaSink that createNotifier returns.
 */
export type { DeltaEvent, DeltaEventHeaders, DeltaSink } from './types.js';
export { createNotifier, bundleKey, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_STOP_TIMEOUT_MS, type NotifierOptions } from './notifier.js';
export {
  loadRules,
  validateRules,
  formatRuleProblem,
  RulesError,
  DEFAULT_RETRY_TIMEOUT_MS,
  RESOURCE_FORMATS,
  QUAD_POSITIONS,
  type DeltaRule,
  type MatchSpec,
  type TermMatch,
  type RuleOptions,
  type ResourceFormat,
  type QuadPosition,
  type RuleProblem,
  type RulesLogger,
  type ValidatedRules,
} from './rules.js';
export { resolveScope, passesScopeFilter, filterFromSelf, normalizeOrigin, quadMatchesSpec, changeSetsMatch, normalizeChangeSets } from './matching.js';
export {
  foldEffectiveChanges,
  formatBody,
  toV001,
  toGenesis,
  nextCallIdTrail,
  deliveryHeaders,
  type SendableChangeset,
  type GenesisBody,
  type GenesisTriple,
  type CallIdTrail,
  type DeliveryHeaderInput,
} from './format.js';
export { DeliveryQueues, type Delivery, type FetchFn, type FetchResponse } from './delivery.js';
export { createSelfAddressResolver, dnsLookupIPv4, type LookupIPv4, type SelfAddressResolver } from './self-address.js';
export type { NotifierLogger } from './logger.js';
