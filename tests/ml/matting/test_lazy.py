"""Importing the matting modules loads no model and no heavy runtime (models load in a worker, on first use)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_imports_load_no_model_and_no_runtime():
    code = ("import sys; import ml.matting, ml.matting.pipeline, ml.matting.u2net_engine, "
            "ml.matting.modnet_engine, ml.weights, ml.matting.compose, ml.matting.refine; "
            "print(sorted(m for m in ('torch', 'onnxruntime', 'onnx', 'safetensors') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
