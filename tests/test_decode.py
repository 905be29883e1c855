"""Decoding captured bytes: BOMs, UTF-16, Windows-1252, lying charsets, mojibake, binary refusal."""

from __future__ import annotations

import codecs

import pytest

from quarry.archive.decode import DecodeError, decode_bytes, looks_binary, repair_mojibake

TEXT = "Café déjà vu — “smart quotes” and naïve façade, 10 €"
MOJIBAKE_MARKS = ("Ã", "â€", "Â")


def clean(text: str) -> bool:
    return not any(mark in text for mark in MOJIBAKE_MARKS)


def test_utf8_plain() -> None:
    assert decode_bytes(TEXT.encode("utf-8")) == TEXT


def test_utf8_with_bom() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8")) == TEXT


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert decode_bytes(bom + TEXT.encode(codec)) == TEXT


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_by_nul_pattern(codec: str) -> None:
    html = f"<html><body><p>{TEXT}</p></body></html>"
    assert decode_bytes(html.encode(codec)) == html


def test_cp1252_smart_quotes() -> None:
    data = "He said “hello” – it’s 5 € … naïve".encode("cp1252")
    assert decode_bytes(data) == "He said “hello” – it’s 5 € … naïve"


def test_latin1_declared() -> None:
    data = "Grüße aus Köln".encode("latin-1")
    assert decode_bytes(data, declared="ISO-8859-1") == "Grüße aus Köln"


def test_meta_says_latin1_but_bytes_are_utf8() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body>Café ’quoted’</body></html>'
    out = decode_bytes(html.encode("utf-8"))
    assert "Café ’quoted’" in out and clean(out)


def test_header_says_latin1_but_bytes_are_utf8() -> None:
    out = decode_bytes("Zürich – Genève".encode(), declared="iso-8859-1")
    assert out == "Zürich – Genève"


def test_meta_says_utf8_but_bytes_are_cp1252() -> None:
    html = '<html><head><meta charset="utf-8"></head><body>It’s “fine” — café</body></html>'
    out = decode_bytes(html.encode("cp1252"))
    assert "It’s “fine” — café" in out


def test_declared_other_charset_is_used_when_not_utf8() -> None:
    data = "Привет, мир".encode("koi8-r")
    assert decode_bytes(data, declared="koi8-r") == "Привет, мир"


def test_meta_charset_sniffed_from_html() -> None:
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    data = (html + "<p>Привет, мир</p>").encode("cp1251")
    assert "Привет, мир" in decode_bytes(data)


def test_unknown_declared_charset_is_ignored() -> None:
    assert decode_bytes("café".encode("cp1252"), declared="x-no-such-charset") == "café"


def test_mojibake_repaired() -> None:
    broken = TEXT.encode("utf-8").decode("cp1252", errors="replace")
    assert not clean(broken)
    assert repair_mojibake("Ã© â€™ â€œhiâ€\x9d") == "é ’ “hi”"


def test_mojibake_in_utf8_bytes_repaired() -> None:
    # UTF-8 text that was once decoded as cp1252 and saved again as UTF-8.
    data = "Die Stadt Zürich – it’s".encode().decode("cp1252").encode("utf-8")
    assert decode_bytes(data) == "Die Stadt Zürich – it’s"


def test_double_encoded_mojibake_repaired() -> None:
    once = "naïve".encode().decode("cp1252")
    twice = once.encode().decode("cp1252")
    assert repair_mojibake(twice) == "naïve"


def test_genuine_latin1_letters_left_alone() -> None:
    assert repair_mojibake("NÃO São Paulo â la carte Â") == "NÃO São Paulo â la carte Â"


def test_empty() -> None:
    assert decode_bytes(b"") == ""
    assert not looks_binary(b"")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        b"PK\x03\x04\x14\x00\x00\x00",
        bytes(range(256)) * 4,
        b"abc\x00def\x00ghi\x01\x02\x03" * 20,
    ],
)
def test_binary_refused(data: bytes) -> None:
    assert looks_binary(data)
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(data)


def test_text_is_not_binary() -> None:
    assert not looks_binary(TEXT.encode("utf-8"))
    assert not looks_binary(TEXT.encode("cp1252"))
    assert not looks_binary(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))
    assert not looks_binary(b"plain ascii text\twith tabs\r\n" * 10)
    assert not looks_binary("<p>hello world</p>".encode("utf-16-le"))


def test_invalid_utf16_after_bom_raises() -> None:
    with pytest.raises(DecodeError):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # lone surrogate


def test_decode_error_is_value_error() -> None:
    assert issubclass(DecodeError, ValueError)


def test_letters_spaced_with_a_no_break_space_are_not_taken_for_mojibake() -> None:
    # "é", a no-break space and a dash are also the cp1252 bytes of one CJK character (U+9816)
    czech = "je to těžké\u00a0– s\u00a0médii nemluví"
    french = "il a dit\u00a0: «\u00a0oui\u00a0» à\u00a0« demain »"
    assert repair_mojibake(czech) == czech
    assert repair_mojibake(french) == french
    # real mojibake of a dash and of Japanese text is still repaired
    assert repair_mojibake("2020â€“2024 æ—¥æœ¬") == "2020–2024 日本"
