/**
 * A same-origin `?graph=` file is requested by the page entry before the editor's code has
 * loaded (the editor takes the response when it opens the graph), so the file's transfer
 * overlaps the app's download and start. Another origin is never contacted here
 * (logic/graphLink.ts: the user confirms first).
 */
import { classifyGraphLink } from '../logic/graphLink';

let early: { href: string; response: Promise<Response> } | null = null;

/** Starts the request for the page's same-origin `?graph=` file, if it has one. */
export function prefetchGraph(search: string, pageHref: string): void {
  const raw = new URLSearchParams(search).get('graph');
  if (raw === null) return;
  const link = classifyGraphLink(raw, pageHref);
  if (link.kind !== 'same-origin') return;
  const response = fetch(link.url.href);
  response.catch(() => undefined);
  early = { href: link.url.href, response };
}

/** The prefetched response for `href` (once), else null. */
export function takePrefetched(href: string): Promise<Response> | null {
  if (!early || early.href !== href) return null;
  const r = early.response;
  early = null;
  return r;
}
