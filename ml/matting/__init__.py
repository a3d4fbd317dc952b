"""Matting engines and helpers (no Django, no model loaded at import).

- `modnet.MODNet`: our implementation of the official MODNet network (loads the official checkpoints).
- `modnet_engine`: checkpoint verification against `manifest.json`, `ModnetMatter` (PyTorch),
  `export_onnx` and `ModnetOnnxMatter` (onnxruntime).
- `u2net_engine.U2NetpMatter`: U^2-Net-p through OpenVINO (or onnxruntime), the offline default
  (ml/models/u2netp.onnx).
- `refine`: GrabCut seeded from the network's matte, guided-filter edge refinement, alpha sharpening,
  foreground colour estimation.
- `compose`: cutout RGBA, new backgrounds (colour, image fit/fill, blurred original).
- `pipeline.cutout`: engine + default refinement + foreground colours, as the app uses them;
  `pipeline.matte`: the refined matte alone (what the benchmark scores).
- `fetch.fetch_checkpoint`: verified download of a MODNet checkpoint.
"""
