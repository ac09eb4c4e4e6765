import pytest

from pypgflow_ops.colors import color_hint, is_valid_color, to_hex


@pytest.mark.parametrize(
    "text",
    ["#f80", "#FF8800", "#ff880080", "orange", "Orange", "DarkSlateGrey", "rebeccapurple", "teal"],
)
def test_hex_forms_and_css_names_are_colors(text: str) -> None:
    assert is_valid_color(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "#orange",
        "#12345",
        "#ff88",
        "#gggggg",
        "ff8800",
        " orange",
        "ornage",
        "rgb(1,2,3)",
        "transparent",
        "orange;stroke:red",
        "#ff8800\n",
    ],
)
def test_anything_else_is_not_a_color(text: str) -> None:
    assert not is_valid_color(text)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("#orange", "did you mean 'orange'?"),
        ("ornage", "did you mean 'orange'?"),
        ("dark-slate-grey", "did you mean 'darkslategrey'?"),
        (" Orange ", "did you mean 'orange'?"),
        ("ff8800", "did you mean '#ff8800'?"),
        ("#12345", "a hex colour has 3, 6 or 8 digits (#rgb, #rrggbb, #rrggbbaa)"),
        ("#gggggg", "a hex colour has 3, 6 or 8 digits (#rgb, #rrggbb, #rrggbbaa)"),
        ("rgb(1,2,3)", "use #rgb, #rrggbb, #rrggbbaa or a colour name such as 'orange'"),
    ],
)
def test_a_mistake_gets_a_hint(text: str, hint: str) -> None:
    assert color_hint(text) == hint


@pytest.mark.parametrize(
    ("text", "hex_form"),
    [
        ("#F80", "#ff8800"),
        ("#ff880080", "#ff880080"),
        ("Green", "#008000"),  # the CSS green, not X11's #00ff00: both renderers show the same
        ("grey", "#808080"),
        ("rebeccapurple", "#663399"),
    ],
)
def test_a_color_as_hex_is_what_css_means_by_it(text: str, hex_form: str) -> None:
    assert to_hex(text) == hex_form


def test_to_hex_refuses_what_is_not_a_color() -> None:
    with pytest.raises(ValueError, match="'#orange' is not a colour"):
        to_hex("#orange")
