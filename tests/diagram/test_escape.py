import pytest

from pypgflow_ops.diagram.escape import html_label, mermaid_string, visible_lines


def test_line_breaks_split_lines_and_other_control_characters_are_shown_escaped() -> None:
    assert visible_lines("one\r\ntwo\nthree\x00\x1b[31m\u202e") == [
        "one",
        "two",
        "three\\x00\\x1b[31m\\u202e",
    ]
    assert visible_lines("") == [""]


def test_a_lone_surrogate_is_shown_escaped_not_written_as_broken_utf8() -> None:
    assert visible_lines("bad\udcff") == ["bad\\udcff"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Plain text", "Plain text"),
        ("<b>\"Tom\" & 'Jerry'</b>", "&lt;b&gt;&quot;Tom&quot; &amp; &#x27;Jerry&#x27;&lt;/b&gt;"),
        ("C:\\path\\N\\", "C:\\\\path\\\\N\\\\"),
        ("two\nlines", "two<br/>lines"),
        ("Ärger ✓ 日本", "Ärger ✓ 日本"),
    ],
)
def test_html_label(text: str, label: str) -> None:
    assert html_label(text) == label


@pytest.mark.parametrize(
    ("text", "string"),
    [
        ("Plain text: ok, (fine)!", "Plain text#58; ok, (fine)!"),
        ("Set style:#red; ok", "Set style#58;#35;red; ok"),
        ('say "hi"; 100% #1', "say #34;hi#34;; 100#37; #35;1"),
        ("<b>&amp;</b>", "#60;b#62;#38;amp;#60;/b#62;"),
        ("%%{init: {}}%%", "#37;#37;{init#58; {}}#37;#37;"),
        ("a|b `c` {d} [e] \\", "a|b #96;c#96; {d} [e] \\"),
        ("two\nlines", "two<br/>lines"),
        ("Ärger ✓", "Ärger ✓"),
        ("soft\u00adhyphen, zero\u200dwidth joiner", "soft\u00adhyphen, zero\u200dwidth joiner"),
    ],
)
def test_mermaid_string(text: str, string: str) -> None:
    assert mermaid_string(text) == string
