import { DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput, type KernelConfig } from "@tensorflow/tfjs";
import { kernelFunc } from "./call.ts";
import { conv2DBackpropFilterWasm, conv2DBackpropInputWasm } from "./conv2d-grads.ts";

type Attrs = Parameters<typeof conv2DBackpropFilterWasm>[4] & { dilations?: number | [number, number] };

function requireNoDilation(kernel: string, dilations: Attrs["dilations"]) {
  const d = typeof dilations === "number" ? [dilations, dilations] : (dilations ?? [1, 1]);
  if (d[0] !== 1 || d[1] !== 1) throw new Error(`${kernel} on wasm supports dilation 1 only, not ${d.join("×")}.`);
}

const filterKernel = kernelFunc(({ inputs, backend, attrs }) => {
  const a = attrs as unknown as Attrs & { filterShape: [number, number, number, number] };
  requireNoDilation(DepthwiseConv2dNativeBackpropFilter, a.dilations);
  return conv2DBackpropFilterWasm(backend, inputs.x!, inputs.dy!, a.filterShape, a, true);
});

const inputKernel = kernelFunc(({ inputs, backend, attrs }) => {
  const a = attrs as unknown as Attrs & { inputShape: [number, number, number, number] };
  requireNoDilation(DepthwiseConv2dNativeBackpropInput, a.dilations);
  return conv2DBackpropInputWasm(backend, inputs.dy!, inputs.filter!, a.inputShape, a, true);
});

export const depthwiseBackpropFilterConfig: KernelConfig = { kernelName: DepthwiseConv2dNativeBackpropFilter, backendName: "wasm", kernelFunc: filterKernel };
export const depthwiseBackpropInputConfig: KernelConfig = { kernelName: DepthwiseConv2dNativeBackpropInput, backendName: "wasm", kernelFunc: inputKernel };
