"""Softmax gradients with the usual slips (tests/exercise/test_arrays.py)."""

import numpy as np


def _p(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def noh_two(W, X, y):
    return X.T @ _p(X @ W) / len(y)  # the one-hot term is missing


def noh_three(W, b, X, y):
    dZ = _p(X @ W + b) / len(y)  # the one-hot term is missing
    return X.T @ dZ, dZ.sum(axis=0)


def tr_two(W, X, y):
    dZ = (_p(X @ W) - np.eye(2)[y.astype(int)]) / len(y)
    return dZ.T @ X  # the transposed product


def tr_three(W, b, X, y):
    dZ = (_p(X @ W + b) - np.eye(3)[y.astype(int)]) / len(y)
    return dZ.T @ X, dZ.sum(axis=0)  # the transposed product


def bias_three(W, b, X, y):
    dZ = (_p(X @ W + b) - np.eye(3)[y.astype(int)]) / len(y)
    return X.T @ dZ, dZ  # the bias not summed over the batch


def mean_three(W, b, X, y):
    dZ = _p(X @ W + b) - np.eye(3)[y.astype(int)]  # no 1/n
    return X.T @ dZ, dZ.sum(axis=0)
