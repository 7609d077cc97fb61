// delta-notifier rules for the local stack, read by the dev-gateway's notifier emulation: the rules of
// the docker-compose stack (config/delta/rules.js, same format as /config/rules.js of
// semtech/mu-delta-notifier), with each callback host replaced by the service's local port, so the two
// stacks route deltas the same way.
//
// No `ignoreFromSelf` here: locally every service calls the gateway from 127.0.0.1 and every callback
// host resolves to 127.0.0.1, so it would drop every write, not just the receiving service's own.
// The producers tag their own writes with a scope instead; the rules opt out of those scopes.
// Bundles wait 250 ms instead of 1 s, so local round trips stay quick. (The gateway re-reads this
// file when asked to reload its rules; an edit of config/delta/rules.js needs a gateway restart.)

import stackRules from '../../delta/rules.js';

const LOCAL_CALLBACK_ORIGINS = {
  'delta-producer-publication-graph-maintainer': 'http://localhost:8082',
  'delta-producer-dump-file-publisher': 'http://localhost:8083',
  'delta-producer-background-jobs-initiator': 'http://localhost:8081',
};
const LOCAL_GRACE_PERIOD_MS = 250;

export default stackRules.map((rule) => {
  const url = new URL(rule.callback.url);
  const origin = LOCAL_CALLBACK_ORIGINS[url.hostname];
  if (origin === undefined) throw new Error(`config/delta/rules.js calls back ${url.hostname}, which has no local port here`);
  const { ignoreFromSelf: _ignoreFromSelf, ...options } = rule.options;
  return {
    ...rule,
    callback: { ...rule.callback, url: `${origin}${url.pathname}` },
    options: options.gracePeriod ? { ...options, gracePeriod: LOCAL_GRACE_PERIOD_MS } : options,
  };
});
