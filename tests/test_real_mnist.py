"""Checks on the official MNIST files; they run when MNIST_DATA_DIR is set (CI sets it)."""

import numpy as np
import pytest

from helpers.data import load_mnist, load_sample, sample_indices

pytestmark = pytest.mark.real_mnist


@pytest.fixture(scope="module")
def train(mnist_data_dir):
    return load_mnist("train", mnist_data_dir, mirrors=[])


def test_training_set(train):
    images, labels = train
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels[:10], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    counts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    np.testing.assert_array_equal(np.bincount(labels), counts)


def test_test_set(mnist_data_dir):
    images, labels = load_mnist("test", mnist_data_dir, mirrors=[])
    assert images.shape == (10000, 28, 28)
    counts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    np.testing.assert_array_equal(np.bincount(labels), counts)


def test_sample_is_first_500_training_images_of_each_class(train):
    images, labels = train
    sample_images, sample_labels = load_sample()
    idx = sample_indices(labels)
    np.testing.assert_array_equal(images[idx], sample_images)
    np.testing.assert_array_equal(labels[idx], sample_labels)
