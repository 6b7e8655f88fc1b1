"""A speed-up for asn1crypto 1.5.1, which pyHanko uses to build the signature (see ``apply``).

Applied when ``integrity_tool.signing`` is imported; ``ORIGINAL_DUMP`` keeps the method it replaced
(tests compare the two byte for byte).
"""
from __future__ import annotations

ORIGINAL_DUMP = None


def apply() -> bool:
    """Make ``Asn1Value.dump`` evaluate ``self.contents`` once instead of twice.

    asn1crypto 1.5.1 reads ``self.contents`` twice per ``dump()`` (once for the value, once for
    the length header), and for a constructed value that was built rather than parsed (its
    ``_mutated`` flag never resets) every read re-serialises the whole subtree. Every nesting
    level therefore doubles the work: dumping the ~2 KB CMS pyHanko builds for one signature
    took ~15 ms of pure Python (2^depth visits of the ESS signing-certificate attribute).
    The replacement below is the 1.5.1 method with the second read replaced by the value of the
    first (the property is deterministic), so the output is byte-for-byte the same.
    Only applied to the exact version it was written against.
    """
    import asn1crypto
    from asn1crypto import core
    from asn1crypto.parser import _dump_header

    global ORIGINAL_DUMP
    if getattr(asn1crypto, "__version__", None) != "1.5.1" or getattr(core.Asn1Value.dump, "_it_once", False):
        return False
    ORIGINAL_DUMP = core.Asn1Value.dump

    def dump(self, force=False):
        contents = self.contents
        # If the length is indefinite, force the re-encoding
        if self._header is not None and self._header[-1:] == b"\x80":
            force = True
        if self._header is None or force:
            if isinstance(self, core.Constructable) and self._indefinite:
                self.method = 0
            header = _dump_header(self.class_, self.method, self.tag, contents)
            if self.explicit is not None:
                for class_, tag in self.explicit:
                    header = _dump_header(class_, 1, tag, header + contents) + header
            self._header = header
            self._trailer = b""
        return self._header + contents + self._trailer

    dump.__doc__ = core.Asn1Value.dump.__doc__
    dump._it_once = True
    core.Asn1Value.dump = dump
    return True
