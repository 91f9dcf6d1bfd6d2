import { describe, expect, it } from 'vitest';
import { createBrowserHost } from '../../src/worker/host';

/** A fetch that serves a few paths of http://localhost (the host's origin in Node). */
function fakeFetch(files: Record<string, { body: Uint8Array | string; type?: string; status?: number }>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    if (url.protocol === 'data:') return fetch(url.href);
    const f = files[url.pathname];
    if (!f) return new Response('nope', { status: 404, statusText: 'Not Found' });
    return new Response(f.body as BodyInit, { status: f.status ?? 200, headers: { 'content-type': f.type ?? 'image/png' } });
  }) as typeof fetch;
}

describe('browser host', () => {
  it('reads registered assets', async () => {
    const host = createBrowserHost(fakeFetch({}));
    host.assets.set('asset:abc', new Uint8Array([1, 2, 3]));
    expect([...(await host.readSource('asset:abc'))]).toEqual([1, 2, 3]);
    await expect(host.readSource('asset:zzz')).rejects.toThrow(
      'image asset "asset:zzz" is not in this browser\'s library: pick the image file again (Open…), or import a self-contained export of the graph (Export + images), which carries its images',
    );
  });

  it('fetches same-origin paths relative to the base URL', async () => {
    const host = createBrowserHost(fakeFetch({ '/assets/camera.png': { body: new Uint8Array([7]) }, '/graphs/assets/x.png': { body: new Uint8Array([9]) } }));
    expect([...(await host.readSource('/assets/camera.png'))]).toEqual([7]);
    host.baseUrl = 'http://localhost/graphs/';
    expect([...(await host.readSource('assets/x.png'))]).toEqual([9]);
  });

  it('reads data URLs', async () => {
    const host = createBrowserHost(fakeFetch({}));
    expect([...(await host.readSource('data:application/octet-stream;base64,AQID'))]).toEqual([1, 2, 3]);
  });

  it('refuses other origins, missing files, and the dev server\'s HTML fallback with clear messages', async () => {
    const host = createBrowserHost(fakeFetch({ '/index.html': { body: '<html>', type: 'text/html' } }));
    await expect(host.readSource('https://example.com/a.png')).rejects.toThrow('cannot read "https://example.com/a.png": only images served by this app, data URLs and picked files can be loaded (got https://example.com)');
    await expect(host.readSource('/nothere.png')).rejects.toThrow('cannot read "/nothere.png": HTTP 404 Not Found (/nothere.png)');
    await expect(host.readSource('/index.html')).rejects.toThrow('cannot read "/index.html": no such file (/index.html)');
  });

  it('reads shipped model files from /models/ and reports missing ones clearly', async () => {
    const host = createBrowserHost(
      fakeFetch({ '/models/mnist-vae/decoder/model.json': { body: '{"a":1}', type: 'application/json' }, '/index.html': { body: '<html>', type: 'text/html' } }),
    );
    expect(new TextDecoder().decode(await host.readModelFile!('mnist-vae/decoder/model.json'))).toBe('{"a":1}');
    await expect(host.readModelFile!('nope/model.json')).rejects.toThrow('cannot fetch model file /models/nope/model.json: HTTP 404 Not Found');
    await expect(host.readModelFile!('/index.html')).rejects.toThrow('cannot fetch model file /index.html: no such file');
  });
});
