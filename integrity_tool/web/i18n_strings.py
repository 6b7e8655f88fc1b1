"""Message extraction for strings that are translated where they are shown, not where they are written.

Dutch is the source language: the Dutch text is the msgid and the English catalogue lives in
``integrity_tool/translations/en/LC_MESSAGES/messages.po``. Most strings are marked with
``_()``/``gettext``/``lazy_gettext``/``_l`` and found by babel's own Python extractor. Some Dutch
strings are deliberately kept as plain data because they are also used untranslated (CSV exports,
PDFs, the audit log) and are translated only when rendered, e.g. ``{{ _(dossier.status_label) }}``
or ``flash(_(exc.message))``. This extractor (registered in ``babel.cfg``) finds those too:

* the values of module-level constants whose name ends in ``LABELS``, ``MESSAGES`` or ``_MESSAGE``,
  or starts with ``MSG_``
  (``STATUS_LABELS``, ``ROLE_LABELS``, ``OUTCOME_LABELS``, ``MESSAGES`` of the error pages, ...),
  nested dicts, tuples and lists included;
* literal messages given to domain errors (``raise InvalidInput("...", name=name)``), to ``Msg("...")``
  (a message id with parameters, see services/errors.py) and to the helpers that translate their
  arguments later (mail subjects, candidate notifications, error pages, the "what" of the text guards),
  and literals appended to lists named ``problems`` or ``errors``.

Only literal strings are found; an f-string would stay Dutch, which is why tests/i18n/test_messages.py
refuses them in messages. Nothing here runs in the
application itself.
"""
from __future__ import annotations

import ast
import re

from babel.messages.extract import extract_python

# Call name -> positional argument indexes (0-based) and keyword names that hold a Dutch message.
_FIRST_ARG = (0,), ("message",)
CALLS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "DomainError": _FIRST_ARG, "NotFound": _FIRST_ARG, "Forbidden": _FIRST_ARG, "StateError": _FIRST_ARG,
    "Conflict": _FIRST_ARG, "InvalidInput": _FIRST_ARG, "Throttled": _FIRST_ARG, "MailFailed": _FIRST_ARG,
    "Incomplete": _FIRST_ARG, "NotConfirmed": _FIRST_ARG, "NameMismatch": _FIRST_ARG, "UploadRejected": _FIRST_ARG,
    # runtime.send_mail(to, template, subject, ...): the subject is translated in the recipient's language.
    "send_mail": ((2,), ("subject",)),
    # notify.notify_candidate(dossier, subject, message, endpoint, **values)
    "notify_candidate": ((1, 2), ("subject", "message")),
    # web.errors.render_error(status, message, title)
    "render_error": ((1, 2), ("message", "title")),
    # services.errors.Msg(msgid, **params): a message translated where it is shown
    "Msg": _FIRST_ARG,
    # questionnaire.errors.Problem(msgid, **params): a load error translated on the upload page
    "Problem": _FIRST_ARG,
    # services.guards.clean_text/clean_line(value, what): the term ("de naam") is translated with the message
    "clean_text": ((1,), ("what",)), "clean_line": ((1,), ("what",)), "_clean": ((1,), ("what",)),
    # services.matching.UploadError(["...", ...]): a list of messages
    "UploadError": ((0,), ("errors",)),
}
CONSTANT_NAME = re.compile(r"^(MSG_[A-Z0-9_]+|([A-Z0-9_]*_)?(LABELS|MESSAGES|MESSAGE))$")
# problems.append("...") / errors.append("..."): lists of Dutch messages shown with _() in a template.
LIST_NAMES = ("problems", "errors")


def _strings(node: ast.AST):
    """String literals in a constant's value (dict values, not keys; tuples, lists, nested dicts)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.lineno, node.value
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _strings(value)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _strings(element)


def _call_name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_load_error_call(func: ast.AST) -> bool:
    """The questionnaire loader's ``ld.err(...)``, ``….errors.add(...)`` and the condition compiler's
    ``cp.report(...)``: the 4th argument is a message id."""
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "err":
        return isinstance(func.value, ast.Name) and func.value.id == "ld"
    if func.attr == "report":  # conditions.Compiler: self.report / cp.report(container, key, path, msgid)
        return isinstance(func.value, ast.Name) and func.value.id in ("self", "cp")
    return func.attr == "add" and isinstance(func.value, ast.Attribute) and func.value.attr == "errors"


def extra_messages(source: str):
    """(line, Dutch text) for every message this module is responsible for, in ``source``."""
    tree = ast.parse(source)
    for stmt in tree.body:
        targets = []
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        if any(isinstance(t, ast.Name) and CONSTANT_NAME.match(t.id) for t in targets):
            yield from _strings(value)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "append" and isinstance(func.value, ast.Name)
                and func.value.id in LIST_NAMES and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            yield node.args[0].lineno, node.args[0].value
            continue
        if _is_load_error_call(func) and len(node.args) > 3:
            yield from _strings(node.args[3])  # ld.err(container, key, path, msgid) / errors.add(file, line, path, msgid)
            continue
        spec = CALLS.get(_call_name(func) or "")
        if spec is None:
            continue
        positions, names = spec
        args = [node.args[i] for i in positions if i < len(node.args)]
        args += [k.value for k in node.keywords if k.arg in names]
        for arg in args:
            yield from _strings(arg)  # a literal, or a list/tuple of literals
    # Default arguments such as NotFound(message="Niet gevonden.") in the error classes themselves.
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name in CALLS:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    for default in item.args.defaults + [d for d in item.args.kw_defaults if d]:
                        if isinstance(default, ast.Constant) and isinstance(default.value, str):
                            yield default.lineno, default.value


def extract(fileobj, keywords, comment_tags, options):
    """Babel extractor: babel's Python extractor plus :func:`extra_messages`."""
    data = fileobj.read()
    import io

    yield from extract_python(io.BytesIO(data), keywords, comment_tags, options)
    encoding = options.get("encoding", "utf-8")
    for lineno, text in extra_messages(data.decode(encoding)):
        if text.strip():
            yield lineno, None, text, []
