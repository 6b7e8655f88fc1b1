"""The shipped questionnaires (or any directory of them), side by side by version. An organisation's own
questionnaires live in the database (services/org_questionnaires.py)."""
from __future__ import annotations

import functools
import gc
from pathlib import Path
from typing import Iterable

from .errors import QuestionnaireError
from .loader import MEASURES_FILE, SHIPPED_DIR, load_measures, load_questionnaire
from .model import Measure, Questionnaire, version_key


def questionnaire_files(directory: Path) -> list[Path]:
    """Questionnaire files in a directory: ``*.yaml``/``*.yml`` except the measures catalogue.
    Sub-directories (e.g. ``common/``) hold include files and are not scanned."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and p.suffix in (".yaml", ".yml") and p.name != MEASURES_FILE)


class Catalog:
    """Questionnaires by (id, version) plus the merged measures catalogue."""

    def __init__(self, questionnaires: Iterable[Questionnaire], measures: dict[str, Measure],
                 errors: list[str] | None = None):
        self._by_id: dict[str, dict[str, Questionnaire]] = {}
        for q in questionnaires:
            self._by_id.setdefault(q.id, {})[q.version] = q
        self.measures = measures
        self.errors = list(errors or [])

    @classmethod
    def from_dirs(cls, dirs: Iterable[Path | str], strict: bool = True) -> "Catalog":
        """Load every questionnaire in ``dirs`` (missing dirs are skipped).

        Measures: the shipped catalogue, extended/overridden by ``measures.yaml`` in each dir.
        ``strict``: raise QuestionnaireError with all problems; otherwise skip broken files and
        keep their error lines in ``catalog.errors``.
        """
        # Loading builds some hundred thousand small containers and no reference cycles worth collecting;
        # the cyclic GC would walk them again and again (a third of the load time), so it pauses meanwhile.
        paused = gc.isenabled()
        gc.disable()
        try:
            return cls._from_dirs([Path(d) for d in dirs], strict)
        finally:
            if paused:
                gc.enable()

    @classmethod
    def _from_dirs(cls, dirs: list[Path], strict: bool) -> "Catalog":
        errors: list[str] = []
        measures: dict[str, Measure] = {}
        for path in [SHIPPED_DIR / MEASURES_FILE] + [d / MEASURES_FILE for d in dirs]:
            if path.is_file():
                try:
                    measures.update(load_measures(path))
                except QuestionnaireError as exc:
                    errors.extend(exc.errors)
        loaded: list[Questionnaire] = []
        parsed: dict = {}  # include files are parsed once for all questionnaires
        seen: dict[tuple[str, str], Path] = {}
        done: set[Path] = set()
        for d in dirs:
            for path in questionnaire_files(d):
                if path.resolve() in done:
                    continue
                done.add(path.resolve())
                try:
                    q = load_questionnaire(path, measures=measures, parsed=parsed)
                except QuestionnaireError as exc:
                    errors.extend(exc.errors)
                    continue
                key = (q.id, q.version)
                if key in seen:
                    errors.append(f"{path}:1: version: vragenlijst '{q.id}' versie {q.version} "
                                  f"bestaat al in {seen[key]}")
                    continue
                seen[key] = path
                loaded.append(q)
        if errors and strict:
            raise QuestionnaireError(errors)
        return cls(loaded, measures, errors)

    def get(self, qid: str, version: str | None = None) -> Questionnaire:
        """A questionnaire by id; ``version=None`` gives the latest. KeyError if unknown."""
        versions = self._by_id.get(qid)
        if not versions:
            raise KeyError(qid)
        if version is None:
            return versions[max(versions, key=version_key)]
        if version not in versions:
            raise KeyError(f"{qid} {version}")
        return versions[version]

    def versions(self, qid: str) -> list[str]:
        return sorted(self._by_id.get(qid, {}), key=version_key)

    def all(self) -> list[Questionnaire]:
        return sorted((q for v in self._by_id.values() for q in v.values()), key=lambda q: q.sort_key)

    def latest(self) -> list[Questionnaire]:
        return [self.get(qid) for qid in sorted(self._by_id)]

    def for_kind(self, kind: str) -> list[Questionnaire]:
        """Latest version of each questionnaire that applies to this organisation kind."""
        return [q for q in self.latest() if kind in q.applies_to]

    def by_hash(self, content_hash: str | None) -> Questionnaire | None:
        if not content_hash:
            return None
        for q in self.all():
            if q.content_hash == content_hash:
                return q
        return None

    def for_record(self, record) -> Questionnaire | None:
        """The questionnaire a dossier or submission was answered on: by ``questionnaire_id`` +
        ``questionnaire_version``, else by ``questionnaire_hash`` (the same content under another
        id or version, e.g. after an instance copy was renamed), else ``None``.

        This is the one fallback rule; callers decide what ``None`` means on their page.
        """
        try:
            return self.get(record.questionnaire_id, record.questionnaire_version)
        except KeyError:
            return self.by_hash(getattr(record, "questionnaire_hash", None))


@functools.lru_cache(maxsize=8)
def _cached(dirs: tuple[str, ...]) -> Catalog:
    return Catalog.from_dirs([Path(d) for d in dirs])


def default_catalog(extra_dirs: Iterable[Path | str] = ()) -> Catalog:
    """The shipped questionnaires plus ``extra_dirs`` (cached per argument tuple)."""
    return _cached((str(SHIPPED_DIR),) + tuple(str(Path(d)) for d in extra_dirs))


default_catalog.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]
