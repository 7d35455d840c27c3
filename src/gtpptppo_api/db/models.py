"""Imports every model so that ``Base.metadata`` is complete (Alembic, tests)."""

from gtpptppo_api.audit.models import AuditEvent
from gtpptppo_api.auth.models import ApiToken
from gtpptppo_api.db.base import Base
from gtpptppo_api.members.models import Membership
from gtpptppo_api.regions.models import Region
from gtpptppo_api.service_centres.models import ServiceCentre
from gtpptppo_api.task_forces.models import Decree, SubTaskForce, TaskForce

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Decree",
    "Membership",
    "Region",
    "ServiceCentre",
    "SubTaskForce",
    "TaskForce",
]
