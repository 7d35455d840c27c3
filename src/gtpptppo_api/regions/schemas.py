from __future__ import annotations

from gtpptppo_api.kit.schemas import Schema
from gtpptppo_api.regions.models import RegionKind, RegionLevel


class RegionRead(Schema):
    code: str
    name: str
    level: RegionLevel
    kind: RegionKind
    parent_code: str | None
