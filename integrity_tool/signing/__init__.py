"""PAdES signing and verification of the reports (pyHanko). Bytes in, bytes/results out.

* ``pki``: ``ensure_org_pki``, the local organisation CA and signing certificate.
* ``sign``: ``sign_pdf`` certifies a document (DocMDP: no changes allowed), with a visible stamp.
* ``verify``: ``verify_pdf`` never raises: it reports in Dutch what is wrong.
* ``_asn1_speedup``: a byte-identical speed-up of asn1crypto, applied on import.

This package knows no PDF layout and imports nothing from ``pdf/``: ``render_pool`` is the one
module that joins rendering and signing (and warms both up).
"""
from .pki import DOCUMENT_SIGNING_EKU, NOT_TRUSTED_LABEL, OrgPki, create_pki, ensure_org_pki
from .sign import SIGNATURE_FIELD_NAME, SigningError, sign_pdf, sign_throwaway
from .verify import (MSG_ALTERED, MSG_DAMAGED, MSG_INVALID, MSG_NOT_CERTIFIED, MSG_NOT_PDF, MSG_UNSIGNED,
                     MSG_UNTRUSTED, VerificationResult, verify_pdf)

__all__ = ["DOCUMENT_SIGNING_EKU", "NOT_TRUSTED_LABEL", "OrgPki", "create_pki", "ensure_org_pki",
           "SIGNATURE_FIELD_NAME", "SigningError", "sign_pdf", "sign_throwaway",
           "MSG_ALTERED", "MSG_DAMAGED", "MSG_INVALID", "MSG_NOT_CERTIFIED", "MSG_NOT_PDF", "MSG_UNSIGNED",
           "MSG_UNTRUSTED", "VerificationResult", "verify_pdf"]
