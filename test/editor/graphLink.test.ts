import { describe, expect, it } from 'vitest';
import { classifyGraphLink, linkImportKey } from '../../src/editor/logic/graphLink';

const page = 'http://127.0.0.1:4173/?graph=x';

describe('?graph= links', () => {
  it('open same-origin paths and URLs directly', () => {
    expect(classifyGraphLink('/graphs/denoise.graph.json', page)).toMatchObject({ kind: 'same-origin' });
    expect(classifyGraphLink('graphs/a.json', page)).toMatchObject({ kind: 'same-origin' });
    expect(classifyGraphLink('http://127.0.0.1:4173/graphs/a.json', page)).toMatchObject({ kind: 'same-origin' });
  });

  it('ask before contacting another origin: other host, port, scheme, and protocol-relative URLs', () => {
    for (const raw of ['http://127.0.0.2:9/x.json', '//host/g.json', 'https://127.0.0.1:4173/g.json', 'http://127.0.0.1:9999/g.json', 'http://localhost:4173/g.json']) {
      const link = classifyGraphLink(raw, page);
      expect(link.kind, raw).toBe('other-origin');
    }
    const link = classifyGraphLink('//host/g.json', page);
    expect(link.kind === 'other-origin' && link.url.href).toBe('http://host/g.json');
  });

  it('refuse what is not an http(s) URL or carries credentials', () => {
    expect(classifyGraphLink('javascript:alert(1)', page)).toMatchObject({ kind: 'invalid', reason: 'javascript: links are not opened (only http and https)' });
    expect(classifyGraphLink('file:///etc/passwd', page)).toMatchObject({ kind: 'invalid' });
    expect(classifyGraphLink('http://u:p@127.0.0.1:4173/g.json', page)).toMatchObject({ kind: 'invalid' });
    expect(classifyGraphLink('http://[::1', page)).toMatchObject({ kind: 'invalid' });
  });

  it('import keys are equal exactly for equal texts', () => {
    expect(linkImportKey('{"a":1}')).toBe(linkImportKey('{"a":1}'));
    expect(linkImportKey('{"a":1}')).not.toBe(linkImportKey('{"a":2}'));
  });
});
