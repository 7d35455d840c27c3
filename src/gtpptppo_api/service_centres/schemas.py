from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from gtpptppo_api.kit.schemas import Schema
from gtpptppo_api.service_centres.models import ServiceCentreKind


class ServiceCentreCreate(Schema):
    name: Annotated[str, Field(min_length=1, max_length=300)]
    kind: ServiceCentreKind
    region_code: Annotated[str, Field(min_length=2, max_length=8, examples=["33.02"])]
    address: Annotated[str | None, Field(max_length=500)] = None


class ServiceCentreUpdate(Schema):
    name: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    kind: ServiceCentreKind | None = None
    address: Annotated[str | None, Field(max_length=500)] = None


class ServiceCentreRead(Schema):
    id: int
    name: str
    kind: ServiceCentreKind
    region_code: str
    region_name: str
    task_force_id: int | None
    address: str | None
    created_at: datetime
    updated_at: datetime
    version: int
