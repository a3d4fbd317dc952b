"""Shared data for the matting model tests: ../shared (next to the repository) holds the MODNet parity
kit and the portraits; tests that need it skip with a clear message when it is absent."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# ../shared next to the repository; a git worktree one or more folders deeper finds it further up.
SHARED = next((d / "shared" for d in REPO.parents if (d / "shared" / "data").is_dir()), REPO.parent / "shared")
MODNET_KIT = SHARED / "models" / "modnet"
PEOPLE = SHARED / "data" / "people"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data folder (../shared next to the repository) is needed")
    return path


@pytest.fixture(scope="session")
def modnet_kit() -> Path:
    return need(MODNET_KIT)


@pytest.fixture(scope="session")
def parity_state(modnet_kit):
    """The parity weights as the official checkpoint holds them: float32, keys with `module.`."""
    from safetensors.torch import load_file

    state = load_file(str(modnet_kit / "parity_weights.safetensors"))
    return {(k if k.startswith("module.") else "module." + k): v.float() for k, v in state.items()}


@pytest.fixture(scope="session")
def parity_ckpt(parity_state, tmp_path_factory) -> Path:
    """An official-layout .ckpt file: a plain dict of tensors saved with torch.save."""
    import torch

    path = tmp_path_factory.mktemp("modnet") / "modnet_photographic_portrait_matting.ckpt"
    torch.save(parity_state, path)
    return path


@pytest.fixture(scope="session")
def parity_io(modnet_kit):
    import numpy as np

    return dict(np.load(modnet_kit / "parity_io.npz"))
