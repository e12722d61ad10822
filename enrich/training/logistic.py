"""Small logistic regressions for the heads and calibrations trained on our own data:
deterministic (zero init, full-batch L-BFGS with strong Wolfe line search, float64), so a
rebuild on the same data gives the same weights."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch


def _minimise(
    weight: torch.Tensor, bias: torch.Tensor, loss_of: Callable[[], torch.Tensor]
) -> None:
    """Full-batch L-BFGS with strong Wolfe line search from the given (zero) start."""
    optimiser = torch.optim.LBFGS(
        [weight, bias], lr=1.0, max_iter=500, tolerance_grad=1e-10, tolerance_change=1e-12,
        history_size=20, line_search_fn="strong_wolfe",
    )  # fmt: skip

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = loss_of()
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    optimiser.step(closure)  # type: ignore[no-untyped-call]


def fit_logistic(
    x: np.ndarray[Any, Any], y: Sequence[int], l2: float
) -> tuple[np.ndarray[Any, Any], float]:
    """Binary logistic regression: (weight, bias) minimising mean log-loss + l2/2·||w||²."""
    features = torch.tensor(x, dtype=torch.float64)
    target = torch.tensor(list(y), dtype=torch.float64)
    weight = torch.zeros(features.shape[1], dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    _minimise(
        weight,
        bias,
        lambda: (
            torch.nn.functional.binary_cross_entropy_with_logits(features @ weight + bias, target)
            + 0.5 * l2 * (weight * weight).sum()
        ),
    )
    return weight.detach().numpy(), float(bias.detach().numpy()[0])


def fit_logistic_multi(
    x: np.ndarray[Any, Any], y: Sequence[int], classes: int, l2: float
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Multinomial logistic regression: (weight (classes, d), bias) minimising mean
    cross-entropy + l2/2·||W||², deterministic like `fit_logistic`."""
    features = torch.tensor(x, dtype=torch.float64)
    target = torch.tensor(list(y), dtype=torch.long)
    weight = torch.zeros((classes, features.shape[1]), dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(classes, dtype=torch.float64, requires_grad=True)
    _minimise(
        weight,
        bias,
        lambda: (
            torch.nn.functional.cross_entropy(features @ weight.T + bias, target)
            + 0.5 * l2 * (weight * weight).sum()
        ),
    )
    return weight.detach().numpy(), bias.detach().numpy()
