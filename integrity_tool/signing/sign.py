"""PAdES signing of the reports (pyHanko). Bytes in, bytes out: this package knows no PDF layout.

``sign_pdf`` certifies the document (DocMDP: no changes allowed), with a visible stamp in ``box``
on the last page when one is given (the report layout's ``pdf.styles.SIGNATURE_BOX``, passed in by
``render_pool``) and an optional RFC 3161 timestamp (PAdES B-T).
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import io
import os
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from . import _asn1_speedup
from .pki import create_pki

_asn1_speedup.apply()

SIGNATURE_FIELD_NAME = "Bekrachtiging"


class SigningError(Exception):
    """The PKCS#12 could not be loaded or the document could not be signed."""


_cache_lock = threading.Lock()
_signers: dict[tuple, object] = {}
_timestampers: dict[str, object] = {}


def _load_signer(p12: Path | bytes, passphrase: bytes):
    """A pyHanko signer for a PKCS#12 (a file, or its bytes as stored in the database); cached per content."""
    from pyhanko.sign import signers

    if isinstance(p12, (bytes, bytearray)):
        data = bytes(p12)
        key = ("bytes", hashlib.sha256(data).digest(), hashlib.sha256(passphrase or b"").digest())
    else:
        data = None
        st = os.stat(p12)
        key = (str(Path(p12).resolve()), st.st_mtime_ns, st.st_size, hashlib.sha256(passphrase or b"").digest())
    with _cache_lock:
        signer = _signers.get(key)
    if signer is not None:
        return signer
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data if data is not None else Path(p12).read_bytes(), other_certs=None, passphrase=passphrase)
    except Exception as exc:  # wrong passphrase, corrupt file
        raise SigningError("Het ondertekeningscertificaat kon niet worden geladen.") from exc
    if signer is None:
        raise SigningError("Het ondertekeningscertificaat kon niet worden geladen.")
    with _cache_lock:
        _signers.clear() if len(_signers) > 32 else None
        _signers[key] = signer
    return signer


def _reserve(signer) -> int:
    size = len(signer.signing_cert.dump())
    try:
        size += sum(len(c.dump()) for c in signer.cert_registry)
    except Exception:  # pragma: no cover - defensive: fall back to a generous fixed size
        size += 16384
    return 2 * (size + 4096)  # hex digits in /Contents: always even


def _timestamper(url: str):
    from pyhanko.sign import timestamps

    with _cache_lock:
        ts = _timestampers.get(url)
        if ts is None:
            ts = _timestampers[url] = timestamps.HTTPTimeStamper(url)
    return ts


_ASCII_FALLBACK = str.maketrans({
    "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "€": "EUR", "ĳ": "ij", "Ĳ": "IJ",
    "…": "...", "•": "-",
})


def _stamp_safe(s: str, limit: int = 60) -> str:
    """Text for pyHanko's built-in standard-font stamp: Latin-1 printable only."""
    s = " ".join(str(s).split()).translate(_ASCII_FALLBACK)
    out = []
    for ch in s:
        if 0x20 <= ord(ch) < 0x7F or 0xA0 <= ord(ch) <= 0xFF:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch)[0]
            out.append(base if 0x20 <= ord(base) < 0x7F else "?")
    s = "".join(out)
    return s if len(s) <= limit else s[: limit - 3] + "..."


_STAMP_TEXT = {
    "nl": "Digitaal ondertekend door\n%(org)s\nNamens: %(name)s\nTijdstip: %(when)s",
    "en": "Digitally signed by\n%(org)s\nOn behalf of: %(name)s\nTime: %(when)s",
}


@functools.lru_cache(maxsize=2)
def _stamp_style(language: str = "nl"):
    """The visible stamp's style (per language): immutable, built once per process and shared."""
    from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        # People read Dutch local time; the UTC time of the signature itself is shown, labelled, beside it.
        stamp_text=_STAMP_TEXT.get(language, _STAMP_TEXT["nl"]),
        timestamp_format="%d-%m-%Y %H:%M:%S %Z",
        text_box_style=TextBoxStyle(font=SimpleFontEngineFactory("Helvetica", 0.5), font_size=8, leading=10),
        border_width=1,
        background=None,
    )


def sign_pdf(
    pdf_bytes: bytes,
    p12: Path | bytes,
    passphrase: bytes,
    *,
    signer_name: str,
    reason: str,
    location: str,
    timestamp_url: str | None = None,
    field_name: str = SIGNATURE_FIELD_NAME,
    box: tuple[int, int, int, int] | None = None,
    language: str = "nl",
) -> bytes:
    """Certify ``pdf_bytes`` (PAdES, SHA-256, DocMDP no changes) and return the signed bytes;
    the visible stamp in ``language`` ("nl" or "en"). ``p12``: a PKCS#12 file, or its bytes."""
    signer = _load_signer(p12 if isinstance(p12, (bytes, bytearray)) else Path(p12), passphrase)
    return _sign_with(signer, pdf_bytes, signer_name=signer_name, reason=reason, location=location,
                      timestamp_url=timestamp_url, field_name=field_name, box=box, language=language)


def _stamp_time(now: _dt.datetime | None = None) -> str:
    """'01-12-2026 00:21 CET (23:21 UTC)': Europe/Amsterdam time with its DST abbreviation, and UTC."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    local = now.astimezone(ZoneInfo("Europe/Amsterdam"))
    return f"{local:%d-%m-%Y %H:%M} {local.tzname()} ({now:%H:%M} UTC)"


def _sign_with(signer, pdf_bytes: bytes, *, signer_name: str, reason: str, location: str,
               timestamp_url: str | None = None, field_name: str = SIGNATURE_FIELD_NAME,
               box: tuple[int, int, int, int] | None = None, language: str = "nl") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import MDPPerm, SigFieldSpec

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=signer_name,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    spec = SigFieldSpec(sig_field_name=field_name, on_page=-1, box=box)
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=_timestamper(timestamp_url) if timestamp_url else None,
        stamp_style=_stamp_style(language), new_field_spec=spec,
    )
    cn = signer.signing_cert.subject.native.get("organization_name") or ""
    # Without a timestamp the CMS size is bounded by the certificates plus a few hundred bytes of
    # attributes and signature; reserving it up front saves pyHanko a full dry-run signature.
    reserve = None if timestamp_url else _reserve(signer)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, output=out, bytes_reserved=reserve, appearance_text_params={
            "org": _stamp_safe(cn), "name": _stamp_safe(signer_name), "when": _stamp_time()})
    except Exception as exc:
        raise SigningError(f"Ondertekenen mislukt: {exc}") from exc
    return out.getvalue()


def sign_throwaway(pdfs: Iterable[bytes], *, box: tuple[int, int, int, int] | None = None) -> list[bytes]:
    """Sign ``pdfs`` with a throw-away in-memory key: pays pyHanko's first-use costs (the warm-up in
    ``render_pool``) and touches no key material or files."""
    from pyhanko.sign import signers

    throwaway = b"warm-up"
    _ca, p12 = create_pki("Warm-up", throwaway)
    signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=None, passphrase=throwaway)
    return [_sign_with(signer, pdf, signer_name="warm-up", reason="warm-up", location="-", box=box) for pdf in pdfs]
