/**
 * One Vue app for everything rete-vue-plugin renders (nodes, wires, menus, the minimap).
 *
 * The plugin mounts a separate Vue app per element through its `setup` option; 200 nodes and
 * their wires meant ~400 apps, each created, provided and flushed on its own. Here `setup`
 * returns a stand-in whose mount() adds the element's component to one root app, which
 * renders each into its element with <Teleport> (provides reach them through the root).
 * While a graph is loading (`hold()`), removals and additions wait and are applied in one update.
 */
import { createApp, h, shallowReactive, Teleport, type App, type Component } from 'vue';

interface Entry {
  readonly key: number;
  readonly el: Element;
  readonly component: Component;
}

export class PortalRoot {
  private readonly entries = shallowReactive(new Map<number, Entry>());
  private readonly app: App;
  private readonly host: HTMLElement;
  private next = 1;
  private holds = 0;
  private pending: Entry[] = [];
  private removals: number[] = [];

  constructor(setupApp?: (app: App) => void) {
    const entries = this.entries;
    this.host = document.createElement('div');
    this.host.style.display = 'none';
    this.host.dataset.portalRoot = '';
    document.body.appendChild(this.host);
    this.app = createApp({
      render: () => [...entries.values()].map((e) => h(Teleport, { key: e.key, to: e.el }, [h(e.component)])),
    });
    setupApp?.(this.app);
    this.app.mount(this.host);
  }

  /** rete-vue-plugin's `setup`: a stand-in for one app per element. */
  readonly setup = (context: Component): App => {
    let key: number | null = null;
    const stand = {
      mount: (el: Element) => {
        key = this.add(el, context);
        return stand;
      },
      unmount: () => {
        if (key !== null) this.remove(key);
        key = null;
      },
    };
    return stand as unknown as App;
  };

  /** Defers rendering of new elements until the returned function is called (nested holds nest). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0) this.flush();
    };
  }

  destroy(): void {
    this.entries.clear();
    this.pending = [];
    this.app.unmount();
    this.host.remove();
  }

  private add(el: Element, component: Component): number {
    const e: Entry = { key: this.next++, el, component };
    if (this.holds > 0) this.pending.push(e);
    else this.entries.set(e.key, e);
    return e.key;
  }

  private remove(key: number): void {
    const i = this.pending.findIndex((e) => e.key === key);
    if (i >= 0) this.pending.splice(i, 1);
    else if (this.holds > 0) this.removals.push(key);
    else this.entries.delete(key);
  }

  /**
   * Applies the held removals and additions at once. While held, the root is not re-rendered
   * per element: removing a 200-node graph one element at a time would diff the remaining
   * list each time (quadratic).
   */
  private flush(): void {
    const gone = this.removals;
    const list = this.pending;
    this.removals = [];
    this.pending = [];
    // changes made in one go are rendered in one update of the root (Vue batches them)
    for (const k of gone) this.entries.delete(k);
    for (const e of list) this.entries.set(e.key, e);
  }
}
