"""Which topic a sentence vector belongs to, as a probability: the sentence model's opinion.

Why a classifier, not only the nearest example
-----------------------------------------------
The nearest curated example says how close a question is to one phrasing; it cannot weigh a
topic's forty phrasings against another's, and its cosine means different things for different
topics. A softmax regression over the same vectors learns, from every example at once, which
directions in the model's space separate one topic from another, and gives a probability that
means the same for every topic. Measured on the tune sets (blind written batches and real
questions), its first choice was right more often than the nearest example's (0.947 vs 0.857
of the eighth batch's in-scope questions) and, at a probability of 0.9 or more, it was wrong on
almost none of them.

Out of scope is a class of its own: the near-topic questions of `out_of_scope.yml` ("what
does a fractional CTO do", "who is our CIO") are its examples, so "not ours" is learned from
content curators edit, like everything else the model knows.

Training is deterministic (zero start, full-batch gradient descent, each class weighted by the
inverse of its size, so a topic with many examples does not crowd out one with few) and takes
a fraction of a second for a thousand examples, so it runs at content load and on reload, never
per question.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Collection
from functools import lru_cache

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]

# cosines live in [-1, 1]; the scale lets the softmax be sure when the vectors are
SCALE = 20.0
EPOCHS = 300
LEARNING_RATE = 0.5
L2 = 1e-3


# weights already trained in this process, by what they were trained on
_TRAINED: dict[str, tuple[Matrix, Matrix]] = {}


class TopicClassifier:
    """P(topic | question vector) over the intents plus one class, the last, for "not ours"."""

    def __init__(self, vectors: Matrix, labels: npt.NDArray[np.int64], classes: int) -> None:
        self.classes = classes
        self._vectors = vectors.astype(np.float32)
        self._labels = labels
        key = hashlib.sha256(self._vectors.tobytes() + labels.tobytes()).hexdigest()
        if key not in _TRAINED:  # a reload or another engine over the same content: trained once
            _TRAINED[key] = _train(self._vectors, labels, classes, EPOCHS)
        self._weights, self._bias = _TRAINED[key]
        self._without = lru_cache(maxsize=256)(self._retrained)
        self.left_out: frozenset[int] = frozenset()

    def without(self, rows: Collection[int]) -> TopicClassifier:
        """The classifier trained without these rows: `rolebot eval --strict` leaves out, once
        per question set, every training row identical to one of its questions."""
        other = copy.copy(self)  # shares the memo of retrained weights: same vectors, labels
        other.left_out = frozenset(rows)
        if other.left_out:
            other._weights, other._bias = self._without(tuple(sorted(other.left_out)))
        return other

    @property
    def out_of_scope(self) -> int:
        """The index of the "not ours" class."""
        return self.classes - 1

    def probabilities(self, vector: Matrix, leave_out: Collection[int] = ()) -> Matrix:
        """One probability per class. `leave_out`: training rows (examples, asked questions) to
        score as if they had never been written, for an honest held-out measure."""
        missing = set(leave_out) - self.left_out
        weights, bias = (
            (self._weights, self._bias)
            if not missing
            else self._without(tuple(sorted(self.left_out | missing)))
        )
        logits = SCALE * (vector @ weights) + bias
        logits -= logits.max()
        exp = np.exp(logits)
        return (exp / exp.sum()).astype(np.float32)

    def _retrained(self, leave_out: tuple[int, ...]) -> tuple[Matrix, Matrix]:
        """Trained afresh without those rows (`rolebot eval --strict`): a warm start from the
        full weights would still remember them."""
        keep = np.ones(len(self._labels), dtype=bool)
        keep[list(leave_out)] = False
        return _train(self._vectors[keep], self._labels[keep], self.classes, EPOCHS)


def _train(x: Matrix, y: npt.NDArray[np.int64], classes: int, epochs: int) -> tuple[Matrix, Matrix]:
    n, dims = x.shape
    weights = np.zeros((dims, classes), dtype=np.float32)
    bias = np.zeros(classes, dtype=np.float32)
    if n == 0:
        return weights, bias
    target = np.eye(classes, dtype=np.float32)[y]
    sizes = np.bincount(y, minlength=classes).clip(min=1)
    weight_of = (n / (classes * sizes)).astype(np.float32)[y][:, None] / n
    for _ in range(epochs):
        logits = SCALE * (x @ weights) + bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - target) * weight_of
        weights -= LEARNING_RATE * (SCALE * (x.T @ grad) + L2 * weights)
        bias -= LEARNING_RATE * grad.sum(axis=0)
    return weights, bias
