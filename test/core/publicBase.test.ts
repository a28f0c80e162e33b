/** Links in answers (Location, statusUri, nextUri) name the request's own host unless a named proxy forwarded it. */
import { parseSettings } from '../../src/core/settings';
import { parseForwardedHosts, publicBase } from '../../src/core/publicBase';

const headers =
  (h: Record<string, string>) =>
  (name: string): string | undefined =>
    h[name];
const OWN = 'https://func-rag.azurewebsites.net/api/experiments';

describe('forwarded headers', () => {
  it('ignore a forwarded host the operator did not name', () => {
    expect(publicBase(OWN, headers({ 'x-forwarded-host': 'evil.example' }), [])).toBe(
      'https://func-rag.azurewebsites.net/api',
    );
    expect(publicBase(OWN, headers({ 'x-forwarded-host': 'evil.example' }), ['rag.contoso.com'])).toBe(
      'https://func-rag.azurewebsites.net/api',
    );
  });

  it('take the forwarded host of a named proxy (the first of a list, any case)', () => {
    const h = headers({ 'x-forwarded-host': 'RAG.contoso.com, func-rag.azurewebsites.net' });
    expect(publicBase(OWN, h, ['rag.contoso.com'])).toBe('https://rag.contoso.com/api');
    // A client that puts its own host first, before the proxy appends, gets the request's own host.
    const forged = headers({ 'x-forwarded-host': 'evil.example, rag.contoso.com' });
    expect(publicBase(OWN, forged, ['rag.contoso.com'])).toBe('https://func-rag.azurewebsites.net/api');
  });

  it('never give a scheme other than http or https', () => {
    for (const proto of ['javascript', 'data', 'file', 'JAVASCRIPT, https', 'ftp']) {
      const base = publicBase(OWN, headers({ 'x-forwarded-proto': proto, 'x-forwarded-host': 'evil.example' }), []);
      expect(base).toBe('https://func-rag.azurewebsites.net/api');
    }
    expect(publicBase('http://localhost:7071/api/x', headers({ 'x-forwarded-proto': 'https' }), [])).toBe(
      'https://localhost:7071/api',
    );
  });

  it('are read from TRUSTED_FORWARDED_HOSTS, with malformed entries named', () => {
    expect(parseForwardedHosts(' rag.contoso.com, apim.example:8443 ,')).toEqual({
      hosts: ['rag.contoso.com', 'apim.example:8443'],
      invalid: [],
    });
    const { settings, problems } = parseSettings({
      TRUSTED_FORWARDED_HOSTS: 'rag.contoso.com,https://x.example/,javascript://evil',
    });
    expect(settings.http.forwardedHosts).toEqual(['rag.contoso.com']);
    expect(problems).toEqual([
      expect.objectContaining({
        name: 'TRUSTED_FORWARDED_HOSTS',
        message: expect.stringContaining('https://x.example/, javascript://evil') as unknown,
      }),
    ]);
    expect(parseSettings({}).settings.http.forwardedHosts).toEqual([]);
  });
});
