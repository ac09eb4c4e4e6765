import pytest

from pypgflow_ops.diagram.style import border, tint


@pytest.mark.parametrize(
    ("color", "fill"), [("#ffa500", "#ffebc7"), ("#1f77b4", "#cee1ee"), ("#000000", "#c7c7c7")]
)
def test_a_fill_is_the_colour_lightened_for_dark_text(color: str, fill: str) -> None:
    assert tint(color) == fill


@pytest.mark.parametrize(
    ("color", "outline"),
    [
        ("#1f77b4", "#1f77b4"),
        ("#ffa500", "#ffa500"),
        ("#c7c7c7", "#777777"),
        ("#ffd700", "#998100"),
    ],
)
def test_a_border_is_the_colour_unless_too_light_to_show(color: str, outline: str) -> None:
    assert border(color) == outline
