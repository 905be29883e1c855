"""Turn captured bytes into text without mojibake.

Captured pages lie about their encoding often enough (a meta charset copied from a template, an
HTTP header from a proxy) that the declared charset is only a hint: a strict UTF-8 decode that
succeeds wins over any declaration, and text that still looks like UTF-8 read as Windows-1252
("Ã©", "â€™") is repaired.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["DecodeError", "decode_bytes", "looks_binary", "repair_mojibake"]


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can read."""


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of common binary formats that may start with printable bytes.
_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
    b"OggS",
    b"ID3",
    b"RIFF",
    b"\x00\x00\x01\x00",
    b"wOFF",
    b"wOF2",
    b"\xd0\xcf\x11\xe0",
)

_CONTROL = set(range(0, 9)) | {11} | set(range(14, 27)) | set(range(28, 32)) | {127}

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)

# Windows-1252 characters for bytes 0x80-0x9F, used to map text back to the bytes it came from.
_CP1252_HIGH = {
    bytes([b]).decode("cp1252", errors="ignore"): b
    for b in range(0x80, 0xA0)
    if bytes([b]).decode("cp1252", errors="ignore")
}
_C1 = "".join(_CP1252_HIGH)
# A UTF-8 lead byte (as Latin-1/cp1252 text) followed by the right number of continuation bytes.
_CONT = "[\u0080-\u00bf" + re.escape(_C1) + "]"
_MOJIBAKE = re.compile(
    "(?:[\u00c2-\u00df]"
    + _CONT
    + "|[\u00e0-\u00ef]"
    + _CONT
    + "{2}|[\u00f0-\u00f4]"
    + _CONT
    + "{3})+"
)
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4]" + _CONT)


def _utf16_by_nuls(sample: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    if len(sample) < 4:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _bom(content: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name, len(bom)
    return None


def looks_binary(content: bytes) -> bool:
    """True for bytes that are not text (images, archives, executables) so readers can refuse them.

    UTF-16/32 text (BOM or NUL pattern) is not binary, although it is full of NULs.
    """
    if not content:
        return False
    if _bom(content):
        return False
    sample = content[:8192]
    if _utf16_by_nuls(sample):
        return False
    if any(sample.startswith(m) for m in _MAGIC):
        return True
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b in _CONTROL)
    return controls / len(sample) > 0.05


def _normalise_codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # Browsers read these labels as Windows-1252 (WHATWG Encoding Standard); so do we.
    if codec in ("latin-1", "iso8859-1", "ascii", "us-ascii", "cp819"):
        return "cp1252"
    return codec


def sniff_declared(content: bytes) -> str | None:
    """The charset an HTML/XML document declares in its first bytes, if any."""
    head = content[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def _decode_cp1252(content: bytes) -> str:
    """Windows-1252, with the five bytes it leaves undefined read as Latin-1 (as browsers do)."""
    return content.decode("cp1252", errors="_quarry_latin1")


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("_quarry_latin1", _latin1_fallback)


def _to_bytes_cp1252(text: str) -> bytes | None:
    out = bytearray()
    for ch in text:
        code = ord(ch)
        if code < 0x100:
            out.append(code)
        elif ch in _CP1252_HIGH:
            out.append(_CP1252_HIGH[ch])
        else:
            return None
    return bytes(out)


def _genuine(run: str, fixed: str) -> bool:
    """True for a run that is real text, not mojibake: a letter, a no-break space and a dash
    or quote ("těžké\u00a0– s", "à\u00a0« ") read as the bytes of one rare character (U+9816).
    Mojibake of a lone character of another script is seldom spaced with a no-break space;
    punctuation and symbols (U+2000-U+2BFF: dashes, quotes, the euro sign) stay repairable."""
    if len(fixed) != 1 or "\u00a0" not in run:
        return False
    code = ord(fixed)
    return code >= 0x800 and not 0x2000 <= code <= 0x2BFF


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Windows-1252/Latin-1 ("Ã©" -> "é", "â€™" -> "’").

    Only runs that form complete, valid UTF-8 sequences are rewritten, so genuine Latin-1 text
    (a lone "Ã" or "â") is left alone. Applied twice for double-encoded text.
    """
    for _ in range(2):
        if not _MOJIBAKE_HINT.search(text):
            break

        def fix(match: re.Match[str]) -> str:
            raw = _to_bytes_cp1252(match.group(0))
            if raw is None:
                return match.group(0)
            try:
                fixed = raw.decode("utf-8")
            except UnicodeDecodeError:
                return match.group(0)
            return match.group(0) if _genuine(match.group(0), fixed) else fixed

        fixed = _MOJIBAKE.sub(fix, text)
        if fixed == text:
            break
        text = fixed
    return text


def decode_bytes(content: bytes, declared: str | None = None, is_html: bool = True) -> str:
    """Decode captured bytes to text, trusting the bytes over any declared charset.

    Order: BOM; UTF-16 by NUL pattern; strict UTF-8; the declared charset (argument, else the
    page's own meta/XML declaration when ``is_html``); charset detection; Windows-1252.
    Raises :class:`DecodeError` for binary content.
    """
    if not content:
        return ""
    bom = _bom(content)
    if bom:
        name, size = bom
        try:
            return repair_mojibake(content[size:].decode(name))
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid {name} after byte-order mark: {exc.reason}") from exc
    utf16 = _utf16_by_nuls(content[:8192])
    if utf16:
        try:
            return repair_mojibake(content.decode(utf16))
        except UnicodeDecodeError:
            pass
    if looks_binary(content):
        raise DecodeError("content is binary (NUL or control bytes, or a binary file signature)")
    try:
        return repair_mojibake(content.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    for label in (declared, sniff_declared(content) if is_html else None):
        codec = _normalise_codec(label)
        if (
            codec
            and codec not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be")
            and codec not in candidates
        ):
            candidates.append(codec)
    for codec in candidates:
        if codec == "cp1252":
            return repair_mojibake(_decode_cp1252(content))
        try:
            return repair_mojibake(content.decode(codec))
        except UnicodeDecodeError:
            continue
    detected = _detect(content)
    if detected:
        return repair_mojibake(detected)
    return repair_mojibake(_decode_cp1252(content))


def _detect(content: bytes) -> str | None:
    """Charset detection for non-UTF-8 bytes without a usable declaration (e.g. Shift-JIS, GBK)."""
    if len(content) < 256:  # too little to tell a multi-byte encoding from noise
        return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: fall back to Windows-1252
        return None
    best = from_bytes(content[:200_000]).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return None
    # Single-byte Western guesses are no better than our Windows-1252 fallback.
    if best.encoding.startswith(("cp125", "latin", "iso8859", "mac_")):
        return None
    try:
        return content.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
