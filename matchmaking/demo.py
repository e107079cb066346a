"""The demo tour: InnoHealth China's Matchmaking Tour with the institutions, speakers and
supporters the source article names. Tandems, investors and people are visibly fictional."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .enums import (
    Direction,
    InstitutionKind,
    MemberRole,
    Seeking,
    SessionKind,
    TourStatus,
)
from .models import (
    Institution,
    MeetingRequest,
    Representative,
    Session,
    Speaker,
    Supporter,
    Tandem,
    TandemMember,
    Topic,
    Tour,
    TourDay,
    User,
    VideoProvider,
)
from .roles import ORGANISERS_GROUP
from .services.requests import accept_request, request_meeting

DEMO_PASSWORD = "innohealth-demo-2027"  # noqa: S105 - published in README for the demo
TOUR_SLUG = "innohealth-china"
NEXT_TOUR_SLUG = "innohealth-china-2028"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
FIRST_DAY = date(2027, 3, 22)  # a week before Europe's change to summer time

TOPICS = [
    ("medical-imaging", "Medical imaging", "Medizinische Bildgebung", "医学影像"),
    ("ai-diagnostics", "AI diagnostics", "KI-Diagnostik", "人工智能诊断"),
    ("telemedicine", "Telemedicine", "Telemedizin", "远程医疗"),
    ("genomics", "Genomics", "Genomik", "基因组学"),
    ("precision-medicine", "Precision medicine", "Präzisionsmedizin", "精准医疗"),
    ("medical-robotics", "Medical robotics", "Medizinrobotik", "医疗机器人"),
    ("digital-therapeutics", "Digital therapeutics", "Digitale Therapeutika", "数字疗法"),
    ("wearables", "Wearables", "Wearables", "可穿戴设备"),
    ("health-data", "Health data", "Gesundheitsdaten", "健康数据"),
    ("microbiome", "Microbiome", "Mikrobiom", "微生物组"),
    ("vaccines", "Vaccines", "Impfstoffe", "疫苗"),
    ("pharmaceuticals", "Pharmaceuticals", "Pharmazeutika", "医药"),
    ("elderly-care", "Elderly care", "Altenpflege", "养老护理"),
    ("preventive-health", "Preventive health", "Gesundheitsvorsorge", "健康体检"),
]

# slug, English name, Chinese name, kind, city, province, topics, English and Chinese description
INSTITUTIONS = [
    (
        "tsinghua",
        "Tsinghua University",
        "清华大学",
        InstitutionKind.UNIVERSITY,
        "Beijing",
        "Beijing",
        ["medical-imaging", "ai-diagnostics", "health-data"],
        "One of China's leading research universities, with strong biomedical engineering.",
        "中国顶尖研究型大学之一，生物医学工程实力雄厚。",
    ),
    (
        "cas",
        "Chinese Academy of Sciences",
        "中国科学院",
        InstitutionKind.RESEARCH_INSTITUTE,
        "Beijing",
        "Beijing",
        ["vaccines", "genomics", "microbiome"],
        "China's national academy for the natural sciences and its research institutes.",
        "中国自然科学最高学术机构及其研究所体系。",
    ),
    (
        "cas-microbiology",
        "CAS Institute of Microbiology",
        "中国科学院微生物研究所",
        InstitutionKind.RESEARCH_INSTITUTE,
        "Beijing",
        "Beijing",
        ["microbiome", "vaccines", "pharmaceuticals"],
        "Research on microbial resources, infection and immunity, and vaccines.",
        "从事微生物资源、感染与免疫及疫苗研究。",
    ),
    (
        "infervision",
        "InferVision",
        "推想科技",
        InstitutionKind.COMPANY,
        "Beijing",
        "Beijing",
        ["medical-imaging", "ai-diagnostics"],
        "AI for medical imaging: lung, heart and brain diagnostics in hospitals.",
        "医学影像人工智能：肺部、心脏和脑部辅助诊断。",
    ),
    (
        "bgi",
        "BGI Group",
        "华大集团",
        InstitutionKind.COMPANY,
        "Shenzhen",
        "Guangdong",
        ["genomics", "precision-medicine", "health-data"],
        "Genomics and life sciences: sequencing, precision medicine and public-health testing.",
        "基因组学与生命科学：测序、精准医学与公共卫生检测。",
    ),
    (
        "alibaba-damo",
        "Alibaba DAMO Academy",
        "阿里巴巴达摩院",
        InstitutionKind.RESEARCH_INSTITUTE,
        "Hangzhou",
        "Zhejiang",
        ["ai-diagnostics", "medical-imaging", "health-data"],
        "Alibaba's research academy; its medical AI team works on imaging and diagnostics.",
        "阿里巴巴的研究院，其医疗人工智能团队专注影像与诊断。",
    ),
    (
        "ikang",
        "iKang Healthcare Group",
        "爱康集团",
        InstitutionKind.HOSPITAL,
        "Beijing",
        "Beijing",
        ["preventive-health", "telemedicine", "health-data"],
        "A nationwide network of medical examination and preventive-health centres.",
        "覆盖全国的体检与健康管理中心网络。",
    ),
    (
        "bmr-center",
        "Beijing Medical Robotics Industry Innovation Center",
        "北京医疗机器人产业创新中心",
        InstitutionKind.RESEARCH_INSTITUTE,
        "Beijing",
        "Beijing",
        ["medical-robotics"],
        "Brings research, hospitals and industry together on surgical and rehabilitation robots.",
        "联合科研、医院与产业，推动手术与康复机器人发展。",
    ),
    (
        "rits",
        "Research Institute of Tsinghua University in Shenzhen",
        "深圳清华大学研究院",
        InstitutionKind.RESEARCH_INSTITUTE,
        "Shenzhen",
        "Guangdong",
        ["medical-robotics", "wearables", "digital-therapeutics"],
        "Tsinghua's applied-research and incubation platform in Shenzhen (RITS).",
        "清华大学在深圳的应用研究与孵化平台。",
    ),
    (
        "hubei-pharma",
        "Pharmaceutical Association of Hubei Province",
        "湖北省医药行业协会",
        InstitutionKind.ASSOCIATION,
        "Wuhan",
        "Hubei",
        ["pharmaceuticals"],
        "The association of Hubei's pharmaceutical companies.",
        "湖北省医药企业的行业协会。",
    ),
    (
        "nanshan",
        "Nanshan District",
        "南山区",
        InstitutionKind.GOVERNMENT,
        "Shenzhen",
        "Guangdong",
        ["health-data", "elderly-care"],
        "Shenzhen's innovation district, home to many health-tech companies.",
        "深圳的创新城区，聚集众多健康科技企业。",
    ),
    (
        "example-health-capital",
        "Example Health Capital (fictional)",
        "示例健康资本（虚构）",
        InstitutionKind.INVESTOR,
        "Shanghai",
        "Shanghai",
        ["digital-therapeutics", "medical-robotics"],
        "A fictional investor for the demo: early-stage digital-health funds.",
        "演示用虚构投资机构：数字医疗早期基金。",
    ),
    (
        "sample-med-ventures",
        "Sample Med Ventures (fictional)",
        "样例医疗创投（虚构）",
        InstitutionKind.INVESTOR,
        "Shenzhen",
        "Guangdong",
        ["wearables", "ai-diagnostics"],
        "A fictional investor for the demo: growth capital for medtech.",
        "演示用虚构投资机构：医疗科技成长期资本。",
    ),
]

SPEAKERS = [
    (
        "Vicky Qi LI",
        "Dr.",
        "Vice President",
        "Beijing Medical Robotics Industry Innovation Center",
        "bmr-center",
    ),
    ("Lianpan DAI", "Prof. Dr.", "Professor", "Chinese Academy of Sciences", "cas"),
    (
        "Ying CHI",
        "Dr.",
        "Director, DAMO Academy Medical AI",
        "Alibaba DAMO Academy",
        "alibaba-damo",
    ),
    ("Kuan CHEN", "", "CEO and Founder", "InferVision", "infervision"),
]

SUPPORTERS = [
    "AHK Greater China",
    "Fraunhofer Representative Office Beijing",
    "Helmholtz Association",
    "Research Institute of Tsinghua University Shenzhen",
    "German Embassy",
    "Germany Trade & Invest (GTAI), Trade Information Shanghai",
    "CAS Institute of Microbiology",
    "Pharmaceutical Association of Hubei Province",
    "Alibaba DAMO Academy",
    "iKang Healthcare Group",
    "BGI Group",
    "Nanshan District",
    "InferVision",
]

# slug, name, project, topics, seeks, researcher, entrepreneur, research organisation, company
TANDEMS = [
    (
        "cardiosense",
        "CardioSense (demo)",
        "AI-assisted ECG screening for rural clinics",
        ["ai-diagnostics", "wearables", "telemedicine"],
        [Seeking.PILOT_SITE, Seeking.RD_COOPERATION],
        "Dr. Erika Mustermann",
        "Max Mustermann",
        "Example Institute for Digital Cardiology (fictional)",
        "CardioSense Beispiel GmbH (fictional)",
    ),
    (
        "lungscan",
        "LungScan (demo)",
        "Low-dose CT triage with explainable AI",
        ["medical-imaging", "ai-diagnostics"],
        [Seeking.RD_COOPERATION, Seeking.MARKET_ENTRY],
        "Prof. Dr. Anna Beispiel",
        "Jonas Beispiel",
        "Sample University Hospital, Radiology (fictional)",
        "LungScan Demo AG (fictional)",
    ),
    (
        "genocare",
        "GenoCare (demo)",
        "Genome-guided dosing for cancer therapy",
        ["genomics", "precision-medicine", "health-data"],
        [Seeking.CLINICAL_DATA, Seeking.RD_COOPERATION],
        "Dr. Lena Platzhalter",
        "Paul Platzhalter",
        "Placeholder Centre for Genomic Medicine (fictional)",
        "GenoCare Muster GmbH (fictional)",
    ),
    (
        "roboassist",
        "RoboAssist (demo)",
        "A lightweight robot arm for rehabilitation at home",
        ["medical-robotics", "elderly-care"],
        [Seeking.MANUFACTURING, Seeking.INVESTMENT],
        "Dr. Sophie Probe",
        "Felix Probe",
        "Demo Institute for Rehabilitation Robotics (fictional)",
        "RoboAssist Probe GmbH (fictional)",
    ),
    (
        "biomecheck",
        "BiomeCheck (demo)",
        "Microbiome tests for personalised nutrition therapy",
        ["microbiome", "pharmaceuticals", "digital-therapeutics"],
        [Seeking.RD_COOPERATION, Seeking.INVESTMENT],
        "Dr. Clara Exempel",
        "Leon Exempel",
        "Exemplary Institute of Microbiology (fictional)",
        "BiomeCheck Demo UG (fictional)",
    ),
    (
        "careconnect",
        "CareConnect (demo)",
        "Video consultations and sensors for elderly care",
        ["telemedicine", "elderly-care", "wearables"],
        [Seeking.PILOT_SITE, Seeking.MARKET_ENTRY],
        "Dr. Marie Fiktiv",
        "Tim Fiktiv",
        "Fictional Institute for Care Research",
        "CareConnect Fiktiv GmbH (fictional)",
    ),
]

# The tandems' projects in German and Chinese, so both sides read the profile in their language.
TANDEM_SUMMARIES = {
    "cardiosense": (
        "KI-gestütztes EKG-Screening für Landarztpraxen.",
        "面向农村诊所的人工智能辅助心电图筛查。",
    ),
    "lungscan": ("Low-Dose-CT-Triage mit erklärbarer KI.", "基于可解释人工智能的低剂量CT分诊。"),
    "genocare": (
        "Genomgesteuerte Dosierung in der Krebstherapie.",
        "基因组指导的肿瘤治疗剂量方案。",
    ),
    "roboassist": ("Ein leichter Roboterarm für die Reha zu Hause.", "用于居家康复的轻型机械臂。"),
    "biomecheck": (
        "Mikrobiomtests für personalisierte Ernährungstherapie.",
        "用于个性化营养治疗的微生物组检测。",
    ),
    "careconnect": (
        "Videosprechstunden und Sensorik für die Altenpflege.",
        "面向养老护理的视频问诊与传感器。",
    ),
}

# day (0-3), start (Berlin), minutes, kind, title, host, speakers (names), tandems ("*" = all), institutions
SESSIONS = [
    (
        0,
        time(7, 0),
        60,
        SessionKind.KEYNOTE,
        "Opening keynote: digital health in China",
        "alibaba-damo",
        ["Ying CHI"],
        "*",
        ["alibaba-damo", "tsinghua", "cas"],
    ),
    (
        0,
        time(12, 0),
        60,
        SessionKind.PRESENTATION,
        "Tandem presentations I",
        None,
        [],
        ["cardiosense", "lungscan", "genocare"],
        ["infervision", "tsinghua", "alibaba-damo", "bgi"],
    ),
    (
        1,
        time(7, 0),
        60,
        SessionKind.PRESENTATION,
        "Medical robotics in Beijing",
        "bmr-center",
        ["Vicky Qi LI"],
        "*",
        ["bmr-center", "rits"],
    ),
    (
        1,
        time(12, 0),
        60,
        SessionKind.SHOWCASE,
        "Showcase: AI in medical imaging",
        "infervision",
        ["Kuan CHEN"],
        ["lungscan", "cardiosense"],
        ["infervision"],
    ),
    (
        1,
        time(13, 0),
        60,
        SessionKind.PRESENTATION,
        "Tandem presentations II",
        None,
        [],
        ["roboassist", "biomecheck", "careconnect"],
        ["rits", "ikang", "hubei-pharma", "cas-microbiology"],
    ),
    (
        2,
        time(7, 0),
        60,
        SessionKind.COMPANY_VISIT,
        "Virtual company visit: BGI Group",
        "bgi",
        [],
        "*",
        ["bgi"],
    ),
    (
        2,
        time(10, 0),
        60,
        SessionKind.COMPANY_VISIT,
        "Virtual company visit: iKang Healthcare Group",
        "ikang",
        [],
        ["careconnect", "cardiosense"],
        ["ikang"],
    ),
    (
        2,
        time(12, 0),
        60,
        SessionKind.PRESENTATION,
        "Vaccines and microbiology research at CAS",
        "cas-microbiology",
        ["Lianpan DAI"],
        ["biomecheck", "genocare"],
        ["cas", "cas-microbiology"],
    ),
    (
        3,
        time(7, 0),
        60,
        SessionKind.INVESTOR_MEETING,
        "Meeting with potential investors",
        None,
        [],
        "*",
        ["example-health-capital", "sample-med-ventures"],
    ),
    (
        3,
        time(12, 0),
        90,
        SessionKind.ROUNDTABLE,
        "German-Chinese roundtable, at the invitation of RITS",
        "rits",
        [],
        "*",
        ["rits", "nanshan", "tsinghua", "hubei-pharma"],
    ),
    (3, time(13, 30), 30, SessionKind.NETWORKING, "Closing networking", None, [], "*", []),
]

# tandem, institution, direction, message, accepted — none of CardioSense, whose journey the
# browser tests walk
REQUESTS = [
    (
        "lungscan",
        "infervision",
        Direction.TANDEM_TO_INSTITUTION,
        "We would like to compare our CT triage model with your lung nodule products.",
        False,
    ),
    (
        "genocare",
        "bgi",
        Direction.TANDEM_TO_INSTITUTION,
        "Could we discuss a joint study on genome-guided dosing?",
        True,
    ),
    (
        "roboassist",
        "bmr-center",
        Direction.TANDEM_TO_INSTITUTION,
        "We look for a manufacturing partner for our rehabilitation arm.",
        False,
    ),
    (
        "careconnect",
        "ikang",
        Direction.INSTITUTION_TO_TANDEM,
        "iKang would like to learn about your elderly-care pilot.",
        True,
    ),
]


def _berlin(day: int, at: time) -> datetime:
    return datetime.combine(FIRST_DAY + timedelta(days=day), at, tzinfo=BERLIN)


def _user(email: str, name: str, *, language: str, time_zone: str, **flags) -> User:
    user, created = User.objects.update_or_create(
        email=email,
        defaults={"display_name": name, "language": language, "time_zone": time_zone, **flags},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _next_edition(returning_partner: Institution) -> Tour:
    """The 2028 edition in preparation: a returning researcher joins a new tandem, and a partner
    of 2027 comes back with its representative (who sees it once it opens)."""
    tour, _ = Tour.objects.update_or_create(
        slug=NEXT_TOUR_SLUG,
        defaults={
            "name": "InnoHealth China 2028 — Matchmaking Tour",
            "description": "The next edition, in preparation.",
            "status": TourStatus.DRAFT,
            "slot_minutes": 30,
        },
    )
    tandem, _ = Tandem.objects.update_or_create(
        tour=tour,
        slug="neurobridge",
        defaults={
            "name": "NeuroBridge (demo)",
            "project_title": "Speech markers for early dementia screening",
            "summary": "Speech markers for early dementia screening. A fictional tandem.",
            "summary_de": "Sprachmarker für die Früherkennung von Demenz. Ein fiktives Tandem.",
            "summary_zh": "用语音标志物进行早期痴呆筛查（演示用虚构科研-创业组合）",
            "research_organisation": "Fictional Institute for Digital Neurology",
            "company": "NeuroBridge Demo GmbH",
        },
    )
    returning = User.objects.get(email="researcher1@tandem.example")
    newcomer = _user(
        "entrepreneur7@tandem.example",
        "Nora Neumann (demo)",
        language="de",
        time_zone="Europe/Berlin",
    )
    for user, role in ((returning, MemberRole.RESEARCHER), (newcomer, MemberRole.ENTREPRENEUR)):
        TandemMember.objects.update_or_create(
            user=user, tour=tour, defaults={"tandem": tandem, "role": role}
        )
    returning_partner.tours.add(tour)
    Representative.objects.update_or_create(
        user=User.objects.get(email=f"{returning_partner.slug}@partner.example"),
        tour=tour,
        defaults={"institution": returning_partner, "position": "International office"},
    )
    return tour


def _video_providers(tour: Tour) -> None:
    """The portal's own Jitsi opens every meeting's room; partners may switch to a service that
    works well from China."""
    jitsi_host = urlsplit(settings.VIDEO_BASE_URL).hostname or ""
    rows = [
        ("Jitsi (InnoHealth)", jitsi_host, settings.VIDEO_BASE_URL, True),
        ("Tencent Meeting / VooV", "meeting.tencent.com voovmeeting.com", "", False),
        ("Zoom", "zoom.us zoom.com.cn", "", False),
    ]
    for position, (name, domains, room_base_url, is_default) in enumerate(rows):
        VideoProvider.objects.update_or_create(
            tour=tour,
            name=name,
            defaults={
                "domains": domains,
                "room_base_url": room_base_url,
                "is_default": is_default,
                "position": position,
            },
        )


@transaction.atomic
def load_demo() -> Tour:
    """Create or update the demo tour; running it again leaves the same rows."""
    tour, _ = Tour.objects.update_or_create(
        slug=TOUR_SLUG,
        defaults={
            "name": "InnoHealth China — Matchmaking Tour",
            "description": (
                "Four virtual days through China's digital-health research and innovation "
                "landscape for the winning German tandems of InnoHealth China: presentations, "
                "showcases, virtual company visits, a meeting with potential investors and a "
                "German-Chinese roundtable — and bilateral meetings with the partners."
            ),
            "status": TourStatus.OPEN,
            "slot_minutes": 30,
            "tandem_time_zone": "Europe/Berlin",
            "partner_time_zone": "Asia/Shanghai",
        },
    )
    for day in range(4):
        TourDay.objects.update_or_create(
            tour=tour,
            date=FIRST_DAY + timedelta(days=day),
            defaults={"window_start": _berlin(day, time(8)), "window_end": _berlin(day, time(12))},
        )
    _video_providers(tour)
    topics = {}
    for slug, en, de, zh in TOPICS:
        topics[slug], _ = Topic.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_de": de, "name_zh_hans": zh}
        )
    institutions = {}
    for slug, name, name_zh, kind, city, province, topic_slugs, text_en, text_zh in INSTITUTIONS:
        institution, _ = Institution.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "kind": kind,
                "city": city,
                "province": province,
                "description": text_en,
                "description_zh": text_zh,
            },
        )
        institution.topics.set(topics[t] for t in topic_slugs)
        institution.tours.add(tour)
        institutions[slug] = institution
        representative = _user(
            f"{slug}@partner.example",
            f"{name_zh or name} (demo representative)",
            language="zh-hans",
            time_zone="Asia/Shanghai",
        )
        Representative.objects.update_or_create(
            user=representative,
            tour=tour,
            defaults={"institution": institution, "position": "International office"},
        )
    speakers = {}
    for order, (name, title, position, organisation, institution_slug) in enumerate(SPEAKERS):
        speakers[name], _ = Speaker.objects.update_or_create(
            tour=tour,
            name=name,
            defaults={
                "title": title,
                "position": position,
                "organisation": organisation,
                "institution": institutions[institution_slug],
                "order": order,
            },
        )
    for order, name in enumerate(SUPPORTERS):
        Supporter.objects.update_or_create(tour=tour, name=name, defaults={"order": order})
    tandems = {}
    for number, row in enumerate(TANDEMS, start=1):
        slug, name, project, topic_slugs, seeks, researcher, entrepreneur, organisation, company = (
            row
        )
        tandem, _ = Tandem.objects.update_or_create(
            tour=tour,
            slug=slug,
            defaults={
                "name": name,
                "project_title": project,
                "summary": f"{project}. A fictional tandem of the demo tour.",
                "summary_de": f"{TANDEM_SUMMARIES[slug][0]} Ein fiktives Tandem der Demo-Tour.",
                "summary_zh": f"{TANDEM_SUMMARIES[slug][1]}（演示用虚构科研-创业组合）",
                "seeks": [str(s) for s in seeks],
                "research_organisation": organisation,
                "company": company,
            },
        )
        tandem.topics.set(topics[t] for t in topic_slugs)
        tandems[slug] = tandem
        for role, person in (
            (MemberRole.RESEARCHER, researcher),
            (MemberRole.ENTREPRENEUR, entrepreneur),
        ):
            user = _user(
                f"{role}{number}@tandem.example", person, language="de", time_zone="Europe/Berlin"
            )
            TandemMember.objects.update_or_create(
                user=user, tour=tour, defaults={"tandem": tandem, "role": role}
            )
    for (
        day,
        start,
        minutes,
        kind,
        title,
        host,
        speaker_names,
        tandem_slugs,
        institution_slugs,
    ) in SESSIONS:
        starts_at = _berlin(day, start)
        session, _ = Session.objects.update_or_create(
            tour=tour,
            title=title,
            defaults={
                "kind": kind,
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=minutes),
                "host": institutions[host] if host else None,
                "capacity": 60,
                "video_url": f"https://meet.jit.si/InnoHealth-demo-{kind}-{day}",
                "is_published": True,
            },
        )
        session.speakers.set(speakers[n] for n in speaker_names)
        session.tandems.set(
            tandems.values() if tandem_slugs == "*" else [tandems[t] for t in tandem_slugs]
        )
        session.institutions.set(institutions[i] for i in institution_slugs)
    for tandem_slug, institution_slug, direction, message, accepted in REQUESTS:
        tandem, institution = tandems[tandem_slug], institutions[institution_slug]
        if MeetingRequest.objects.filter(
            tour=tour, tandem=tandem, institution=institution
        ).exists():
            continue
        tandem_side = tandem.members.first().user
        partner_side = institution.representatives.first().user
        from_tandem = direction == Direction.TANDEM_TO_INSTITUTION
        request = request_meeting(
            actor=tandem_side if from_tandem else partner_side,
            tandem=tandem,
            institution=institution,
            direction=direction,
            message=message,
        )
        if accepted:
            accept_request(actor=partner_side if from_tandem else tandem_side, request=request)
    _next_edition(institutions["bgi"])
    organiser = _user(
        "organiser@innohealth.example",
        "Demo Organiser",
        language="en",
        time_zone="Europe/Berlin",
        is_staff=True,
    )
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    _user(
        "admin@innohealth.example",
        "Demo Administrator",
        language="en",
        time_zone="Europe/Berlin",
        is_staff=True,
        is_superuser=True,
    )
    return tour
