/**
 * Browser only: the codecs' .wasm files as the app's own assets (Vite copies them into the
 * build and serves them in dev). Node reads the same files from the packages (wasm.ts).
 */
import jpegUrl from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm?url';
import webpUrl from '@jsquash/webp/codec/dec/webp_dec.wasm?url';

export const WASM_URLS = { jpeg: jpegUrl, webp: webpUrl } as const;
