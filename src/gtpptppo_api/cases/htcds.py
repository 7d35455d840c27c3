"""The Human Trafficking Case Data Standard 2.0 (HTCDS 2.0, IOM and partners): its closed
lists as enums, and the standard's name of each field and value the case record holds.

The API keeps English snake_case names; each enum's member is one value of the standard's
picklist, in the standard's order, and ``HTCDS_NAMES`` gives the standard's own value name
(from the "HTCDS 2.0 field standards" field list; e.g. ``debt_bondage`` is ``DebtBondage``).
The HTCDS export (``exports.htcds``) writes the standard's names.
"""

from __future__ import annotations

import enum

from gtpptppo_api.cases.models import CaseStatus, ExploitationType, Sex

# enum class -> {the API's value: the standard's value name}
HTCDS_NAMES: dict[type[enum.Enum], dict[str, str]] = {}


def htcds_name(member: enum.Enum | str, cls: type[enum.Enum] | None = None) -> str:
    """The standard's name of one member (or of a stored value of ``cls``)."""
    if isinstance(member, enum.Enum):
        return HTCDS_NAMES[type(member)][member.value]
    assert cls is not None
    return HTCDS_NAMES[cls][member]


class RecruitmentMethod(enum.StrEnum):
    """How the victim was recruited. HTCDS 2.0: ``vic_MethodOfRecruitment``."""

    at_a_place_of_business = "at_a_place_of_business"
    at_an_educational_institution = "at_an_educational_institution"
    at_work = "at_work"
    through_online_social_networks = "through_online_social_networks"
    through_an_online_advertisement = "through_an_online_advertisement"
    through_a_television_advert = "through_a_television_advert"
    through_a_newspaper_advert = "through_a_newspaper_advert"
    through_family_or_family_events = "through_family_or_family_events"
    through_friends_or_social_events = "through_friends_or_social_events"
    other = "other"


HTCDS_NAMES[RecruitmentMethod] = {
    m.value: n
    for m, n in zip(
        RecruitmentMethod,
        [
            "AtAPlaceOfBusiness",
            "AtAnEducationalInstitution",
            "AtWork",
            "ThroughOnlineSocialNetworks",
            "ThroughAnOnlineAdvertisement",
            "ThroughATelevisionAdvert",
            "ThroughANewspaperAdvert",
            "ThroughFamilyOrFamilyEvents",
            "ThroughFriendsOrSocialEvents",
            "Other",
        ],
        strict=True,
    )
}


class WebsiteOrApp(enum.StrEnum):
    """A website or app used to recruit or to exploit. HTCDS 2.0:
    ``vic_RecruitmentWebsitesAndApps``, ``vic_ExploitationWebsitesAndApps``."""

    facebook = "facebook"
    instagram = "instagram"
    whatsapp = "whatsapp"
    telegram = "telegram"
    facebook_messenger = "facebook_messenger"
    viber = "viber"
    snapchat = "snapchat"
    line = "line"
    four_sale = "four_sale"
    wechat = "wechat"
    qq = "qq"
    qzone = "qzone"
    tiktok = "tiktok"
    twitter = "twitter"
    other = "other"


HTCDS_NAMES[WebsiteOrApp] = {
    m.value: n
    for m, n in zip(
        WebsiteOrApp,
        [
            "Facebook",
            "Instagram",
            "WhatsApp",
            "Telegram",
            "FacebookMessenger",
            "Viber",
            "SnapChat",
            "Line",
            "4Sale",
            "WeChat",
            "QQ",
            "QZone",
            "TikTok",
            "Twitter",
            "Other",
        ],
        strict=True,
    )
}


class ControlMethod(enum.StrEnum):
    """How the victim was controlled (means of control). HTCDS 2.0: ``vic_MethodsOfControl``."""

    physical_threats = "physical_threats"
    threats_law_enforcement = "threats_law_enforcement"
    threatens_children_family = "threatens_children_family"
    debt_bondage = "debt_bondage"
    false_promises = "false_promises"
    physical_abuse = "physical_abuse"
    sexual_abuse = "sexual_abuse"
    takes_earnings = "takes_earnings"
    restricts_financial_access = "restricts_financial_access"
    restricts_medical_care = "restricts_medical_care"
    withholds_necessities = "withholds_necessities"
    psychological_abuse = "psychological_abuse"
    psychoactive_substance = "psychoactive_substance"
    excessive_working_hours = "excessive_working_hours"
    withholds_documents = "withholds_documents"
    other = "other"


HTCDS_NAMES[ControlMethod] = {
    m.value: n
    for m, n in zip(
        ControlMethod,
        [
            "PhysicalThreats",
            "ThreatsLawEnforcement",
            "ThreatensChildrenFamily",
            "DebtBondage",
            "FalsePromises",
            "PhysicalAbuse",
            "SexualAbuse",
            "TakesEarnings",
            "RestrictsFinancialAccess",
            "RestrictsMedicalCare",
            "WithholdsNecessities",
            "PsychologicalAbuse",
            "PsychoactiveSubstance",
            "ExcessiveWorkingHours",
            "WithholdsDocuments",
            "Other",
        ],
        strict=True,
    )
}


class Industry(enum.StrEnum):
    """The industry of forced labour: a section of ISIC Rev. 4.
    HTCDS 2.0: ``vic_ForcedLabourIndustry``."""

    agriculture_forestry_and_fishing = "agriculture_forestry_and_fishing"
    mining_and_quarrying = "mining_and_quarrying"
    manufacturing = "manufacturing"
    electricity_gas_steam_and_air_conditioning_supply = (
        "electricity_gas_steam_and_air_conditioning_supply"
    )
    water_supply_sewerage_waste_management = "water_supply_sewerage_waste_management"
    construction = "construction"
    wholesale_and_retail_trade_repair_of_motor_vehicles = (
        "wholesale_and_retail_trade_repair_of_motor_vehicles"
    )
    transportation_and_storage = "transportation_and_storage"
    accommodation_and_food_service_activities = "accommodation_and_food_service_activities"
    information_and_communication = "information_and_communication"
    financial_and_insurance_activities = "financial_and_insurance_activities"
    real_estate_activities = "real_estate_activities"
    professional_scientific_and_technical_activities = (
        "professional_scientific_and_technical_activities"
    )
    administrative_and_support_service_activities = "administrative_and_support_service_activities"
    public_administration_and_defence = "public_administration_and_defence"
    education = "education"
    human_health_and_social_work_activities = "human_health_and_social_work_activities"
    arts_entertainment_and_recreation = "arts_entertainment_and_recreation"
    other_service_activities = "other_service_activities"
    activities_of_households_as_employers = "activities_of_households_as_employers"
    activities_of_extraterritorial_organizations = "activities_of_extraterritorial_organizations"


HTCDS_NAMES[Industry] = {
    m.value: n
    for m, n in zip(
        Industry,
        [
            "A_AgricultureForestryAndFishing",
            "B_MiningAndQuarrying",
            "C_Manufacturing",
            "D_ElectricityGasSteamAndAirConditioningSupply",
            "E_WaterSupplySewerageWasteManagement",
            "F_Construction",
            "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
            "H_TransportationAndStorage",
            "I_AccommodationAndFoodServiceActivities",
            "J_InformationAndCommunication",
            "K_FinancialAndInsuranceActivities",
            "L_RealEstateActivities",
            "M_ProfessionalScientificAndTechnicalActivities",
            "N_AdministrativeAndSupportServiceActivities",
            "O_PublicAdministrationAndDefence",
            "P_Education",
            "Q_HumanHealthAndSocialWorkActivities",
            "R_ArtsEntertainmentAndRecreation",
            "S_OtherServiceActivities",
            "T_ActivitiesOfHouseholdsAsEmployers",
            "U_ActivitiesOfExtraterritorialOrganizations",
        ],
        strict=True,
    )
}


class SexualExploitationType(enum.StrEnum):
    """A form of sexual exploitation. HTCDS 2.0: ``vic_TypeOfSexExploitation``."""

    prostitution = "prostitution"
    pornography = "pornography"
    remote_interactive_services = "remote_interactive_services"
    private_sexual_services = "private_sexual_services"


HTCDS_NAMES[SexualExploitationType] = {
    m.value: n
    for m, n in zip(
        SexualExploitationType,
        ["Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices"],
        strict=True,
    )
}


class Vulnerability(enum.StrEnum):
    """A vulnerability of the victim. HTCDS 2.0: ``vic_Vulnerabilities``."""

    addiction = "addiction"
    social_group = "social_group"
    discrimination = "discrimination"
    poverty = "poverty"
    disability_and_physical_health = "disability_and_physical_health"
    mental_health = "mental_health"
    migration = "migration"
    homelessness = "homelessness"
    abuse_social_media = "abuse_social_media"
    abuse_physical = "abuse_physical"
    education = "education"
    work_environment = "work_environment"


HTCDS_NAMES[Vulnerability] = {
    m.value: n
    for m, n in zip(
        Vulnerability,
        [
            "Addiction",
            "SocialGroup",
            "Discrimination",
            "Poverty",
            "DisabilityAndPhysicalHealth",
            "MentalHealth",
            "Migration",
            "Homelessness",
            "AbuseSocialMedia",
            "AbusePhysical",
            "Education",
            "WorkEnvironment",
        ],
        strict=True,
    )
}


class TraffickingStatus(enum.StrEnum):
    """Whether the person is a victim of trafficking. HTCDS 2.0: ``vic_TraffickingStatus``."""

    possible_victim_of_trafficking = "possible_victim_of_trafficking"
    actual_victim_of_trafficking = "actual_victim_of_trafficking"
    not_a_victim_of_trafficking = "not_a_victim_of_trafficking"


HTCDS_NAMES[TraffickingStatus] = {
    m.value: n
    for m, n in zip(
        TraffickingStatus,
        ["PossibleVictimOfTrafficking", "ActualVictimOfTrafficking", "NotAVictimOfTrafficking"],
        strict=True,
    )
}


class StatusDecider(enum.StrEnum):
    """Who decided the trafficking status. HTCDS 2.0: ``vic_TraffickingStatusDecisionMakingOrg``."""

    police = "police"
    ngo = "ngo"
    court_or_prosecution = "court_or_prosecution"
    non_police_governmental_organization = "non_police_governmental_organization"
    other = "other"


HTCDS_NAMES[StatusDecider] = {
    m.value: n
    for m, n in zip(
        StatusDecider,
        ["Police", "NGO", "CourtOrProsecution", "NonPoliceGovernmentalOrganization", "Other"],
        strict=True,
    )
}


class Relationship(enum.StrEnum):
    """A trafficker's relationship to the victim. HTCDS 2.0: ``vic_RelationshipToTrafficker``."""

    familial = "familial"
    acquainted = "acquainted"
    unacquainted = "unacquainted"


HTCDS_NAMES[Relationship] = {
    m.value: n for m, n in zip(Relationship, ["Familial", "Acquainted", "Unaquainted"], strict=True)
}


class PerpetratorRole(enum.StrEnum):
    """A perpetrator's role in the trafficking process. HTCDS 2.0: ``per_RoleInProcess``."""

    travelling_partner = "travelling_partner"
    transporter = "transporter"
    recruiter_or_intermediary = "recruiter_or_intermediary"
    broker_travel_agent = "broker_travel_agent"
    transferred_individual = "transferred_individual"
    harboured_individual = "harboured_individual"
    sold_individual = "sold_individual"
    bought_individual = "bought_individual"
    received_individual = "received_individual"
    controlled_individual = "controlled_individual"
    smuggler = "smuggler"
    abuser = "abuser"
    kidnapper = "kidnapper"
    exploiter = "exploiter"
    other = "other"


HTCDS_NAMES[PerpetratorRole] = {
    m.value: n
    for m, n in zip(
        PerpetratorRole,
        [
            "TravellingPartner",
            "Transporter",
            "RecruiterOrIntermediary",
            "BrokerTravelAgent",
            "TransferredIndividual",
            "HarbouredIndividual",
            "SoldIndividual",
            "BoughtIndividual",
            "ReceivedIndividual",
            "ControlledIndividual",
            "Smuggler",
            "Abuser",
            "Kidnapper",
            "Exploiter",
            "Other",
        ],
        strict=True,
    )
}


class EventType(enum.StrEnum):
    """The kind of a trafficking event. HTCDS 2.0: ``hte_Type``."""

    recruitment = "recruitment"
    transit = "transit"
    exploitation = "exploitation"


HTCDS_NAMES[EventType] = {
    m.value: n for m, n in zip(EventType, ["Recruitment", "Transit", "Exploitation"], strict=True)
}


class OtherExploitation(enum.StrEnum):
    """The types of exploitation of HTCDS 2.0 (``vic_TypeOfExploitation``) that the
    case's ``exploitation_types`` hold as ``other``."""

    child_labour = "child_labour"
    forced_military_by_non_state_actors = "forced_military_by_non_state_actors"
    forced_begging = "forced_begging"
    forced_adoption = "forced_adoption"
    surrogacy = "surrogacy"


HTCDS_NAMES[OtherExploitation] = {
    m.value: n
    for m, n in zip(
        OtherExploitation,
        [
            "ChildLabour",
            "ForcedMilitaryByNonStateActors",
            "ForcedBegging",
            "ForcedAdoption",
            "Surrogacy",
        ],
        strict=True,
    )
}


class Majority(enum.StrEnum):
    """Whether the victim was a minor when exploited (the global dataset's
    ``majorityStatusAtExploit``): from the age at exploitation, or ``minor`` when a child at
    identification (exploitation precedes it)."""

    minor = "minor"  # anak, Minor
    adult = "adult"  # dewasa, Adult


HTCDS_NAMES[Majority] = {"minor": "Minor", "adult": "Adult"}

# The case record's own lists, in the standard's names.
HTCDS_NAMES[Sex] = {"female": "Feminine", "male": "Masculine", "unknown": "NonSpecifiedUnknown"}
HTCDS_NAMES[CaseStatus] = {
    "open": "Active",
    "follow_up": "FollowUp",
    "closed": "Closed",
    "closed_referred": "ClosedReferred",
}
# vic_TypeOfExploitation: the case's types; ``forced_criminality`` has no value of its own
# in the standard (Other), and the standard's types the record has none for are
# ``OtherExploitation``.
HTCDS_NAMES[ExploitationType] = {
    "forced_labour": "ForcedLabour",
    "sexual_exploitation": "SexualExploitation",
    "domestic_servitude": "Servitude",
    "forced_marriage": "ForcedMarriage",
    "organ_removal": "OrganRemoval",
    "forced_criminality": "Other",
    "other": "Other",
}
