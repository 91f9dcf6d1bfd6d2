import { describe, expect, it } from 'vitest';
import { ModeAction, modeLabel, toggleModes } from '../../src/editor/canvas/modes';
import { SHORTCUTS, shortcutFor } from '../../src/editor/logic/shortcuts';
import type { NodeMode } from '../../src/engine/types';

describe('bypass / mute toggles', () => {
  it('gives every selected node the mode unless all have it, then makes all active', () => {
    expect(toggleModes([{ id: 'a', mode: undefined }, { id: 'b', mode: 'bypass' }], 'bypass')).toEqual([{ id: 'a', before: undefined, after: 'bypass' }]);
    expect(toggleModes([{ id: 'a', mode: 'bypass' }, { id: 'b', mode: 'bypass' }], 'bypass')).toEqual([
      { id: 'a', before: 'bypass', after: undefined },
      { id: 'b', before: 'bypass', after: undefined },
    ]);
    // a muted node that is bypassed stops being muted
    expect(toggleModes([{ id: 'm', mode: 'mute' }], 'bypass')).toEqual([{ id: 'm', before: 'mute', after: 'bypass' }]);
    expect(toggleModes([], 'mute')).toEqual([]);
  });

  it('one history entry undoes and redoes every node of the toggle', () => {
    const modes = new Map<string, NodeMode | undefined>([['a', undefined], ['b', 'mute']]);
    const changes = toggleModes([...modes].map(([id, mode]) => ({ id, mode })), 'mute');
    const action = new ModeAction((id, m) => modes.set(id, m), changes);
    action.redo();
    expect(Object.fromEntries(modes)).toEqual({ a: 'mute', b: 'mute' });
    action.undo();
    expect(Object.fromEntries(modes)).toEqual({ a: undefined, b: 'mute' });
  });

  it('Ctrl+B and Ctrl+M are the shortcuts (Cmd on a Mac), listed in the help', () => {
    expect(shortcutFor({ key: 'b', ctrlKey: true })).toBe('bypass');
    expect(shortcutFor({ key: 'm', metaKey: true })).toBe('mute');
    expect(shortcutFor({ key: 'b' })).toBeNull();
    expect(SHORTCUTS.find((s) => s.action === 'bypass')!.keys).toEqual(['Ctrl+B']);
    expect(modeLabel('bypass')).toBe('bypassed');
    expect(modeLabel('mute')).toBe('muted');
    expect(modeLabel(undefined)).toBeNull();
  });
});
