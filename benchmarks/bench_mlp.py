"""The MLP forward pass: blocks vs the plain loop over layers vs PyTorch; batch vs per-image loop.

Group "mlp forward 10,000 digits": ``model.forward(images, block_rows=1024)``
(ours) against PyTorch on the CPU with the same weights and thread count
(``torch`` is optional: the benchmark is skipped without it) and against the
plain loop over layers on the whole batch (``block_rows=None``). Group
"mlp batch vs loop": one batched forward of 1,000 digits against a Python loop
of per-image forwards.
"""

from __future__ import annotations

import numpy as np
import pytest

FORWARD = "mlp forward 10,000 digits"
LOOP = "mlp batch vs loop, 1,000 digits"


def _blas_threads() -> int:
    from threadpoolctl import threadpool_info

    counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(counts, default=1)


def test_forward_in_blocks(benchmark, reference_model, digits):
    images, source = digits
    benchmark.group, benchmark.extra_info = FORWARD, {"ours": True, "digits": source}
    benchmark(reference_model.forward, images, block_rows=1024)


def test_forward_plain_loop_over_layers(benchmark, reference_model, digits):
    images, _ = digits
    benchmark.group = FORWARD
    benchmark(reference_model.forward, images)


def test_forward_pytorch(benchmark, reference_model, digits):
    torch = pytest.importorskip("torch")
    images, _ = digits
    torch.set_num_threads(_blas_threads())
    layers = [
        (torch.from_numpy(w), torch.from_numpy(b))
        for w, b in zip(reference_model.weights, reference_model.biases, strict=True)
    ]

    def forward(images_u8: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            a = torch.from_numpy(images_u8).reshape(len(images_u8), -1).float() / 255
            for i, (w, b) in enumerate(layers):
                a = torch.nn.functional.linear(a, w, b)
                a = torch.relu_(a) if i < len(layers) - 1 else torch.softmax(a, dim=1)
            return a.numpy()

    np.testing.assert_allclose(forward(images[:100]), reference_model.forward(images[:100]),
                               atol=1e-5)
    benchmark.group, benchmark.extra_info = FORWARD, {"torch": torch.__version__}
    benchmark(forward, images)


def test_batch(benchmark, reference_model, digits):
    images = digits[0][:1000]
    benchmark.group, benchmark.extra_info = LOOP, {"ours": True}
    benchmark(reference_model.forward, images)


def test_per_image_loop(benchmark, reference_model, digits):
    images = digits[0][:1000]
    benchmark.group = LOOP
    benchmark(lambda: [reference_model.forward(image[None]) for image in images])  # batches of one


# --- the practical limit: the machine's float32 matrix-multiply rate on the same shapes ---

RATE = "mlp forward as a share of float32 matmul, 10,000 digits"


def _flop(model, n: int) -> int:
    """Multiply-adds of the forward pass's matrix products, counted as 2 flop each."""
    return 2 * n * sum(w.size for w in model.weights)


def test_forward_share_of_matmul(benchmark, reference_model, digits):
    images, _ = digits
    benchmark.group = RATE
    benchmark.extra_info = {"ours": True, "flop": _flop(reference_model, len(images))}
    benchmark(reference_model.forward, images, block_rows=1024)


def test_matmul_only(benchmark, reference_model, digits):
    """The three float32 products alone, blocks of 1,024 rows, no scaling, bias or softmax."""
    images, _ = digits
    X = images.reshape(len(images), -1).astype(np.float32) / np.float32(255)
    transposed = [np.ascontiguousarray(w.T) for w in reference_model.weights]

    def products() -> None:
        for start in range(0, len(X), 1024):
            a = X[start : start + 1024]
            for w in transposed:
                a = a @ w

    benchmark.group = RATE
    benchmark.extra_info = {"flop": _flop(reference_model, len(images))}
    benchmark(products)
