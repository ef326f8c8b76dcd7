"""A tiny random-weight Wan 2.1 text-to-video folder, built offline in under a second.

It has the layout of ``Wan-AI/Wan2.1-T2V-1.3B-Diffusers`` (``model_index.json`` plus one
subfolder per component, written by ``save_pretrained``) and the same component classes,
so the engine loads it through exactly the code that loads the real weights. Only the
sizes differ; the recipe is in ``/work/shared/specs/local-inference.md`` section 3.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch
from diffusers import (
    AutoencoderKLWan,
    UniPCMultistepScheduler,
    WanPipeline,
    WanTransformer3DModel,
)
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers
from tokenizers.processors import TemplateProcessing
from tokenizers.trainers import UnigramTrainer
from transformers import T5TokenizerFast, UMT5Config, UMT5EncoderModel

TEXT_DIM = 32
SPECIAL_TOKENS = ["<pad>", "</s>", "<unk>"]  # T5 ids 0, 1, 2 (transformers 5 hard-codes unk 2)
SENTENCES = [
    "a cat walks on the grass in the morning sun",
    "a red car drives along a wet city street at night",
    "waves roll onto a sandy beach under a blue sky",
    "a dog runs through a field of yellow flowers",
    "snow falls slowly over a quiet mountain village",
    "a astronaut floats inside a bright space station",
    "a chef slices vegetables on a wooden table",
    "birds fly over a calm lake at sunset",
    "a train crosses a bridge above a deep green valley",
    "children play football in a dusty park",
    "rain drips from the leaves of a tall tree",
    "a candle flickers in a dark room, low quality, blurry",
]


def build_tiny_wan(folder: Path) -> Path:
    """Write the tiny pipeline to ``folder`` and return it."""
    tokenizer = _tokenizer()
    pipeline = WanPipeline(
        tokenizer=tokenizer,
        text_encoder=_text_encoder(vocab_size=len(tokenizer)),
        vae=_vae(),
        scheduler=_scheduler(),
        transformer=_transformer(),
    )
    pipeline.save_pretrained(folder)
    return folder


def _tokenizer() -> Any:
    backend = Tokenizer(models.Unigram())
    backend.normalizer = normalizers.NFKC()
    backend.pre_tokenizer = pre_tokenizers.Metaspace("▁", prepend_scheme="always")
    backend.decoder = decoders.Metaspace("▁", prepend_scheme="always")
    trainer = UnigramTrainer(vocab_size=120, special_tokens=SPECIAL_TOKENS, unk_token="<unk>")
    backend.train_from_iterator(SENTENCES, trainer=trainer)
    backend.post_processor = TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)]
    )
    return T5TokenizerFast(
        tokenizer_object=backend,
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        extra_ids=0,
    )


def _text_encoder(vocab_size: int) -> Any:
    torch.manual_seed(0)
    config = UMT5Config(
        vocab_size=vocab_size,
        d_model=TEXT_DIM,
        d_kv=8,
        d_ff=64,
        num_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
        feed_forward_proj="gated-gelu",
        dropout_rate=0.0,
        pad_token_id=0,
        eos_token_id=1,
    )
    return UMT5EncoderModel(config)


def _vae() -> Any:
    torch.manual_seed(0)
    return AutoencoderKLWan(
        base_dim=3,
        z_dim=16,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )


def _scheduler() -> Any:
    return UniPCMultistepScheduler(
        prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
    )


def _transformer() -> Any:
    torch.manual_seed(0)
    return WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=TEXT_DIM,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=1024,
    )
