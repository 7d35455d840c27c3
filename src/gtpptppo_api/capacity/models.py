"""Capacity-building activities (Penguatan kapasitas SDM), Permen PPPA 10/2012 5.1."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gtpptppo_api.db.base import Base, utcnow
from gtpptppo_api.task_forces.models import TaskForce


class ActivityKind(enum.StrEnum):
    """Forms of capacity building (5.1.1)."""

    training = "training"  # a. Pelatihan
    workshop_seminar = "workshop_seminar"  # b. Workshop dan Seminar
    internship = "internship"  # c. Job Training (magang)
    socialisation = "socialisation"  # d. Sosialisasi
    interactive_dialogue = "interactive_dialogue"  # e. Dialog interaktif
    other = "other"  # f. Dan lain-lain


class Topic(enum.StrEnum):
    """Subject matter: 5.1.1 a-f for task-force members, 5.1.2 a-f for centre staff."""

    human_rights = "human_rights"  # 5.1.1 a. Prinsip-prinsip Hak Asasi Manusia
    gender_child_rights = "gender_child_rights"  # 5.1.1 b. Sensitivitas Gender dan Hak Anak
    # 5.1.1 c. Kerangka Hukum Nasional dan Internasional
    legal_framework = "legal_framework"
    # 5.1.1 d. Peran, Tugas, dan Wewenang Gugus Tugas
    task_force_roles = "task_force_roles"
    # 5.1.1 e. SPM dan PSO Layanan Terpadu bagi Saksi dan/atau Korban
    spm_sop_integrated_services = "spm_sop_integrated_services"
    # 5.1.1 f. Pencatatan dan Pelaporan (database); 5.1.2 d. Sistem Pencatatan dan Pelaporan
    recording_reporting = "recording_reporting"
    victim_accompaniment = "victim_accompaniment"  # 5.1.2 a. Pendampingan saksi/korban
    # 5.1.2 b. Tata laksana penanganan korban bagi petugas kesehatan
    health_case_management = "health_case_management"
    social_rehabilitation = "social_rehabilitation"  # 5.1.2 c. Rehabilitasi sosial
    reintegration = "reintegration"  # 5.1.2 e. Reintegrasi
    legal_accompaniment = "legal_accompaniment"  # 5.1.2 f. Pendampingan hukum (paralegal)
    other = "other"  # "tetapi tidak terbatas pada": named in other_topic


class OrganiserKind(enum.StrEnum):
    """Who runs the activity: the task force itself, or others whose events it uses (5.1.1)."""

    task_force = "task_force"  # Gugus Tugas (bagian dari program dan kegiatan)
    government = "government"  # Kementerian/Lembaga, SKPD
    ngo = "ngo"  # Organisasi Non Pemerintah
    international_organisation = "international_organisation"  # Lembaga Internasional
    other = "other"


class ParticipantRole(enum.StrEnum):
    """Staff of a secretariat (5.1.1 a-f) and of a service centre (5.1.2 a-i)."""

    task_force_member = "task_force_member"  # Anggota Gugus Tugas (incl. ketua, Sub GT)
    secretariat_head = "secretariat_head"  # 5.1.1 a. Ketua sekretariat
    secretariat_officer = "secretariat_officer"  # 5.1.1 b. Petugas sekretariat
    administrative_staff = "administrative_staff"  # 5.1.1 c / 5.1.2 f. Staf administrasi
    finance_staff = "finance_staff"  # 5.1.1 d / 5.1.2 g. Staf keuangan
    household_staff = "household_staff"  # 5.1.1 e / 5.1.2 h. Staf rumah tangga
    security_staff = "security_staff"  # 5.1.1 f / 5.1.2 i. Staf keamanan
    centre_manager = "centre_manager"  # 5.1.2 a. Tingkat manajemen PPT
    social_worker = "social_worker"  # 5.1.2 b. Pekerja sosial/pendamping, relawan
    counsellor = "counsellor"  # 5.1.2 c. Tenaga konselor
    health_worker = "health_worker"  # 5.1.2 d. Tenaga medis dan paramedis
    interpreter = "interpreter"  # 5.1.2 e. Penerjemah
    other = "other"


class ParticipantSex(enum.StrEnum):
    """A participant's sex, as attendance is counted (a victim's has ``unknown`` too: its
    own enum, ``cases.models.Sex``)."""

    female = "female"  # perempuan
    male = "male"  # laki-laki


Sex = ParticipantSex


class CapacityActivity(Base):
    """A training, workshop, internship, socialisation or dialogue of a task force (5.1)."""

    __tablename__ = "capacity_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"), index=True)
    kind: Mapped[ActivityKind] = mapped_column(Enum(ActivityKind, native_enum=False, length=32))
    title: Mapped[str] = mapped_column(String(500))
    topic: Mapped[Topic] = mapped_column(Enum(Topic, native_enum=False, length=64))
    other_topic: Mapped[str | None] = mapped_column(String(300))
    started_on: Mapped[date] = mapped_column(index=True)
    ended_on: Mapped[date] = mapped_column()
    location: Mapped[str | None] = mapped_column(String(300))
    organiser_kind: Mapped[OrganiserKind] = mapped_column(
        Enum(OrganiserKind, native_enum=False, length=32)
    )
    organiser_name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    task_force: Mapped[TaskForce] = relationship(lazy="joined", innerjoin=True)
    participants: Mapped[list[ParticipantCount]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="ParticipantCount.id"
    )

    @property
    def region_code(self) -> str:
        return self.task_force.region_code

    @property
    def participants_total(self) -> int:
        return sum(row.count for row in self.participants)

    @property
    def participants_by_sex(self) -> dict[str, int]:
        totals = dict.fromkeys(Sex, 0)
        for row in self.participants:
            totals[row.sex] += row.count
        return {str(sex): count for sex, count in totals.items()}


class ParticipantCount(Base):
    """How many participants of one role and sex attended (a count, no names)."""

    __tablename__ = "capacity_participant"
    __table_args__ = (
        UniqueConstraint("activity_id", "role", "sex"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("capacity_activity.id", ondelete="CASCADE"))
    role: Mapped[ParticipantRole] = mapped_column(
        Enum(ParticipantRole, native_enum=False, length=32)
    )
    sex: Mapped[Sex] = mapped_column(Enum(Sex, native_enum=False, length=8))
    count: Mapped[int] = mapped_column()
