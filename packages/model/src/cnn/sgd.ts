/**
 * SGD with (Nesterov) momentum and L2 weight decay, as in PyTorch's SGD, on plain arrays: the
 * coordinator of the data-parallel trainer applies it once per step to the averaged gradient.
 * Keeping it outside TF.js makes its state trivially checkpointable and backend-independent.
 */
export interface SgdOptions {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export function sgdStep(params: Float32Array[], grads: Float32Array[], velocity: Float32Array[], decay: boolean[], lr: number, o: SgdOptions): void {
  for (let p = 0; p < params.length; p++) {
    const w = params[p]!;
    const g = grads[p]!;
    const v = velocity[p]!;
    const wd = decay[p] ? o.weightDecay : 0;
    for (let i = 0; i < w.length; i++) {
      const d = g[i]! + wd * w[i]!;
      const vi = o.momentum * v[i]! + d;
      v[i] = vi;
      w[i] = w[i]! - lr * (o.nesterov ? d + o.momentum * vi : vi);
    }
  }
}
