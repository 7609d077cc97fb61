import fc from 'fast-check';
import { buildRequestHeaders, describeHeaders, HeaderError, type MuHeaderOptions } from '../../../src/sparql/index.js';

describe('buildRequestHeaders', () => {
  it('sends mu-auth-sudo: true only when sudo is true', () => {
    expect(buildRequestHeaders({ sudo: true })['mu-auth-sudo']).toBe('true');
    expect(buildRequestHeaders({ sudo: false })).not.toHaveProperty('mu-auth-sudo');
    expect(buildRequestHeaders({})).not.toHaveProperty('mu-auth-sudo');
  });

  it('never produces mu-auth-sudo other than "true", whatever the options', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            sudo: fc.boolean(),
            callId: fc.string(),
            callScopeId: fc.string(),
            authScope: fc.string(),
            sessionId: fc.string(),
          },
          { requiredKeys: [] },
        ),
        (options: MuHeaderOptions) => {
          let headers: Record<string, string>;
          try {
            headers = buildRequestHeaders(options);
          } catch (error) {
            expect(error).toBeInstanceOf(HeaderError); // line breaks in a value
            return;
          }
          if (options.sudo === true) expect(headers['mu-auth-sudo']).toBe('true');
          else expect(headers).not.toHaveProperty('mu-auth-sudo');
        },
      ),
    );
  });

  it('refuses mu-auth-sudo in default or extra headers (any case)', () => {
    expect(() => buildRequestHeaders({}, { 'mu-auth-sudo': 'false' })).toThrow(HeaderError);
    expect(() => buildRequestHeaders({ headers: { 'Mu-Auth-Sudo': 'true' } })).toThrow(/use the sudo option/);
  });

  it('maps the mu-* options to their headers', () => {
    const headers = buildRequestHeaders(
      {
        callId: '42',
        callScopeId: 'http://redpencil.data.gift/id/concept/muScope/deltas/publicationGraphMaintenance',
        authScope: 'http://redpencil.data.gift/id/concept/muScope/deltas/initialSync',
        sessionId: 'http://mu.semte.ch/sessions/abc',
        allowedGroups: [{ name: 'public', variables: [] }],
        headers: { 'Mu-Call-Id-Trail': '["1"]' },
      },
      { 'X-Custom': 'a' },
      'application/sparql-results+json',
    );
    expect(headers).toEqual({
      'x-custom': 'a',
      'mu-call-id-trail': '["1"]',
      accept: 'application/sparql-results+json',
      'mu-call-id': '42',
      'mu-call-scope-id': 'http://redpencil.data.gift/id/concept/muScope/deltas/publicationGraphMaintenance',
      'mu-auth-scope': 'http://redpencil.data.gift/id/concept/muScope/deltas/initialSync',
      'mu-session-id': 'http://mu.semte.ch/sessions/abc',
      'mu-auth-allowed-groups': '[{"name":"public","variables":[]}]',
    });
  });

  it('passes an allowed-groups string through and skips empty values', () => {
    expect(buildRequestHeaders({ allowedGroups: 'sudo', callId: '' })).toEqual({ 'mu-auth-allowed-groups': 'sudo' });
  });

  it('refuses header values with line breaks', () => {
    expect(() => buildRequestHeaders({ callId: '1\r\nmu-auth-sudo: true' })).toThrow(HeaderError);
  });

  it('describeHeaders redacts session and group values for logs', () => {
    expect(describeHeaders({ 'mu-session-id': 'http://mu.semte.ch/sessions/abc', 'mu-call-id': '1', 'mu-auth-allowed-groups': 'sudo' })).toEqual({
      'mu-session-id': '[redacted]',
      'mu-call-id': '1',
      'mu-auth-allowed-groups': '[redacted]',
    });
  });
});
