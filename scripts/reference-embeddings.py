#!/usr/bin/env python3
"""Embeds a few sentences with all-MiniLM-L6-v2 in plain NumPy (float64),
independently of beast's Rust encoder, and writes them as the fixture the
embedding tests compare against (tests/fixtures/minilm-reference.json).

    python3 scripts/reference-embeddings.py models/all-MiniLM-L6-v2 > tests/fixtures/minilm-reference.json

Everything is written out here from the model's files: the safetensors
header, BERT's basic tokenizer and WordPiece over vocab.txt, the encoder, mean
pooling and normalisation, as the model card describes. Needs numpy.
"""
import json
import math
import struct
import sys
import unicodedata

import numpy as np

SENTENCES = [
    "How do I reset my password?",
    "What is the way to change my password?",
    "How do I reset my router?",
    "Summarize the quarterly earnings report in three bullet points.",
    "Hugging Face Hub is a platform to host Git-based models, datasets, and Spaces.",
    "could you please tell me how I should reset the password of my account on your website today",
]


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[meta["dtype"]]
        out[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(meta["shape"]).astype(np.float64)
    return out


def basic_tokens(text):
    """BERT's basic tokenizer, uncased: clean, lower-case, strip accents, split
    on whitespace and punctuation."""
    text = "".join(" " if unicodedata.category(c).startswith("Z") or c in "\t\n\r" else c for c in text)
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    tokens = []
    for word in text.split():
        current = ""
        for c in word:
            cp = ord(c)
            punct = (33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126
                     or unicodedata.category(c).startswith("P"))
            if punct:
                if current:
                    tokens.append(current)
                tokens.append(c)
                current = ""
            else:
                current += c
        if current:
            tokens.append(current)
    return tokens


def wordpiece(word, vocab):
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        piece = None
        while start < end:
            sub = word[start:end] if start == 0 else "##" + word[start:end]
            if sub in vocab:
                piece = sub
                break
            end -= 1
        if piece is None:
            return ["[UNK]"]
        pieces.append(piece)
        start = end
    return pieces


def layer_norm(x, w, b, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def embed(ids, t, config):
    h, heads = config["hidden_size"], config["num_attention_heads"]
    dh = h // heads
    n = len(ids)
    x = t["embeddings.word_embeddings.weight"][ids] + t["embeddings.position_embeddings.weight"][:n] \
        + t["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        lin = lambda v, name: v @ t[p + name + ".weight"].T + t[p + name + ".bias"]
        q = lin(x, "attention.self.query").reshape(n, heads, dh).transpose(1, 0, 2)
        k = lin(x, "attention.self.key").reshape(n, heads, dh).transpose(1, 0, 2)
        v = lin(x, "attention.self.value").reshape(n, heads, dh).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(n, h)
        a = layer_norm(lin(ctx, "attention.output.dense") + x,
                       t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"])
        f = lin(gelu(lin(a, "intermediate.dense")), "output.dense")
        x = layer_norm(f + a, t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"])
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)


def main():
    model = sys.argv[1]
    config = json.load(open(f"{model}/config.json"))
    vocab = {line.rstrip("\n"): i for i, line in enumerate(open(f"{model}/vocab.txt", encoding="utf-8"))}
    tensors = load_safetensors(f"{model}/model.safetensors")
    cases = []
    for s in SENTENCES:
        tokens = ["[CLS]"] + [p for w in basic_tokens(s) for p in wordpiece(w, vocab)] + ["[SEP]"]
        ids = [vocab[t] for t in tokens]
        e = embed(ids, tensors, config)
        cases.append({"text": s, "ids": ids, "embedding": [round(float(v), 7) for v in e]})
    json.dump({
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "computed_by": "scripts/reference-embeddings.py (NumPy, float64)",
        "tolerance": 1e-4,
        "cases": cases,
    }, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
