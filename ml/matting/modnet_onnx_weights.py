"""What a MODNet ONNX file is, measured against our own MODNet (ml/matting/modnet.py).

- `graph_signature`: the file's graph after onnxruntime's basic optimisation (constant folding, Identity
  removal; batch norm that follows a convolution is folded, as the official export already did), as a
  list of (operator, shapes of its initializer inputs) in graph order. An ONNX export of our MODNet and a
  file exported from the official code have the same signature when the two networks are the same.
- `state_dict_from_onnx`: maps a batch-norm-folded export back onto our module tree: every Conv node's
  weight and bias go to our convolution in execution order (the exporter writes nodes in that order);
  a batch norm that was folded into its convolution becomes the identity (scale 1, mean 0, variance
  1 - eps) carrying the folded bias when the convolution has none; the remaining BatchNormalization,
  InstanceNormalization and MatMul nodes map one to one onto our unfolded batch norms, instance norms and
  linear layers. Every tensor of every module the inference pass runs is assigned exactly once, else it
  raises; the training-only heads (not in any export) are reported as unused.
Used by tests/ml/matting/test_modnet_shipped.py and bench/modnet_provenance.py; nothing here at import.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np


class OnnxMappingError(ValueError):
    """The ONNX graph does not map onto our MODNet."""


def optimized(path: Path | str, out: Path | str):
    """The model after onnxruntime's ORT_ENABLE_BASIC optimisation, saved to ``out`` and loaded (onnx)."""
    import onnx
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(out)
    ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return onnx.load(str(out))


def graph_signature(path: Path | str) -> list[tuple[str, tuple]]:
    with tempfile.TemporaryDirectory() as tmp:
        model = optimized(path, Path(tmp) / "opt.onnx")
    shapes = {init.name: tuple(init.dims) for init in model.graph.initializer}
    return [(node.op_type, tuple(shapes[i] for i in node.input if i in shapes)) for node in model.graph.node]


def _execution_order(net):
    """Our modules in the order a forward pass runs them, and which batch norms read a convolution's
    output directly (the ones an exporter folds)."""
    import torch
    from torch import nn

    order, outputs, folded = [], {}, {}
    kinds = (nn.Conv2d, nn.BatchNorm2d, nn.InstanceNorm2d, nn.Linear)

    def hook(module, inputs, output):
        order.append(module)
        if isinstance(module, nn.BatchNorm2d) and id(inputs[0]) in outputs:
            folded[module] = outputs[id(inputs[0])][1]
        if isinstance(module, nn.Conv2d):
            outputs[id(output)] = (output, module)  # the tensor is kept, so that its id is not reused

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, kinds)]
    try:
        with torch.no_grad():
            net(torch.zeros(1, 3, 64, 64))
    finally:
        for h in handles:
            h.remove()
    return order, folded


def state_dict_from_onnx(path: Path | str, net=None) -> tuple[dict, list[str]]:
    """Our MODNet's state dict (names without ``module.``) holding the weights of a folded MODNet export,
    and the keys the file has no numbers for (modules the inference pass never runs: kept from ``net``)."""
    import onnx
    import torch
    from torch import nn

    from .modnet import MODNet

    net = (net or MODNet()).eval()
    model = onnx.load(str(path))
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in model.graph.initializer}
    for node in model.graph.node:  # the official export writes e.g. instance norm's scale as Constant nodes
        if node.op_type == "Constant":
            value = next((a.t for a in node.attribute if a.name == "value"), None)
            if value is not None:
                inits[node.output[0]] = onnx.numpy_helper.to_array(value)
    nodes: dict[str, list] = {"Conv": [], "BatchNormalization": [], "InstanceNormalization": [], "MatMul": []}
    for node in model.graph.node:
        if node.op_type in nodes:
            nodes[node.op_type].append(node)

    order, folded = _execution_order(net)
    convs = [m for m in order if isinstance(m, nn.Conv2d)]
    bns = [m for m in order if isinstance(m, nn.BatchNorm2d) and m not in folded]
    ins = [m for m in order if isinstance(m, nn.InstanceNorm2d)]
    linears = [m for m in order if isinstance(m, nn.Linear)]
    for label, ours, theirs in (("Conv", convs, nodes["Conv"]), ("BatchNormalization", bns, nodes["BatchNormalization"]),
                                ("InstanceNormalization", ins, nodes["InstanceNormalization"]),
                                ("MatMul", linears, nodes["MatMul"])):
        if len(ours) != len(theirs):
            raise OnnxMappingError(f"{label}: {len(theirs)} in the file, {len(ours)} in our MODNet")

    # every name of a module: the backbone is reachable as `backbone` and as `lr_branch.backbone` (as in the
    # official checkpoint, which holds both), and both keys must carry the same numbers
    aliases: dict = {}
    for name, module in net.named_modules(remove_duplicate=False):
        aliases.setdefault(module, []).append(name)
    names = {m: n[0] for m, n in aliases.items()}
    reference = net.state_dict()
    state: dict[str, torch.Tensor] = {}

    def put(module, attr: str, value) -> None:
        value = torch.as_tensor(np.array(value, dtype=np.float32))
        for name in aliases[module]:
            key = f"{name}.{attr}"
            expected = tuple(reference[key].shape)
            if tuple(value.shape) != expected:
                raise OnnxMappingError(f"{key}: the file has {tuple(value.shape)}, our MODNet {expected}")
            if key in state:
                raise OnnxMappingError(f"{key} assigned twice")
            state[key] = value

    def identity_bn(bn, beta) -> None:
        put(bn, "weight", np.ones(bn.num_features))
        put(bn, "bias", beta)
        put(bn, "running_mean", np.zeros(bn.num_features))
        put(bn, "running_var", np.full(bn.num_features, 1.0 - bn.eps))  # so that sqrt(var + eps) == 1

    fused_into = {conv: bn for bn, conv in folded.items()}
    for conv, node in zip(convs, nodes["Conv"]):
        weight = inits[node.input[1]]
        bias = inits[node.input[2]] if len(node.input) > 2 else np.zeros(weight.shape[0], np.float32)
        put(conv, "weight", weight)
        bn = fused_into.get(conv)
        if conv.bias is not None:
            put(conv, "bias", bias)
            if bn is not None:
                identity_bn(bn, np.zeros(bn.num_features))
        elif bn is not None:
            identity_bn(bn, bias)
        elif np.any(bias):
            raise OnnxMappingError(f"{names[conv]} has no bias and no batch norm, the file gives it a bias")
    for bn, node in zip(bns, nodes["BatchNormalization"]):
        eps = next((a.f for a in node.attribute if a.name == "epsilon"), 1e-5)
        if abs(eps - bn.eps) > 1e-9:
            raise OnnxMappingError(f"{names[bn]}: epsilon {eps} in the file, {bn.eps} in our MODNet")
        for attr, index in (("weight", 1), ("bias", 2), ("running_mean", 3), ("running_var", 4)):
            put(bn, attr, inits[node.input[index]])
    for inorm, node in zip(ins, nodes["InstanceNormalization"]):
        scale, shift = inits[node.input[1]], inits[node.input[2]]
        if inorm.affine:
            put(inorm, "weight", scale)
            put(inorm, "bias", shift)
        elif not (np.all(scale == 1) and np.all(shift == 0)):
            raise OnnxMappingError(f"{names[inorm]} is not affine in our MODNet, the file scales or shifts it")
    for linear, node in zip(linears, nodes["MatMul"]):
        put(linear, "weight", inits[node.input[1]].T)  # MatMul(x, W) with W = Linear.weight transposed

    # Every tensor of a module the inference pass runs must come from the file; the others belong to the
    # training-only heads (the semantic and detail predictions), which an export leaves out.
    ran = {name for m in order for name in aliases[m]}
    expected = {k for k in reference if k.rsplit(".", 1)[0] in ran and not k.endswith("num_batches_tracked")}
    if set(state) != expected:
        missing, extra = sorted(expected - set(state)), sorted(set(state) - expected)
        raise OnnxMappingError(f"unassigned: {missing[:5]}; unexpected: {extra[:5]}")
    unused = sorted(k for k in reference if k not in state and not k.endswith("num_batches_tracked"))
    for key, value in reference.items():
        state.setdefault(key, value.clone())
    return state, unused
