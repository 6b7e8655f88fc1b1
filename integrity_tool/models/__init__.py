"""Database models. Tables, relationships and small derived properties: no commits, no I/O."""
from .audit import AuditEvent
from .base import db, new_public_id, utcnow
from .dossier import STATUS_LABELS, AppointmentResult, Dossier, DossierKind, DossierStatus, FindingCounts, Submission
from .measure import FOLLOW_UP_LABELS, MEASURE_STATUS_LABELS, FollowUp, MeasureAgreement, MeasureReminder, MeasureStatus, owner_label_for
from .notification import NotificationSent
from .organisation import KIND_LABELS, Organisation, OrgKind, Round
from .profile import OrganisationProfile
from .questionnaire import QUESTIONNAIRE_STATUS_LABELS, QUESTIONNAIRE_STATUSES, OrgQuestionnaire
from .relation import Relation, RelationUpload
from .report import Report
from .signing_key import OrganisationSigningKey
from .sso import MFA_FROM_IDP, MFA_MODES, MFA_TOTP, SsoConfig
from .term import DeletedReport, Term
from .review import Addendum, ClarificationRequest, Comment, FindingDecision, Gesprek
from .user import ROLE_LABELS, EmailCode, Invitation, RecoveryCode, Role, ThrottleEvent, User, UserSession

__all__ = [
    "db", "utcnow", "new_public_id",
    "Organisation", "OrgKind", "KIND_LABELS", "Round", "OrganisationProfile", "OrganisationSigningKey",
    "OrgQuestionnaire", "QUESTIONNAIRE_STATUSES", "QUESTIONNAIRE_STATUS_LABELS",
    "User", "Role", "ROLE_LABELS", "UserSession", "Invitation", "RecoveryCode", "EmailCode", "ThrottleEvent",
    "Dossier", "DossierKind", "DossierStatus", "FindingCounts", "STATUS_LABELS", "AppointmentResult", "Submission",
    "FindingDecision", "Comment", "ClarificationRequest", "Gesprek", "Addendum",
    "FollowUp", "FOLLOW_UP_LABELS", "MeasureAgreement", "MeasureStatus", "MeasureReminder", "MEASURE_STATUS_LABELS", "owner_label_for",
    "Term", "DeletedReport",
    "SsoConfig", "MFA_FROM_IDP", "MFA_TOTP", "MFA_MODES",
    "Report", "Relation", "RelationUpload", "AuditEvent", "NotificationSent",
]
