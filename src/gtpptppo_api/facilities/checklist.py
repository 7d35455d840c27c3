"""The facilities checklists of 5.2 (Sarana dan Prasarana), in the words of
Permen PPPA 10/2012.

5.2 lists what every task-force body needs (a-g), what a secretariat needs (GT-PPTPPO Pusat
a-d, all within a-g) and what an integrated service centre needs beyond that (Pusat
Pelayanan Terpadu a-f). Funding and staff of the centre list (c-f) are not facilities and are
left out; its rooms, hotline and special rooms are in. The safe house or safe room is on the
general list (5.2 a: "Rumah/Kamar Aman"), so on a secretariat's checklist too; the centre's
list names it again under social rehabilitation (c), the same item.
"""

from __future__ import annotations

from dataclasses import dataclass

from gtpptppo_api.facilities.models import FacilityItem, OwnerKind


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    item: FacilityItem
    group: str
    label: str  # the regulation's wording
    section: str
    centre_only: bool = False


_I = FacilityItem
PPT = "5.2 Pusat Pelayanan Terpadu"

CHECKLIST: tuple[ChecklistEntry, ...] = (
    ChecklistEntry(
        _I.office_room, "rooms", "Ruangan untuk kantor; gedung/ruang sekretariat", "5.2 a"
    ),
    ChecklistEntry(_I.complaint_room, "rooms", "Ruang pengaduan", "5.2 a"),
    ChecklistEntry(_I.counselling_room, "rooms", "Ruang konseling", "5.2 a"),
    ChecklistEntry(
        _I.safe_house, "rooms", "Rumah/Kamar aman", f"5.2 a; {PPT} c (rehabilitasi sosial)"
    ),
    ChecklistEntry(_I.bathroom, "rooms", "Kamar mandi/WC", "5.2 a"),
    ChecklistEntry(_I.furniture, "furniture", "Mebeler seperti: kursi, meja, lemari", "5.2 b"),
    ChecklistEntry(_I.computer, "computers_network", "Komputer, laptop", "5.2 c"),
    ChecklistEntry(_I.telephone_fax, "computers_network", "Telpon, mesin fax", "5.2 c"),
    ChecklistEntry(_I.internet, "computers_network", "Jaringan internet", "5.2 c"),
    ChecklistEntry(
        _I.registers_guidelines, "registers_iec", "Buku Registrasi, Buku Pedoman", "5.2 d"
    ),
    ChecklistEntry(_I.iec_media, "registers_iec", "Media KIE", "5.2 d"),
    ChecklistEntry(_I.office_supplies, "office_supplies", "Alat Tulis Kantor", "5.2 e"),
    ChecklistEntry(_I.medical_equipment, "medical_equipment", "Peralatan Medis", "5.2 f"),
    ChecklistEntry(
        _I.transport, "transport", "Alat transportasi: kendaraan bermotor atau mobil", "5.2 g"
    ),
    ChecklistEntry(
        _I.reception_registration_room,
        "rooms",
        "Ruang penerimaan dan registrasi",
        f"{PPT} a",
        centre_only=True,
    ),
    ChecklistEntry(
        _I.legal_consultation_room,
        "rooms",
        "Ruang konsultasi bantuan hukum",
        f"{PPT} a",
        centre_only=True,
    ),
    ChecklistEntry(
        _I.medical_examination_room,
        "rooms",
        "Ruang pemeriksaan medis",
        f"{PPT} a",
        centre_only=True,
    ),
    ChecklistEntry(
        _I.victim_bedroom,
        "rooms",
        "Ruang tidur korban/ruang rawat khusus",
        f"{PPT} a",
        centre_only=True,
    ),
    ChecklistEntry(_I.hotline, "hotline", "Hotline", f"{PPT} c-d", centre_only=True),
    ChecklistEntry(
        _I.hospital_special_room,
        "medical_rehabilitation",
        "Ruang khusus di rumah sakit",
        f"{PPT} d",
        centre_only=True,
    ),
    ChecklistEntry(
        _I.police_special_room,
        "law_enforcement",
        "Ruang khusus pelayanan bagi korban TPPO di Polres, Polda",
        f"{PPT} e",
        centre_only=True,
    ),
)

BY_ITEM: dict[FacilityItem, ChecklistEntry] = {entry.item: entry for entry in CHECKLIST}
ORDER: dict[FacilityItem, int] = {entry.item: index for index, entry in enumerate(CHECKLIST)}


def applies(entry: ChecklistEntry, owner: OwnerKind) -> bool:
    """Centre-only items are not on a secretariat's checklist (5.2)."""
    return owner is OwnerKind.service_centre or not entry.centre_only


def checklist(owner: OwnerKind | None = None) -> list[ChecklistEntry]:
    """The checklist of a secretariat or a centre, or every item when ``owner`` is None."""
    return [entry for entry in CHECKLIST if owner is None or applies(entry, owner)]
