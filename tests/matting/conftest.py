from tests.ml.matting.conftest import modnet_kit, parity_ckpt, parity_state  # noqa: F401
