import { collapseSlashes, parseQueryString, QueryStringError } from '../../../src/http/query-string.js';

describe('query strings as consumers send them', () => {
  it('reads the unencoded delta-consumer filter', () => {
    const params = parseQueryString('/datasets?filter[subject]=http://data.lblod.info/datasets/delta-producer/dumps/A+B&filter[:has-no:next-version]=yes');
    expect(Object.fromEntries(params)).toEqual({ 'filter[subject]': 'http://data.lblod.info/datasets/delta-producer/dumps/A+B', 'filter[:has-no:next-version]': 'yes' });
  });

  it('reads encoded ones too, and keeps a malformed escape as written', () => {
    expect(parseQueryString('/d?filter%5Bsubject%5D=http%3A%2F%2Fa%2Fb').get('filter[subject]')).toBe('http://a/b');
    expect(parseQueryString('/d?x=100%').get('x')).toBe('100%');
    expect(parseQueryString('/d?flag&=&y=').get('flag')).toBe('');
    expect(parseQueryString('/d').size).toBe(0);
  });

  it('refuses a parameter given twice', () => {
    expect(() => parseQueryString('/d?a=1&a=2')).toThrow(QueryStringError);
  });

  it('collapses repeated slashes in the path only', () => {
    expect(collapseSlashes('//datasets///x/distributions?include=subject')).toBe('/datasets/x/distributions?include=subject');
    expect(collapseSlashes('/datasets?filter[subject]=http://a//b')).toBe('/datasets?filter[subject]=http://a//b');
  });
});
