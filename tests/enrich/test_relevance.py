"""Relevance: the vocabulary fallback, and the bundled model on the cases the claims issue
names (real encoder and trained weights)."""

from __future__ import annotations

import pytest

from enrich import relevance as rel
from enrich.embeddings import load_encoder


def test_food_delivery_is_no_car_vocabulary() -> None:
    assert rel.car_share("Meituan's food delivery war with JD.com deepened its losses.") == 0.0
    assert rel.car_share("Xiaomi delivered 40,000 cars in October.") == 1.0


@pytest.fixture(scope="module")
def model() -> rel.RelevanceModel:
    return rel.load_relevance_model(load_encoder())


CASES = [
    (
        "Seres buys 10% of Huawei's car unit Yinwang for 11.5 billion yuan",
        "Seres will pay 11.5 billion yuan for a 10 percent stake in Yinwang, Huawei's smart-car "
        "technology unit, the Chongqing carmaker said in a filing on Monday. Yinwang supplies "
        "driver-assistance systems and cockpits to carmakers including Avatr.",
        True,
    ),
    (
        "Sinopec and NIO to open 1,000 battery-swap stations at filling stations",
        "Sinopec will host battery-swap stations for NIO and other carmakers at 1,000 of its "
        "filling stations by 2027, the two companies said on Tuesday.",
        True,
    ),
    (
        "Huawei launches Mate 80 phones with a new Kirin chip",
        "Huawei launched its Mate 80 smartphones on Tuesday, with a faster Kirin chip and a "
        "starting price cut by 500 yuan. Analysts expect strong holiday sales in China.",
        False,
    ),
    (
        "Baidu's ad revenue slides as its Ernie chatbot takes over search",
        "Baidu said third-quarter online marketing revenue fell 18 percent as it rebuilt search "
        "around its Ernie AI chatbot. Its AI cloud business grew 21 percent.",
        False,
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("title", "text", "relevant"), CASES)
def test_the_bundled_model_reads_stakes_and_swap_networks_as_car_news_and_phones_as_not(
    model: rel.RelevanceModel, title: str, text: str, relevant: bool
) -> None:
    [score] = rel.score_documents(model, [(title, text, [])])
    assert (score >= model.threshold) is relevant, score
