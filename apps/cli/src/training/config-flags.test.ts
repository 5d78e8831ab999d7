import { describe, expect, it } from "vitest";

import { configFromFlags } from "./config-flags.ts";

const base = { name: "m", snapshotId: "00000000-0000-4000-8000-000000000000" };

describe("mien train config flags", () => {
  it("start from the shipped recipe and override what is given", () => {
    const c = configFromFlags(
      { backbones: "faceapi-expression,faceres-112", epochs: "12", hidden: "256,128", augment: "rotation,zoom", "no-flip": true, lr: "0.003" },
      base,
    );
    expect(c.backbones).toEqual(["faceapi-expression", "faceres-112"]);
    expect(c.epochs).toBe(12);
    expect(c.head.hidden).toEqual([256, 128]);
    expect(c.augmentations).toMatchObject({
      flip: false,
      copies: 1,
      rotation: { enabled: true, amount: 45 },
      zoom: { enabled: true },
      shear: { enabled: false },
    });
    expect(c.learningRate).toMatchObject({ initial: 0.003, schedule: "cosine" });
    expect(c.tta).toBe("flip");
  });

  it("start a conv mode from its own schedule, and refuse what no trainer can run", () => {
    const c = configFromFlags({ mode: "scratch", architecture: "cnn-m", erase: "0.5", epochs: "40" }, base);
    expect(c).toMatchObject({
      mode: "scratch",
      epochs: 40,
      batchSize: 128,
      learningRate: { initial: 0.1, warmupEpochs: 1 },
      conv: { architecture: "cnn-m", erase: 0.5 },
    });
    expect(c.augmentations.copies).toBe(0);
    const f = configFromFlags({ mode: "finetune", "trainable-blocks": "2", dropout: "0.4" }, base);
    expect(f).toMatchObject({
      mode: "finetune",
      epochs: 20,
      learningRate: { initial: 0.01 },
      conv: { backbone: "faceapi-expression", trainableBlocks: 2, dropout: 0.4 },
    });
    expect(() => configFromFlags({ mode: "scratch", colour: "rgb" }, base)).toThrow(
      /No trainer can run this config: Training from scratch learns from gray faces/,
    );
    expect(() => configFromFlags({ mode: "scratch", architecture: "resnet-152" }, base)).toThrow(/conv.architecture/);
  });

  it("distil a scratch CNN from a teacher, and refuse a teacher anywhere else", () => {
    const c = configFromFlags({ mode: "scratch", teacher: "models/fer7-ensemble-v2", "distill-weight": "0.6" }, base);
    expect(c.conv.distill).toEqual({ teacher: "models/fer7-ensemble-v2", weight: 0.6 });
    expect(configFromFlags({ mode: "scratch", teacher: "v" }, base).conv.distill).toEqual({ teacher: "v", weight: 0.5 });
    expect(configFromFlags({ mode: "scratch" }, base).conv.distill).toBeUndefined();
    expect(() => configFromFlags({ mode: "head", teacher: "v" }, base)).toThrow(/Distillation trains a CNN from scratch/);
    expect(() => configFromFlags({ mode: "scratch", "distill-weight": "0.5" }, base)).toThrow(/--distill-weight needs --teacher/);
    expect(() => configFromFlags({ mode: "scratch", teacher: "v", "distill-weight": "1.5" }, base)).toThrow(/conv.distill.weight/);
  });

  it("average a conv model's weights when asked, and refuse averaging for a head or out of range", () => {
    expect(configFromFlags({ mode: "scratch", averaging: "0.999" }, base).conv.averaging).toBe(0.999);
    expect(configFromFlags({ mode: "finetune", averaging: "0.99" }, base).conv.averaging).toBe(0.99);
    expect(configFromFlags({ mode: "scratch" }, base).conv.averaging).toBeUndefined();
    expect(() => configFromFlags({ mode: "head", averaging: "0.999" }, base)).toThrow(/Weight averaging is for conv training/);
    expect(() => configFromFlags({ mode: "scratch", averaging: "1" }, base)).toThrow(/conv.averaging: Averaging decays per step/);
    expect(() => configFromFlags({ mode: "scratch", averaging: "0.5" }, base)).toThrow(/conv.averaging: Averaging decays per step/);
  });

  it("train on smaller faces first when asked, both flags together", () => {
    expect(configFromFlags({ mode: "scratch", "resize-from": "32", "resize-epochs": "18" }, base).conv.progressive).toEqual({ startSide: 32, epochs: 18 });
    expect(configFromFlags({ mode: "scratch" }, base).conv.progressive).toBeUndefined();
    expect(() => configFromFlags({ mode: "scratch", "resize-from": "32" }, base)).toThrow(/--resize-from and --resize-epochs go together/);
    expect(() => configFromFlags({ mode: "scratch", "resize-from": "12", "resize-epochs": "5" }, base)).toThrow(
      /conv.progressive.startSide: The starting face size is a multiple of 4 px/,
    );
    expect(() => configFromFlags({ mode: "head", "resize-from": "32", "resize-epochs": "5" }, base)).toThrow(
      /Smaller faces first is for training from scratch/,
    );
  });

  it("say which field is wrong", () => {
    expect(() => configFromFlags({ epochs: "0" }, base)).toThrow(/epochs: Too small/);
    expect(() => configFromFlags({ augment: "blur" }, base)).toThrow(/Unknown augmentation\(s\) blur/);
    expect(() => configFromFlags({ classes: "anger" }, base)).toThrow(/classes: Pick at least two classes/);
  });
});
