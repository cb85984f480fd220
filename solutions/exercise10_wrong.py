# gradquiz: exercise10
# WRONG on purpose. Tasks that fail and why:
#   linear_regression: the 1/n of the mean is missing (a sum's gradient, n = 4 times too big).
#   softmax: the gradient by the scores without its one-hot term: softmax(Z)/n, not
#     (softmax(Z) - onehot(y))/n.
#   two_layer: the gradient by b1 averages over the batch where the loss's mean already
#     divided by n (partial credit: the entries of W1, W2 and b2 are right).
import numpy as np


def mse(w, X, y):
    return np.mean((X @ w - y) ** 2)


def mse_gradient(w, X, y):
    return 2 * X.T @ (X @ w - y)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def logistic_gradient(w, X, y):
    return X.T @ (sigmoid(X @ w) - y) / len(y)


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_gradient(W, b, X, y):
    n, k = len(y), W.shape[1]
    dZ = softmax(X @ W + b) / n
    return X.T @ dZ, dZ.sum(axis=0)  # the bias: summed over the batch


def network_gradient(W1, b1, W2, b2, X, y):
    H = np.tanh(X @ W1 + b1)  # forward
    r = H @ W2 + b2 - y
    dout = 2 * r / len(y)  # backward: d loss / d output
    dW2, db2 = H.T @ dout, np.array([dout.sum()])
    dA = np.outer(dout, W2) * (1 - H**2)  # tanh' = 1 - tanh**2
    return X.T @ dA, dA.mean(axis=0), dW2, db2
