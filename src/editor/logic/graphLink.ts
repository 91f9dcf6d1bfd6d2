/**
 * `?graph=<url>` links (DOM-free). A graph link is untrusted: only a graph on the app's own
 * origin opens directly; a graph on another origin is not requested until the user has
 * seen its URL and said yes (a link must not make the browser contact a host on page load).
 * A link opened again reuses the library copy imported from the same text.
 */
import { hashString } from '../../engine/signature';

export type GraphLink =
  | { readonly kind: 'same-origin'; readonly url: URL }
  | { readonly kind: 'other-origin'; readonly url: URL }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Classifies the `?graph=` value `raw` of a page at `pageHref`. */
export function classifyGraphLink(raw: string, pageHref: string): GraphLink {
  let url: URL;
  try {
    url = new URL(raw, pageHref);
  } catch {
    return { kind: 'invalid', reason: `${JSON.stringify(raw)} is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { kind: 'invalid', reason: `${url.protocol} links are not opened (only http and https)` };
  }
  if (url.username || url.password) return { kind: 'invalid', reason: 'links with a user name or password are not opened' };
  return url.origin === new URL(pageHref).origin ? { kind: 'same-origin', url } : { kind: 'other-origin', url };
}

/** The library's mark for a graph imported from a link: the same text gives the same key. */
export function linkImportKey(text: string): string {
  return `text:${hashString(text)}`;
}
