/** Runs the selection networks of src/kernels/selectionNetwork.ts as elementwise tensor ops. */
import * as tf from '@tensorflow/tfjs-core';
import type { SelectNetwork } from '../../kernels/selectionNetwork';

export { oddEvenMergeSortPairs, selectionNetwork, type SelectNetwork, type SelectOp } from '../../kernels/selectionNetwork';

/**
 * Runs a selection network on `inputs` (same-shape tensors), elementwise. Intermediate
 * tensors are disposed as soon as their last use has passed; the inputs are not disposed.
 * Returns a new tensor (a clone when the network is trivial).
 */
export function runSelectionNetwork<T extends tf.Tensor>(net: SelectNetwork, inputs: readonly T[]): T {
  if (inputs.length !== net.inputs) throw new Error(`selection network expects ${net.inputs} inputs, got ${inputs.length}`);
  const lastUse = new Map<number, number>();
  net.ops.forEach((o, idx) => {
    lastUse.set(o.a, idx);
    lastUse.set(o.b, idx);
  });
  const values = new Map<number, tf.Tensor>();
  const get = (id: number): tf.Tensor => (id < net.inputs ? inputs[id]! : values.get(id)!);
  net.ops.forEach((o, idx) => {
    const a = get(o.a);
    const b = get(o.b);
    values.set(o.out, o.op === 'min' ? tf.minimum(a, b) : tf.maximum(a, b));
    for (const id of [o.a, o.b]) {
      if (id >= net.inputs && lastUse.get(id) === idx && values.has(id)) {
        values.get(id)!.dispose();
        values.delete(id);
      }
    }
  });
  if (net.result < net.inputs) return tf.clone(inputs[net.result]!) as T;
  return values.get(net.result)! as T;
}
