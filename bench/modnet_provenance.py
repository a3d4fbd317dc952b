#!/usr/bin/env python
"""What ml/models/modnet.onnx is: our MODNet (ml/matting/modnet.py) with batch norm folded, operator for
operator and number for number. Output pasted into bench/RESULTS-matting.md ("MODNet: what the shipped
file is"); the fast part of it is tests/ml/matting/test_modnet_shipped.py::test_the_file_is_our_modnet_folded.

    .venv/bin/python bench/modnet_provenance.py [--people ../shared/data/people]
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    import onnx
    import onnxruntime as ort
    import torch
    from PIL import Image

    from ml.matting.modnet import MODNet
    from ml.matting.modnet_engine import SHIPPED_ONNX, export_onnx, postprocess, preprocess, sha256_of
    from ml.matting.modnet_onnx_weights import graph_signature, optimized, state_dict_from_onnx

    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data" / "people")
    args = parser.parse_args()

    shipped = onnx.load(str(SHIPPED_ONNX))
    print(f"file: {SHIPPED_ONNX.name}, {SHIPPED_ONNX.stat().st_size:,} bytes, sha256 {sha256_of(SHIPPED_ONNX)}")
    print(f"producer {shipped.producer_name} {shipped.producer_version}, opset {shipped.opset_import[0].version}, "
          f"{len(shipped.graph.initializer)} initializers, "
          f"{sum(int(np.prod(i.dims)) for i in shipped.graph.initializer):,} numbers")

    net = MODNet().eval()
    state, unused = state_dict_from_onnx(SHIPPED_ONNX, net)
    net.load_state_dict(state, strict=True)
    print(f"mapped onto our MODNet: {len(state) - len(unused)} of {len(state)} state-dict tensors from the file; "
          f"without numbers in the file (training-only heads): {sorted({k.rsplit('.', 3)[0] for k in unused})}")

    with tempfile.TemporaryDirectory() as tmp:
        ours_path = export_onnx(net, Path(tmp) / "ours.onnx", opset=11)
        ours_sig, theirs_sig = graph_signature(ours_path), graph_signature(SHIPPED_ONNX)
        ops = collections.Counter(op for op, _ in theirs_sig)
        print(f"after ORT_ENABLE_BASIC: ours {len(ours_sig)} nodes, the file {len(theirs_sig)} nodes; "
              f"same operators in the same order: {[o for o, _ in ours_sig] == [o for o, _ in theirs_sig]}; "
              f"same initializer shapes per node: {ours_sig == theirs_sig}")
        print("operators:", ", ".join(f"{op} {n}" for op, n in ops.most_common()))
        # the initializers themselves, node by node, input by input
        a, b = optimized(ours_path, Path(tmp) / "a.onnx"), optimized(SHIPPED_ONNX, Path(tmp) / "b.onnx")
        ia = {i.name: onnx.numpy_helper.to_array(i) for i in a.graph.initializer}
        ib = {i.name: onnx.numpy_helper.to_array(i) for i in b.graph.initializer}
        worst, count = 0.0, 0
        for na, nb in zip(a.graph.node, b.graph.node):
            for xa, xb in zip(na.input, nb.input):
                if xa in ia and xb in ib:
                    worst = max(worst, float(np.abs(ia[xa].astype(np.float64) - ib[xb]).max(initial=0)))
                    count += 1
        print(f"initializer inputs compared: {count}, max abs difference {worst:.3g}")

        s_ours = ort.InferenceSession(str(ours_path), providers=["CPUExecutionProvider"])
        s_file = ort.InferenceSession(str(SHIPPED_ONNX), providers=["CPUExecutionProvider"])
        photos = sorted(args.people.glob("*.jpg")) if args.people.is_dir() else []
        d_export = d_torch = d_matte = 0.0
        for photo in photos:
            image = Image.open(photo).convert("RGB")
            x = preprocess(image)
            out_file = s_file.run(None, {"input": x.numpy()})[0]
            out_ours = s_ours.run(None, {"input": x.numpy()})[0]
            with torch.no_grad():
                out_torch = net(x).numpy()
            d_export = max(d_export, float(np.abs(out_ours - out_file).max()))
            d_torch = max(d_torch, float(np.abs(out_torch - out_file).max()))
            d_matte = max(d_matte, float(np.abs(postprocess(out_torch, image.size) - postprocess(out_file, image.size)).max()))
        if photos:
            print(f"{len(photos)} photos of {args.people.name}/ at the official inference size: max abs difference "
                  f"of the network output, our export vs the file {d_export:.3g}, our PyTorch vs the file "
                  f"{d_torch:.3g}; of the full-size mattes (PyTorch vs the file) {d_matte:.3g}")
        else:
            print(f"{args.people} is absent: photo comparison skipped")


if __name__ == "__main__":
    main()
