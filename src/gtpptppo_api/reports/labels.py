"""The labels of the values a report shows (enum values of the figures), by table.

Each label is a message id of the catalogue (``kit.i18n``), translated when it is shown: the
Indonesian catalogue holds the regulation's own words (Permen PPPA 10/2012: "Koordinasi
Pleno", "Rehabilitasi Sosial, Pemulangan dan Reintegrasi", ...).
"""

from __future__ import annotations

from gtpptppo_api.kit.i18n import N_

SUB_TASK_FORCES = {
    "prevention_child_participation": N_("Prevention and Child Participation"),
    "health_rehabilitation": N_("Health Rehabilitation"),
    "social_rehabilitation_repatriation_reintegration": N_(
        "Social Rehabilitation, Repatriation and Reintegration"
    ),
    "legal_norm_development": N_("Development of Legal Norms"),
    "law_enforcement": N_("Law Enforcement"),
    "cooperation_coordination": N_("Cooperation and Coordination"),
}

LABELS: dict[str, dict[str, str]] = {
    "kind": {"annual": N_("Annual Report"), "five_year": N_("Five-Year Report")},
    "age_group": {"adult": N_("Adult"), "child": N_("Child")},
    "sex": {"female": N_("Female"), "male": N_("Male")},
    "service": {
        "complaint": N_("Complaint"),
        "health_rehabilitation": N_("Health rehabilitation"),
        "social_rehabilitation": N_("Social rehabilitation"),
        "legal_aid": N_("Legal aid"),
        "repatriation": N_("Repatriation"),
        "reintegration": N_("Reintegration"),
    },
    "exploitation_type": {
        "forced_labour": N_("Forced labour"),
        "sexual_exploitation": N_("Sexual exploitation"),
        "domestic_servitude": N_("Domestic servitude"),
        "forced_marriage": N_("Forced marriage / mail-order bride"),
        "organ_removal": N_("Organ removal"),
        "forced_criminality": N_("Forced criminality"),
        "other": N_("Other"),
    },
    "legal_stage": {
        "none": N_("No legal proceedings yet"),
        "police_report": N_("Police report"),
        "investigation": N_("Investigation"),
        "prosecution": N_("Prosecution"),
        "verdict": N_("Verdict"),
        "restitution": N_("Restitution"),
    },
    "sub_task_force": SUB_TASK_FORCES,
    "program": SUB_TASK_FORCES,
    "state": {
        "draft": N_("Draft"),
        "submitted": N_("Submitted to the daily chair"),
        "discussed": N_("Discussed in a plenary meeting"),
        "consolidated": N_("Consolidated by the daily chair"),
        "forwarded": N_("Forwarded to the level above"),
        "received": N_("Received by the level above"),
        "returned": N_("Returned for revision"),
    },
    "action": {
        "submit": N_("Submitted to the daily chair"),
        "discuss": N_("Discussed in a plenary meeting"),
        "consolidate": N_("Consolidated"),
        "forward": N_("Forwarded to the level above"),
        "receive": N_("Received"),
        "return": N_("Returned for revision"),
        "comment": N_("Comment"),
        "head_receive": N_("Received by the head of region (Governor, Regent/Mayor)"),
        "head_forward": N_("Reported by the head of region to the level above"),
    },
    "level": {
        "national": N_("National"),
        "province": N_("Province"),
        "regency": N_("Regency/City"),
    },
    "role": {
        "national_admin": N_("National administrator"),
        "task_force_admin": N_("Task force administrator"),
        "reporter": N_("Reporter"),
        "service_centre": N_("Integrated service centre"),
        "analyst": N_("Analyst"),
    },
    "completeness": {
        "in": N_("In"),
        "missing": N_("Not in yet"),
        "no_task_force": N_("No task force yet"),
    },
    "plan_state": {"draft": N_("Draft"), "adopted": N_("Adopted"), "closed": N_("Closed")},
    "meeting_kind": {
        "plenary": N_("Plenary"),
        "sub_task_force": N_("Sub-task-force"),
        "coordination": N_("Coordination of the level"),
        "special": N_("Special"),
        "service_centre": N_("With the service centres"),
    },
    "visit_kind": {"monitoring": N_("Monitoring"), "evaluation": N_("Evaluation")},
    "subject_kind": {
        "sub_task_force": N_("Sub-task-forces"),
        "task_force": N_("Task forces of the level below"),
        "service_centre": N_("Integrated service centres"),
        "head_of_region": N_("Head of region"),
    },
    "checklist_area": {
        "policy": N_("Policy"),
        "institution": N_("Institution"),
        "action_plan": N_("Action plan"),
        "victim_recording_reporting": N_("Recording and reporting of victims"),
        "case_handling": N_("Case handling by the service centres"),
        "facilities": N_("Facilities"),
    },
    "rule": {
        "plenary": N_("Plenary meeting"),
        "sub_task_forces": N_("Sub-task-force meetings"),
        "coordination": N_("Coordination meeting"),
        "monitoring": N_("Monitoring"),
        "evaluation": N_("Evaluation"),
        "annual_report": N_("Annual report"),
        "head_of_region": N_("Monitoring by the head of region"),
    },
    # Permen PPPA 10/2012 §3.1, §3.3.1 d and §3.3.3 as the compliance rules read them.
    "rule_text": {
        "plenary": N_(
            "A plenary meeting at least once in each four-month period (January-April, "
            "May-August, September-December)."
        ),
        "sub_task_forces": N_("Each sub-task-force meets at least once in each two-month period."),
        "coordination": N_("A coordination meeting of the level at least once a year."),
        "monitoring": N_(
            "Monitoring at least once in each half of the year (January-June, July-December)."
        ),
        "evaluation": N_("An evaluation at least once a year."),
        "annual_report": N_("The annual report submitted to the daily chair by its due date."),
        "head_of_region": N_(
            "Monitored by the head of region (Governor, Regent/Mayor) at least once in each "
            "half of the year."
        ),
    },
    "rule_status": {
        "met": N_("Met"),
        "missed": N_("Not met"),
        "open": N_("Still running"),
        "due": N_("Within the deadline"),
    },
    "agreement_kind": {
        "mou": N_("Memorandum of understanding (MoU)"),
        "joint_agreement": N_("Joint agreement"),
        "cooperation_contract": N_("Cooperation contract"),
    },
    "party_kind": {
        "task_force": N_("Anti-trafficking task force"),
        "ministry_agency": N_("Ministry/agency"),
        "company": N_("Private company/state-owned enterprise"),
        "ngo": N_("Non-governmental organisation"),
        "international_organisation": N_("International organisation"),
        "foreign_government": N_("Foreign government"),
    },
    "scope": {
        "advocacy": N_("Advocacy"),
        "coordination": N_("Coordination"),
        "complaint_handling": N_("Complaint handling"),
        "information_exchange": N_("Information exchange"),
        "temporary_protection": N_("Temporary protection"),
        "health_recovery": N_("Health recovery services"),
        "psychological_recovery_social_rehabilitation": N_(
            "Psychological recovery and social rehabilitation"
        ),
        "legal_aid": N_("Legal aid"),
        "repatriation": N_("Repatriation"),
        "financing": N_("Financing"),
        "reporting": N_("Reporting"),
    },
    "capacity_kind": {
        "training": N_("Training"),
        "workshop_seminar": N_("Workshop and seminar"),
        "internship": N_("Internship"),
        "socialisation": N_("Socialisation"),
        "interactive_dialogue": N_("Interactive dialogue"),
        "other": N_("Other"),
    },
    "topic": {
        "human_rights": N_("Principles of human rights"),
        "gender_child_rights": N_("Gender sensitivity and child rights"),
        "legal_framework": N_("National and international legal framework"),
        "task_force_roles": N_("Roles of the task force"),
        "spm_sop_integrated_services": N_(
            "Minimum standards and procedures of integrated services"
        ),
        "recording_reporting": N_("Recording and reporting"),
        "victim_accompaniment": N_("Accompaniment of witnesses/victims"),
        "health_case_management": N_("Case management for health workers"),
        "social_rehabilitation": N_("Social rehabilitation"),
        "reintegration": N_("Reintegration"),
        "legal_accompaniment": N_("Legal accompaniment (paralegal)"),
        "other": N_("Other"),
    },
    "participant_role": {
        "task_force_member": N_("Task force member"),
        "secretariat_head": N_("Head of secretariat"),
        "secretariat_officer": N_("Secretariat officer"),
        "administrative_staff": N_("Administrative staff"),
        "finance_staff": N_("Finance staff"),
        "household_staff": N_("Household staff"),
        "security_staff": N_("Security staff"),
        "centre_manager": N_("Service centre management"),
        "social_worker": N_("Social worker/companion"),
        "counsellor": N_("Counsellor"),
        "health_worker": N_("Medical and paramedical staff"),
        "interpreter": N_("Interpreter"),
        "other": N_("Other"),
    },
    "owner_kind": {
        "secretariat": N_("Task force secretariat"),
        "service_centre": N_("Integrated service centre"),
    },
    "facility_item": {
        "office_room": N_("Office room"),
        "complaint_room": N_("Complaint room"),
        "counselling_room": N_("Counselling room"),
        "safe_house": N_("Safe house/room"),
        "bathroom": N_("Bathroom"),
        "furniture": N_("Furniture"),
        "computer": N_("Computer"),
        "telephone_fax": N_("Telephone/fax"),
        "internet": N_("Internet"),
        "registers_guidelines": N_("Registers and guidelines"),
        "iec_media": N_("Information and education media"),
        "office_supplies": N_("Office supplies"),
        "medical_equipment": N_("Medical equipment"),
        "transport": N_("Transport"),
        "reception_registration_room": N_("Reception and registration room"),
        "legal_consultation_room": N_("Legal consultation room"),
        "medical_examination_room": N_("Medical examination room"),
        "victim_bedroom": N_("Victims' bedroom"),
        "hotline": N_("Hotline"),
        "hospital_special_room": N_("Special room in a hospital"),
        "police_special_room": N_("Special service room at the police"),
    },
    "funding_source": {
        "apbn": N_("State budget (APBN)"),
        "apbd": N_("Regional budget (APBD)"),
        "social_disaster_fund": N_("Social disaster fund"),
        "csr": N_("Corporate social responsibility (CSR)"),
        "national_donor": N_("National donor"),
        "international_donor": N_("International donor"),
    },
    "route": {
        "by_legal_stage": N_("By stage of legal proceedings"),
        "by_origin_region": N_("By province of origin"),
        "by_transit_region": N_("By province of transit"),
        "by_transit_country": N_("By country of transit"),
        "by_destination_region": N_("By province of destination"),
        "by_destination_country": N_("By country of destination"),
    },
    # The case standard's closed lists (HTCDS 2.0, ``cases.htcds``), in its order.
    "control_method": {
        "physical_threats": N_("Threats of physical harm"),
        "threats_law_enforcement": N_("Threats of being reported to law enforcement"),
        "threatens_children_family": N_("Threats against the victim's children or family"),
        "debt_bondage": N_("Debt bondage"),
        "false_promises": N_("False promises"),
        "physical_abuse": N_("Physical abuse"),
        "sexual_abuse": N_("Sexual abuse"),
        "takes_earnings": N_("Earnings taken by the trafficker"),
        "restricts_financial_access": N_("Restricted access to money"),
        "restricts_medical_care": N_("Restricted access to medical care"),
        "withholds_necessities": N_("Necessities withheld (food, water, sleep)"),
        "psychological_abuse": N_("Psychological abuse"),
        "psychoactive_substance": N_("Psychoactive substances given"),
        "excessive_working_hours": N_("Excessive working hours"),
        "withholds_documents": N_("Identity documents withheld"),
        "other": N_("Other"),
    },
    "recruitment_method": {
        "at_a_place_of_business": N_("At a place of business"),
        "at_an_educational_institution": N_("At an educational institution"),
        "at_work": N_("At work"),
        "through_online_social_networks": N_("Through online social networks"),
        "through_an_online_advertisement": N_("Through an online advertisement"),
        "through_a_television_advert": N_("Through a television advertisement"),
        "through_a_newspaper_advert": N_("Through a newspaper advertisement"),
        "through_family_or_family_events": N_("Through family or family events"),
        "through_friends_or_social_events": N_("Through friends or social events"),
        "other": N_("Other"),
    },
    "perpetrator_relationship": {
        "familial": N_("Family member"),
        "acquainted": N_("Acquaintance"),
        "unacquainted": N_("Stranger"),
    },
    # ISIC Rev. 4 sections A-U, in Indonesian as KBLI 2020 names them
    "sector": {
        "agriculture_forestry_and_fishing": N_("Agriculture, forestry and fishing"),
        "mining_and_quarrying": N_("Mining and quarrying"),
        "manufacturing": N_("Manufacturing"),
        "electricity_gas_steam_and_air_conditioning_supply": N_(
            "Electricity, gas, steam and air conditioning supply"
        ),
        "water_supply_sewerage_waste_management": N_(
            "Water supply; sewerage, waste management and remediation"
        ),
        "construction": N_("Construction"),
        "wholesale_and_retail_trade_repair_of_motor_vehicles": N_(
            "Wholesale and retail trade; repair of motor vehicles"
        ),
        "transportation_and_storage": N_("Transportation and storage"),
        "accommodation_and_food_service_activities": N_(
            "Accommodation and food service activities"
        ),
        "information_and_communication": N_("Information and communication"),
        "financial_and_insurance_activities": N_("Financial and insurance activities"),
        "real_estate_activities": N_("Real estate activities"),
        "professional_scientific_and_technical_activities": N_(
            "Professional, scientific and technical activities"
        ),
        "administrative_and_support_service_activities": N_(
            "Administrative and support service activities"
        ),
        "public_administration_and_defence": N_(
            "Public administration and defence; compulsory social security"
        ),
        "education": N_("Education"),
        "human_health_and_social_work_activities": N_("Human health and social work activities"),
        "arts_entertainment_and_recreation": N_("Arts, entertainment and recreation"),
        "other_service_activities": N_("Other service activities"),
        "activities_of_households_as_employers": N_("Activities of households as employers"),
        "activities_of_extraterritorial_organizations": N_(
            "Activities of extraterritorial organisations and bodies"
        ),
    },
    "transit": {
        "with_transit": N_("Moved through a place of transit"),
        "without_transit": N_("No place of transit recorded"),
    },
}
