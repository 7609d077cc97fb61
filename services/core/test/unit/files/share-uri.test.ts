import { filePathOfShareUri, sharePathOf, shareUriFor, shareUriOfFilePath, ShareUriError } from '../../../src/files/index.js';

describe('share:// URIs', () => {
  it('writes the clean form whatever slashes the relative path has', () => {
    expect(shareUriFor('deltas/2025-03-01/delta.json')).toBe('share://deltas/2025-03-01/delta.json');
    expect(shareUriFor('/deltas//organizations/2025-03-01/d.json')).toBe('share://deltas/organizations/2025-03-01/d.json');
    expect(shareUriFor('./a/./b.ttl')).toBe('share://a/b.ttl');
  });

  it('reads any number of slashes after share:, as mu-file-service does', () => {
    for (const uri of ['share://deltas/x.json', 'share:///deltas/x.json', 'share:////deltas/x.json', 'share:deltas/x.json']) {
      expect(sharePathOf(uri)).toBe('deltas/x.json');
    }
    expect(sharePathOf('share://dumps/a%20b.ttl')).toBe('dumps/a b.ttl');
  });

  it('refuses paths that leave the share directory or name nothing', () => {
    expect(() => shareUriFor('../etc/passwd')).toThrow(ShareUriError);
    expect(() => sharePathOf('share://a/../../etc/passwd')).toThrow(/leaves the share directory/);
    expect(() => sharePathOf('share://%2e%2e/secret')).toThrow(ShareUriError);
    expect(() => sharePathOf('share:///')).toThrow(/not a file path/);
    expect(() => sharePathOf('file:///etc/passwd')).toThrow(/not a share:\/\/ URI/);
    expect(() => sharePathOf('share://%E0%A4%A')).toThrow(/percent-encoding/);
  });

  it('maps between URIs and absolute paths under the share directory', () => {
    expect(filePathOfShareUri('/share', 'share:///deltas/x.json')).toBe('/share/deltas/x.json');
    expect(shareUriOfFilePath('/share', '/share/deltas/2025-03-01/x.json')).toBe('share://deltas/2025-03-01/x.json');
    expect(() => shareUriOfFilePath('/share', '/tmp/x.json')).toThrow(ShareUriError);
    expect(() => shareUriOfFilePath('/share', '/share')).toThrow(ShareUriError);
  });
});
