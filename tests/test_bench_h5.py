import numpy as np

from benchmarks import bench_h5


def test_pixels_from_the_sample_when_mnist_is_not_set(monkeypatch):
    monkeypatch.delenv("MNIST_DATA_DIR", raising=False)
    data, note = bench_h5.pixels()
    assert data.shape == (70_000, 784) and data.dtype == np.uint8
    assert "sample tiled" in note
    np.testing.assert_array_equal(data[:5000], data[5000:10000])


def test_run_gives_one_row_per_peer_and_cleans_up(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_DATA_DIR", raising=False)
    monkeypatch.setattr(
        bench_h5, "LAYOUTS", {"chunks 100 rows + gzip": bench_h5.LAYOUTS["chunks 100 rows + gzip"]}
    )
    monkeypatch.setattr(bench_h5.tempfile, "tempdir", str(tmp_path))
    rows = bench_h5.run(repeats=1)
    assert [r.peer for r in rows] == [
        "per-row loop",
        "read all, then numpy",
        "h5py d[sorted unique]",
    ]
    assert all(r.ours_s > 0 and r.peer_s > 0 for r in rows)
    assert "sample tiled" in rows[0].note and "MB" in rows[0].note
    assert list(tmp_path.iterdir()) == []  # the temporary folder was deleted
