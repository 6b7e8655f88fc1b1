"""The griffier's overview of all dossiers: filters, sorting, pagination, and rows for exports.

Only plain columns are selected (never the encrypted answers), candidate and reviewer come from
joins, and reports are counted with one grouped query: the page costs three queries, whatever
its size. Finding counts are findings content: they are filled only when the organisation lets
the griffier see confidential content.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Iterator, Mapping

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from ..models import STATUS_LABELS, Dossier, DossierStatus, FindingCounts, Report, Role, Round, User, db
from . import workflow
from .errors import NotFound
from .rounds import RESULT_DISPLAY as RESULT_LABELS

PER_PAGE = 50
OPEN_STATUSES = workflow.OPEN

Candidate = aliased(User, name="candidate")
Reviewer = aliased(User, name="reviewer")

SORTS = {
    "kandidaat": Candidate.name,
    "functie": Dossier.function_title,
    "status": Dossier.status,
    "voortgang": Dossier.progress_done,
    "deadline": Dossier.deadline,
    "ronde": Round.name,
    "beoordelaar": Reviewer.name,
    "aangemaakt": Dossier.created_at,
}
SORT_LABELS = {"kandidaat": "Kandidaat", "functie": "Functie", "status": "Status", "voortgang": "Voortgang",
               "deadline": "Deadline", "ronde": "Ronde", "beoordelaar": "Beoordelaar", "aangemaakt": "Aangemaakt"}


@dataclass(frozen=True)
class Filters:
    round: str = ""        # a round's public id, "geen" for dossiers without a round, "" for all
    status: str = ""       # a DossierStatus value, "open", "verlopen", or ""
    reviewer: int | None = None
    q: str = ""
    sort: str = "aangemaakt"
    direction: str = "desc"
    page: int = 1

    def args(self, **changes) -> dict:
        """Query-string arguments for links (pagination, sorting, exports); defaults left out."""
        f = replace(self, **changes)
        default_direction = "desc" if f.sort == "aangemaakt" else "asc"
        out = {"ronde": f.round, "status": f.status, "beoordelaar": f.reviewer or "", "q": f.q,
               "sorteer": f.sort if f.sort != "aangemaakt" else "",
               "richting": f.direction if f.direction != default_direction else "",
               "pagina": f.page if f.page > 1 else ""}
        return {k: v for k, v in out.items() if v not in ("", None)}


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Tolerant: unknown or malformed values fall back to the default instead of failing."""
    def text(key: str, limit: int) -> str:
        value = args.get(key) or ""
        return " ".join(str(value).split())[:limit]

    status = text("status", 40)
    if status not in {s.value for s in DossierStatus} | {"open", "verlopen"}:
        status = ""
    try:
        reviewer = int(args.get("beoordelaar") or 0) or None
    except (TypeError, ValueError):
        reviewer = None
    try:
        page = min(max(int(args.get("pagina") or 1), 1), 100_000)
    except (TypeError, ValueError):
        page = 1
    sort = text("sorteer", 20)
    sort = sort if sort in SORTS else "aangemaakt"
    direction = text("richting", 4)
    if direction not in ("asc", "desc"):
        direction = "desc" if sort == "aangemaakt" else "asc"
    return Filters(round=text("ronde", 64), status=status, reviewer=reviewer, q=text("q", 100), sort=sort,
                   direction=direction, page=page)


@dataclass
class Row:
    public_id: str
    candidate: str
    function_title: str
    portfolio: str | None
    status: DossierStatus
    progress_done: int
    progress_total: int
    deadline: date | None
    round_name: str | None
    reviewer: str | None
    appointment_result: str | None
    appointment_decided_at: date | None
    created_at: datetime
    finding_counts: FindingCounts | None = None
    reports: set[str] = field(default_factory=set)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def overdue(self) -> bool:
        return bool(self.deadline and self.deadline < date.today() and self.status in OPEN_STATUSES)

    @property
    def result_label(self) -> str:
        return RESULT_LABELS.get(self.appointment_result, "") if self.appointment_result else ""

    @property
    def has_summary(self) -> bool:
        """The summary for the raad is there (the griffier may download it)."""
        return "samenvatting" in self.reports

    @property
    def reports_label(self) -> str:
        if {"vertrouwelijk", "samenvatting"} <= self.reports:
            return REPORT_SET_LABELS["both"]
        if "samenvatting" in self.reports:
            return REPORT_SET_LABELS["samenvatting"]
        if "vertrouwelijk" in self.reports:
            return REPORT_SET_LABELS["vertrouwelijk"]
        return ""


REPORT_SET_LABELS = {"both": "Beide rapporten", "samenvatting": "Samenvatting",
                     "vertrouwelijk": "Vertrouwelijk rapport"}


@dataclass
class Page:
    rows: list[Row]
    total: int
    page: int
    per_page: int
    show_counts: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


COLUMNS = (Dossier.id, Dossier.public_id, Candidate.name, Dossier.function_title, Dossier.portfolio, Dossier.status,
           Dossier.progress_done, Dossier.progress_total, Dossier.deadline, Round.name, Reviewer.name,
           Dossier.appointment_result, Dossier.appointment_decided_at, Dossier.created_at, Dossier.count_blokkerend,
           Dossier.count_hoog, Dossier.count_aandachtspunt)
NULLABLE_SORTS = {"deadline", "ronde", "beoordelaar"}


def _filtered(actor: User, f: Filters, *columns, full: bool = False):
    """A SELECT with only the joins the filters and the sort need (``full``: all joins)."""
    if actor.role not in (Role.griffier, Role.admin):
        raise NotFound()
    query = select(*columns).where(Dossier.organisation_id == actor.organisation_id)
    if full or f.q or f.sort == "kandidaat":
        query = query.join(Candidate, Candidate.id == Dossier.candidate_id)
    if full or f.sort == "beoordelaar":
        query = query.outerjoin(Reviewer, Reviewer.id == Dossier.reviewer_id)
    if full or f.sort == "ronde" or (f.round and f.round != "geen"):
        query = query.outerjoin(Round, Round.id == Dossier.round_id)
    if f.round == "geen":
        query = query.where(Dossier.round_id.is_(None))
    elif f.round:
        query = query.where(Round.public_id == f.round)
    if f.status == "open":
        query = query.where(Dossier.status.in_(OPEN_STATUSES))
    elif f.status == "verlopen":
        query = query.where(Dossier.status.in_(OPEN_STATUSES), Dossier.deadline < date.today())
    elif f.status:
        query = query.where(Dossier.status == DossierStatus(f.status))
    if f.reviewer:
        query = query.where(Dossier.reviewer_id == f.reviewer)
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Candidate.name.ilike(pattern, escape="\\"))
    return query


def _ordered(query, f: Filters):
    column = SORTS[f.sort]
    order = [column.asc() if f.direction == "asc" else column.desc()]
    if f.sort in NULLABLE_SORTS:  # empty values last, in both directions
        order.insert(0, case((column.is_(None), 1), else_=0))
    return query.order_by(*order, Dossier.id.desc())


def _query(actor: User, f: Filters):
    """All columns of the overview, filtered and sorted (exports)."""
    return _ordered(_filtered(actor, f, *COLUMNS, full=True), f)


def shows_counts(actor: User) -> bool:
    """Finding counts are findings content: only for a griffier whose organisation allows it."""
    return actor.role == Role.griffier and bool(actor.organisation.griffier_sees_confidential)


def _row(r, show_counts: bool) -> Row:
    counts = None
    if show_counts:
        counts = FindingCounts(r.count_blokkerend or 0, r.count_hoog or 0, r.count_aandachtspunt or 0)
    return Row(r.public_id, r[2], r.function_title, r.portfolio, r.status, r.progress_done or 0,
               r.progress_total or 0, r.deadline, r[9], r[10],
               r.appointment_result.value if r.appointment_result else None, r.appointment_decided_at,
               r.created_at, counts)


def _attach_reports(rows_by_id: dict[int, Row]) -> None:
    if not rows_by_id:
        return
    for dossier_id, kind in db.session.execute(
            select(Report.dossier_id, Report.kind).where(Report.dossier_id.in_(list(rows_by_id)))
            .group_by(Report.dossier_id, Report.kind)):
        rows_by_id[dossier_id].reports.add(kind)


def overview_page(actor: User, f: Filters, per_page: int = PER_PAGE) -> Page:
    """One page: a count, the ids of the page (narrow sort), their columns, their report kinds."""
    total = db.session.scalar(_filtered(actor, f, func.count(Dossier.id)))
    pages = max(1, -(-total // per_page))
    page = min(f.page, pages)
    ids = db.session.scalars(_ordered(_filtered(actor, f, Dossier.id), f)
                             .limit(per_page).offset((page - 1) * per_page)).all()
    show = shows_counts(actor)
    rows_by_id = {}
    if ids:
        found = {r.id: r for r in db.session.execute(_filtered(actor, Filters(), *COLUMNS, full=True)
                                                     .where(Dossier.id.in_(ids)))}
        rows_by_id = {i: _row(found[i], show) for i in ids if i in found}
    _attach_reports(rows_by_id)
    return Page(list(rows_by_id.values()), total, page, per_page, show)


def iter_rows(actor: User, f: Filters, batch: int = 2000) -> Iterator[Row]:
    """All rows matching the filters (no pagination), for exports; reports attached per batch."""
    show = shows_counts(actor)
    result = db.session.execute(_query(actor, f).execution_options(yield_per=batch))
    for chunk in result.partitions(batch):
        rows_by_id = {r.id: _row(r, show) for r in chunk}
        _attach_reports(rows_by_id)
        yield from rows_by_id.values()


def reviewers_for(actor: User) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(User.id, User.name).where(User.organisation_id == actor.organisation_id, User.role == Role.reviewer)
        .order_by(User.name)).all())


def round_choices(actor: User) -> list[tuple[str, str]]:
    return list(db.session.execute(
        select(Round.public_id, Round.name).where(Round.organisation_id == actor.organisation_id)
        .order_by(Round.appointment_date.desc().nulls_last(), Round.name)).all())


