"""Fuzzing the questionnaire YAML loader: whatever the file holds, the only exception is
QuestionnaireError (with a Dutch message), never a crash, hang or code execution."""
from __future__ import annotations

import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrity_tool.questionnaire import QuestionnaireError, load_questionnaire
from integrity_tool.questionnaire.loader import SHIPPED_DIR

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
SHIPPED = Path(SHIPPED_DIR)
BASE = (SHIPPED / "kandidaat-wethouder.yaml").read_text("utf-8")


@contextmanager
def time_limit(seconds: int):
    """Fail instead of hanging (e.g. on an alias 'billion laughs' document)."""

    def alarm(*_):
        raise TimeoutError(f"loader took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A copy of the shipped questionnaires so includes (common/…) resolve like in production."""
    path = tmp_path_factory.mktemp("fuzz-q")
    shutil.copytree(SHIPPED / "common", path / "common")
    shutil.copy(SHIPPED / "measures.yaml", path / "measures.yaml")
    return path


def load_text(workdir: Path, text: str | bytes, seconds: int = 20) -> None:
    target = workdir / "fuzz.yaml"
    if isinstance(text, str):
        target.write_text(text, "utf-8", errors="surrogatepass")
    else:
        target.write_bytes(text)
    with time_limit(seconds):
        try:
            load_questionnaire(target)
        except QuestionnaireError as exc:
            assert str(exc).strip()  # a message the author can act on


def test_base_questionnaire_loads(workdir):
    (workdir / "base.yaml").write_text(BASE, "utf-8")
    assert load_questionnaire(workdir / "base.yaml").id == "kandidaat-wethouder"


yaml_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=2000)


@FUZZ
@given(text=yaml_text)
def test_arbitrary_text(workdir, text):
    load_text(workdir, text)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes(workdir, data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return  # covered by test_non_utf8_file_is_a_questionnaire_error
    load_text(workdir, data)


@pytest.mark.parametrize("data", [b"\x80", "id: Gemeente Sn\xe9ek\n".encode("latin-1"), b"\xff\xfeid: x"])
def test_non_utf8_file_is_a_questionnaire_error(workdir, data):
    load_text(workdir, data)


@FUZZ
@given(start=st.integers(0, len(BASE)), length=st.integers(0, 400),
       insert=st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\n\t ") + ["\x00", "\u2028", "é"]),
                      max_size=30))
def test_mutated_real_questionnaire(workdir, start, length, insert):
    load_text(workdir, BASE[:start] + insert + BASE[start + length:])


# Structured documents: keys from the real schema, values of every YAML type.
KEYS = ["schema", "id", "version", "title", "applies_to", "intro", "parameters", "themes", "sections", "risks",
        "questions", "type", "options", "show_if", "label", "help", "required", "include", "vars", "repeat",
        "fields", "min", "max", "theme", "level", "when", "measures", "explanation", "legal"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                    st.text(max_size=50), st.text(max_size=1).map(lambda s: s * 10000), st.sampled_from(KEYS))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=6),
                               st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=10)), children,
                                               max_size=8)),
    max_leaves=60,
)


@FUZZ
@given(doc=st.dictionaries(st.sampled_from(KEYS), documents, max_size=10))
def test_structured_documents(workdir, doc):
    load_text(workdir, yaml.safe_dump(doc, allow_unicode=True))


@FUZZ
@given(section=st.dictionaries(st.sampled_from(KEYS), documents, max_size=8))
def test_real_questionnaire_with_a_random_section(workdir, section):
    data = yaml.safe_load(BASE)
    data["sections"].append(section)
    load_text(workdir, yaml.safe_dump(data, allow_unicode=True))


@pytest.mark.parametrize("text", [
    "!!python/object/apply:os.system ['touch /tmp/pwned-by-yaml']\n",
    "id: !!python/object/new:subprocess.Popen [['true']]\n",
    "sections:\n  - include: /etc/passwd\n",
    "sections:\n  - include: ../../../../etc/passwd\n",
    "sections:\n  - include: fuzz.yaml\n",  # includes itself
    "key: value\nkey: value\n",
    "\ufeffschema: 1\n",
    "[" * 5000,
    "a: " + "x" * 5_000_000 + "\n",
])
def test_hostile_documents(workdir, text):
    load_text(workdir, text)
    assert not Path("/tmp/pwned-by-yaml").exists()


def alias_bomb(depth: int) -> str:
    names = "abcdefgh"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, depth):
        lines.append(f"{names[i]}: &{names[i]} [" + ", ".join([f"*{names[i - 1]}"] * 9) + "]")
    lines.append("sections: [" + ", ".join([f"*{names[depth - 1]}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_small_alias_document_is_fine(workdir):
    load_text(workdir, alias_bomb(3), seconds=5)


def test_alias_bomb_is_rejected_quickly(workdir):
    load_text(workdir, alias_bomb(6), seconds=5)
