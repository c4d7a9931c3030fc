"""The MLP forward pass over 10,000 digits: batch vs per-image loop, vs PyTorch, vs matmul.

Rows (``ratio = peer_s / ours_s``, above 1: ours is faster):

1. one batched ``model.forward`` vs a Python loop of per-image forwards;
2. the same batch vs PyTorch on the CPU with the same weights and thread count
   (``torch`` is optional: without it the row says so and ``peer_s`` is None);
3. the forward pass's achieved GFLOP/s vs one large float32 matrix multiply on
   the same machine; ``peer_s`` is the time the matrix multiply would need for the
   forward pass's FLOPs, so the ratio is our fraction of the matmul rate.

The digits are the official 10,000 test images when ``MNIST_DATA_DIR`` is set,
else the 5,000-digit sample twice (the note says which). Run with
``python -m benchmarks.bench_mlp``.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import numpy as np

from benchmarks.timing import Row, median_time, print_rows
from helpers.mlp import load_mlp
from helpers.paths import REFERENCE_WEIGHTS

N_IMAGES = 10_000
#: Size of the square float32 matrix multiply used as the machine's reference rate.
MATMUL_N = 1024


def _digits() -> tuple[np.ndarray, str]:
    if os.environ.get("MNIST_DATA_DIR"):
        from helpers.data import load_mnist

        images, _ = load_mnist("test", progress=False)
        return images[:N_IMAGES], "official test set"
    from helpers.data import load_sample

    images, _ = load_sample()
    return np.concatenate([images, images])[:N_IMAGES], "sample x2 (no MNIST_DATA_DIR)"


def _blas_threads() -> int:
    from threadpoolctl import threadpool_info

    counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(counts, default=1)


def _torch_forward(model, threads: int):
    """A PyTorch CPU forward with the same weights, or None when torch is missing."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    layers = [
        (torch.from_numpy(w), torch.from_numpy(b))
        for w, b in zip(model.weights, model.biases, strict=True)
    ]

    def forward(images_u8):
        with torch.inference_mode():
            a = torch.from_numpy(images_u8).reshape(len(images_u8), -1).float() / 255
            for i, (w, b) in enumerate(layers):
                a = torch.nn.functional.linear(a, w, b)
                a = torch.relu_(a) if i < len(layers) - 1 else torch.softmax(a, dim=1)
            return a.numpy()

    return forward


def interleaved_medians(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each function, timed in turns (a, b, c, a, b, c, ...) after a warm-up.

    Taking turns exposes every function to the same background load, so their
    ratios stay meaningful on a busy machine even when the absolute times do not.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def run(repeats: int = 5) -> list[Row]:
    model = load_mlp(REFERENCE_WEIGHTS)
    images, source = _digits()
    n = len(images)
    threads = _blas_threads()
    flops = 2 * n * sum(w.size for w in model.weights)
    rng = np.random.default_rng(0)
    a = rng.random((MATMUL_N, MATMUL_N), dtype=np.float32)
    b = rng.random((MATMUL_N, MATMUL_N), dtype=np.float32)
    torch_forward = _torch_forward(model, threads)
    fns = {"ours": lambda: model.forward(images, block_rows=1024), "matmul": lambda: a @ b}
    if torch_forward is not None:
        np.testing.assert_allclose(
            torch_forward(images[:100]), model.forward(images[:100]), atol=1e-5
        )
    t = interleaved_medians(fns, repeats)
    if torch_forward is not None:
        # timed on its own, last: torch's worker threads keep spinning for a while after
        # each call and would slow down whatever numpy call came next
        t["torch"] = median_time(lambda: torch_forward(images), repeats=repeats)
    ours = t["ours"]

    loop_images = images[:1000]  # the loop is slow: time 1,000 images, scale to n
    loop = median_time(
        lambda: [model.forward(x.reshape(-1)) for x in loop_images], repeats=max(1, repeats // 2)
    ) * (n / len(loop_images))
    rows = [
        Row(
            f"mlp forward {n:,} digits: batch vs loop",
            ours,
            "per-image loop",
            loop,
            f"{source}; loop timed on 1,000 digits, scaled",
        )
    ]
    if torch_forward is None:
        rows.append(
            Row(
                f"mlp forward {n:,} digits vs PyTorch",
                ours,
                "torch (CPU)",
                None,
                "torch not installed: install PyTorch's CPU-only build (see README, Performance)",
            )
        )
    else:
        import torch

        rows.append(
            Row(
                f"mlp forward {n:,} digits vs PyTorch",
                ours,
                f"torch {torch.__version__}",
                t["torch"],
                f"{source}; {threads} thread(s) each",
            )
        )
    mm_rate = 2 * MATMUL_N**3 / t["matmul"]
    our_rate = flops / ours
    rows.append(
        Row(
            f"mlp forward GFLOP/s vs {MATMUL_N}^3 float32 matmul",
            ours,
            "matmul rate, same FLOPs",
            flops / mm_rate,
            f"forward {our_rate / 1e9:.1f} GFLOP/s, matmul {mm_rate / 1e9:.1f} GFLOP/s "
            f"({our_rate / mm_rate:.1%}); {threads} BLAS thread(s); timed in turns",
        )
    )
    return rows


if __name__ == "__main__":
    print_rows(run())
