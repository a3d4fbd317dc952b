"""`manage.py fake_dashscope` serves the protocol the real SDK speaks (started as a real process)."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ml.generation.dashscope_backend import DashScopeBackend
from ml.generation.types import GenerationError, GenerationRequest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_management_command_serves_submit_poll_and_images():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "manage.py", "fake_dashscope", "--port", str(port), "--run-seconds", "0.2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/api/v1" in line
        backend = DashScopeBackend(base_url=f"http://127.0.0.1:{port}/api/v1", poll_interval=0.05,
                                   min_submit_interval=0)
        result = backend.generate(GenerationRequest(model="qwen-image", prompt="国潮熊猫", width=1328, height=1328,
                                                    seed=3), api_key="sk-demo")
        assert [img.image.size for img in result.images] == [(1328, 1328)] and result.image_count == 1
        with pytest.raises(GenerationError) as info:  # failure injection from the prompt
            backend.generate(GenerationRequest(model="qwen-image", prompt="x [fake:inspection]", width=1328,
                                               height=1328), api_key="sk-demo")
        assert info.value.code == "content_blocked"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
