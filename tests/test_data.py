import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from helpers._mnist_files import MNIST_FILES, fetch
from helpers.data import load_mnist, load_sample, sample_indices


def test_load_sample_shapes_and_classes():
    images, labels = load_sample()
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (5000,) and labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(labels), [500] * 10)
    np.testing.assert_array_equal(labels, np.repeat(np.arange(10), 500))  # grouped by class
    assert images.min() == 0 and images.max() == 255


def test_load_sample_returns_independent_copies():
    a, _ = load_sample()
    a[0, 0, 0] = 99
    b, _ = load_sample()
    assert b[0, 0, 0] == 0


def test_sample_indices_picks_first_per_class():
    labels = np.array([1, 0, 1, 0, 0, 1, 2])
    np.testing.assert_array_equal(sample_indices(labels, per_class=2), [1, 3, 0, 2, 6])
    with pytest.raises(ValueError, match=r"train_labels must have shape \(N,\)"):
        sample_indices(labels.reshape(1, -1))
    with pytest.raises(ValueError, match="per_class"):  # -1 used to drop each class's last
        sample_indices(labels, per_class=-1)


def test_unknown_split():
    with pytest.raises(ValueError, match="split must be 'train' or 'test', got 'valid'"):
        load_mnist("valid")


def test_data_dir_must_be_a_path():
    with pytest.raises(TypeError, match="data_dir must be a non-empty str or path-like, got 3"):
        load_mnist("test", 3, mirrors=[])


def _serve(root, name, content):
    (root / name).write_bytes(content)
    return hashlib.sha256(content).hexdigest()


def test_fetch_downloads_and_verifies(http_folder, tmp_path):
    url, root = http_folder
    sha = _serve(root, "f.bin", b"digits" * 1000)
    cache = tmp_path / "cache"
    path = fetch("f.bin", sha, cache, [url], progress=False)
    assert path == cache / "f.bin" and path.read_bytes() == b"digits" * 1000
    assert sorted(p.name for p in cache.iterdir()) == ["f.bin"]
    (root / "f.bin").unlink()  # a second call must not touch the network
    assert fetch("f.bin", sha, cache, [url], progress=False) == path


def test_fetch_hash_mismatch_leaves_nothing(http_folder, tmp_path):
    url, root = http_folder
    actual = _serve(root, "f.bin", b"not the real file")
    expected = "0" * 64
    cache = tmp_path / "cache"
    with pytest.raises(OSError, match="f.bin is not in .*nothing was saved") as info:
        fetch("f.bin", expected, cache, [url], progress=False)
    message = str(info.value)
    assert "f.bin" in message and expected in message and actual in message
    assert list(cache.iterdir()) == []


def test_fetch_server_error_leaves_nothing(http_folder, tmp_path):
    url, _ = http_folder
    cache = tmp_path / "cache"
    with pytest.raises(OSError, match="missing.bin is not in .*nothing was saved") as info:
        fetch("missing.bin", "0" * 64, cache, [url], progress=False)
    assert "404" in str(info.value)
    assert list(cache.iterdir()) == []


def test_fetch_falls_back_to_next_mirror(http_folder, tmp_path):
    url, root = http_folder
    (root / "a").mkdir()
    (root / "b").mkdir()
    (root / "a" / "f.bin").write_bytes(b"corrupt copy")
    sha = _serve(root / "b", "f.bin", b"good copy")
    path = fetch("f.bin", sha, tmp_path, [url + "a/", url + "b/"], progress=False)
    assert path.read_bytes() == b"good copy"


def test_present_file_with_wrong_hash_is_reported(tmp_path):
    (tmp_path / "f.bin").write_bytes(b"tampered")
    with pytest.raises(OSError, match=r"corrupt or not the official file.*expected 0{64}"):
        fetch("f.bin", "0" * 64, tmp_path, [], progress=False)


def test_no_mirrors_for_a_missing_file(tmp_path):
    with pytest.raises(OSError, match=r"f.bin is not in .* and no mirror of \[\] delivered it"):
        fetch("f.bin", "0" * 64, tmp_path, [], progress=False)


@pytest.mark.parametrize("where", ["data_dir", "MNIST_DATA_DIR", "COURSE_CACHE_DIR"])
def test_the_folder_is_data_dir_then_mnist_data_dir_then_the_cache(where, monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    data_dir, folder = None, tmp_path / "env"
    if where == "data_dir":
        data_dir = folder = tmp_path / "arg"
    elif where == "COURSE_CACHE_DIR":
        monkeypatch.delenv("MNIST_DATA_DIR")
        folder = tmp_path / "cache" / "mnist"
    expected = f"t10k-images-idx3-ubyte.gz is not in {re.escape(str(folder))} and no mirror"
    with pytest.raises(OSError, match=expected):
        load_mnist("test", data_dir, mirrors=[])


class _StallingHandler(http.server.BaseHTTPRequestHandler):
    """Promises 10 MB, sends 100 kB, then hangs: a download that never finishes."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(10_000_000))
        self.end_headers()
        self.wfile.write(b"x" * 100_000)
        self.wfile.flush()
        time.sleep(30)

    def log_message(self, *args):
        pass


def test_a_killed_download_leaves_nothing_the_next_run_trips_over(http_folder, tmp_path):
    stall = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StallingHandler)
    stall.daemon_threads = True
    threading.Thread(target=stall.serve_forever, daemon=True).start()
    cache = tmp_path / "cache"
    script = (
        "import sys; from pathlib import Path; from helpers._mnist_files import fetch; "
        "fetch('f.bin', '0' * 64, Path(sys.argv[1]), [sys.argv[2]], progress=False)"
    )
    stalled_url = f"http://127.0.0.1:{stall.server_address[1]}/"
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", script, str(cache), stalled_url], env=env)
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size > 0 for p in cache.rglob("*") if p.is_file()):
            assert time.monotonic() < deadline, "the download never started"
            time.sleep(0.05)
    finally:
        child.kill()  # SIGKILL: no cleanup code runs
        child.wait()
        stall.shutdown()
    assert not (cache / "f.bin").exists()
    (leftover,) = cache.iterdir()  # pooch's temporary file, not the file it was to become
    url, root = http_folder
    sha = _serve(root, "f.bin", b"the real file")
    assert fetch("f.bin", sha, cache, [url], progress=False).read_bytes() == b"the real file"
    assert sorted(p.name for p in cache.iterdir()) == sorted(["f.bin", leftover.name])


@pytest.mark.real_mnist
def test_load_mnist_downloads_real_files_from_a_local_mirror(
    http_folder, tmp_path, mnist_data_dir, monkeypatch
):
    url, root = http_folder
    for name in MNIST_FILES["test"]:
        shutil.copy(mnist_data_dir / name, root / name)
    monkeypatch.delenv("MNIST_DATA_DIR")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    images, labels = load_mnist("test", mirrors=[url], progress=False)
    assert images.shape == (10000, 28, 28)
    np.testing.assert_array_equal(labels[:10], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    cached = sorted(p.name for p in (tmp_path / "cache" / "mnist").iterdir())
    assert cached == sorted(MNIST_FILES["test"])


@pytest.mark.real_mnist
def test_load_mnist_rejects_a_truncated_official_file(tmp_path, mnist_data_dir):
    for name in MNIST_FILES["test"]:
        shutil.copy(mnist_data_dir / name, tmp_path / name)
    labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:-100])
    with pytest.raises(OSError, match="t10k-labels-idx1-ubyte.gz is corrupt"):
        load_mnist("test", tmp_path, mirrors=[])
