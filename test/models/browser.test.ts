/** Browser model-file access: URLs of shipped files and the fetch error message (fetch stubbed). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchModelFile, modelFileUrl } from '../../src/models/browser';

afterEach(() => vi.unstubAllGlobals());

describe('model files in the browser', () => {
  it('shipped paths map under /models/, absolute URLs stay as they are', () => {
    expect(modelFileUrl('mnist-vae/decoder/model.json')).toBe('/models/mnist-vae/decoder/model.json');
    expect(modelFileUrl('mnist-gan/generator/weights.bin', '/pixel-loom/')).toBe('/pixel-loom/models/mnist-gan/generator/weights.bin');
    expect(modelFileUrl('https://example.org/m/model.json')).toBe('https://example.org/m/model.json');
    expect(modelFileUrl('/my/model.json')).toBe('/my/model.json');
  });

  it('fetches the bytes, and names the URL and HTTP status on failure', async () => {
    const fetchMock = vi.fn(async (url: string) => (url.endsWith('ok.bin') ? new Response(new Uint8Array([1, 2, 3])) : new Response('nope', { status: 404, statusText: 'Not Found' })));
    vi.stubGlobal('fetch', fetchMock);
    expect(Array.from(await fetchModelFile('x/ok.bin'))).toEqual([1, 2, 3]);
    expect(fetchMock).toHaveBeenCalledWith('/models/x/ok.bin', { signal: undefined });
    await expect(fetchModelFile('x/missing.json')).rejects.toThrow('cannot fetch model file /models/x/missing.json: HTTP 404 Not Found');
  });
});
